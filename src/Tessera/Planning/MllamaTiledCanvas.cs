using System;

namespace Tessera.Planning;

/// <summary>Configuration of Llama 3.2 Vision (mllama) tiling.</summary>
public readonly struct MllamaOptions
{
    /// <summary>Largest <c>max_image_tiles</c> accepted; the arrangement table grows as N·ln N.</summary>
    public const int MaxSupportedTiles = 1024;

    private readonly int[]? _arrangements; // (rows, cols) pairs, flattened, in upstream order

    /// <summary>Creates options and builds the table of supported tile arrangements; call <see cref="Validate"/>
    /// (planners do) to reject impossible values.</summary>
    public MllamaOptions(int tileSize = 560, int maxImageTiles = 4)
    {
        TileSize = tileSize;
        MaxImageTiles = maxImageTiles;
        _arrangements = maxImageTiles >= 1 && maxImageTiles <= MaxSupportedTiles ? BuildArrangements(maxImageTiles) : null;
    }

    /// <summary>The released Llama 3.2 Vision processor configuration: 560-pixel tiles, at most 4 tiles.</summary>
    public static MllamaOptions ProcessorDefaults => new(560, 4);

    /// <summary>Side of one square tile in pixels (<c>size["height"]</c> = <c>size["width"]</c>).</summary>
    public int TileSize { get; }

    /// <summary>Most tiles one image may use (<c>max_image_tiles</c>); also the number of tile slots the vision
    /// tensor holds per image.</summary>
    public int MaxImageTiles { get; }

    /// <summary>Number of supported arrangements (<c>len(get_all_supported_aspect_ratios(max_image_tiles))</c>).</summary>
    public int AspectRatioCount => _arrangements is null ? 0 : _arrangements.Length / 2;

    /// <summary>
    /// The supported arrangement at 0-based <paramref name="index"/> as <c>(rows, cols)</c>, in upstream order: the
    /// first element runs 1…N in the outer loop, the second in the inner loop, keeping pairs whose product is at most N.
    /// The aspect-ratio id the model embeds is <c>index + 1</c>.
    /// </summary>
    public (int Rows, int Cols) GetAspectRatio(int index)
    {
        if (_arrangements is null || (uint)index >= (uint)(_arrangements.Length / 2))
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        return (_arrangements[2 * index], _arrangements[2 * index + 1]);
    }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        if (TileSize < 1) throw PlanException.Config($"tile_size must be at least 1, got {TileSize}.");
        if (MaxImageTiles < 1) throw PlanException.Config($"max_image_tiles must be at least 1, got {MaxImageTiles}.");
        if (MaxImageTiles > MaxSupportedTiles)
            throw PlanException.Config($"max_image_tiles {MaxImageTiles} exceeds the supported {MaxSupportedTiles}.");
        if (_arrangements is null) throw PlanException.Config("mllama options were not constructed (default value).");
    }

    private static int[] BuildArrangements(int maxTiles)
    {
        int count = 0;
        for (int a = 1; a <= maxTiles; a++)
        {
            count += maxTiles / a; // b in 1..maxTiles with a·b ≤ maxTiles
        }
        var table = new int[2 * count];
        int k = 0;
        for (int a = 1; a <= maxTiles; a++)
        {
            for (int b = 1; b <= maxTiles; b++)
            {
                if ((long)a * b <= maxTiles)
                {
                    table[k++] = a;
                    table[k++] = b;
                }
            }
        }
        return table;
    }
}

/// <summary>The result of mllama planning for one image.</summary>
public readonly struct MllamaPlan
{
    internal MllamaPlan(int tileRows, int tileCols, int tileSize, int maxImageTiles, long resizedHeight, long resizedWidth, int aspectRatioId)
    {
        TileRows = tileRows;
        TileCols = tileCols;
        TileSize = tileSize;
        MaxImageTiles = maxImageTiles;
        ResizedHeight = resizedHeight;
        ResizedWidth = resizedWidth;
        AspectRatioId = aspectRatioId;
    }

    /// <summary>Tile rows of the chosen canvas.</summary>
    public int TileRows { get; }

    /// <summary>Tile columns of the chosen canvas.</summary>
    public int TileCols { get; }

    /// <summary>Side of one tile in pixels.</summary>
    public int TileSize { get; }

    /// <summary>Tile slots per image in the vision tensor; slots past <see cref="NumTiles"/> are zero padding
    /// (masked by <c>aspect_ratio_mask</c>).</summary>
    public int MaxImageTiles { get; }

    /// <summary>Canvas height in pixels: <c>rows × tile</c>.</summary>
    public long CanvasHeight => (long)TileRows * TileSize;

    /// <summary>Canvas width in pixels: <c>cols × tile</c>.</summary>
    public long CanvasWidth => (long)TileCols * TileSize;

    /// <summary>Real tiles: <c>rows × cols</c>.</summary>
    public int NumTiles => TileRows * TileCols;

    /// <summary>Height the image is resized to (aspect kept, fitted into the canvas, at least 1); the canvas is padded
    /// at the bottom.</summary>
    public long ResizedHeight { get; }

    /// <summary>Width the image is resized to; padded at the right.</summary>
    public long ResizedWidth { get; }

    /// <summary>1-based index of <c>(rows, cols)</c> in <see cref="MllamaOptions.GetAspectRatio"/>'s list (the model's
    /// <c>aspect_ratio_ids</c>; 0 is reserved for padding images).</summary>
    public int AspectRatioId { get; }

    /// <summary>Pixel rectangle of tile <paramref name="index"/> in the padded canvas, row-major (the order of
    /// <c>split_to_tiles</c>).</summary>
    public (long X, long Y, long Width, long Height) GetTile(int index)
    {
        if ((uint)index >= (uint)NumTiles)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        int row = index / TileCols, col = index % TileCols;
        return ((long)col * TileSize, (long)row * TileSize, TileSize, TileSize);
    }

    /// <summary>LLM positions the image occupies (always 1: the <c>&lt;|image|&gt;</c> token).</summary>
    public long LayoutTokens => MllamaTiledCanvas.CountTokens(this);
}

/// <summary>
/// Llama 3.2 Vision (transformers <c>MllamaImageProcessor</c>): pick the tile canvas among all <c>rows × cols ≤ N</c>
/// arrangements that needs the least upscaling (or, if none can upscale, the least downscaling), smallest area on a tie;
/// resize the image into it with its aspect kept; cut the padded canvas into <c>tile × tile</c> tiles.
/// </summary>
/// <remarks>
/// The tiles never occupy LLM positions: the prompt carries one <c>&lt;|image|&gt;</c> token per image and the
/// language model reads the tiles through cross-attention layers. <see cref="CountTokens"/> is therefore 1 whatever
/// the size; the tile count (the vision encoder's cost) is <see cref="MllamaPlan.NumTiles"/>, and the vision tensor
/// always holds <see cref="MllamaPlan.MaxImageTiles"/> slots per image.
/// </remarks>
public static class MllamaTiledCanvas
{
    /// <summary>Token spelling of the one prompt position an image takes.</summary>
    public const string ImageToken = "<|image|>";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive or the options are invalid.</exception>
    public static MllamaPlan Plan(int width, int height, in MllamaOptions options)
    {
        options.Validate();
        if (width <= 0 || height <= 0)
        {
            throw PlanException.Size(width, height);
        }
        int tile = options.TileSize;
        int count = options.AspectRatioCount;

        // get_optimal_tiled_canvas: per arrangement, the limiting scale min(scale_h, scale_w) (the reference's
        // where(scale_w > scale_h, scale_h, scale_w)); the smallest scale ≥ 1 if any, else the largest below 1.
        bool anyUp = false;
        double minUp = double.PositiveInfinity, maxDown = double.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            double s = Scale(options.GetAspectRatio(i), tile, width, height);
            if (s >= 1)
            {
                anyUp = true;
                if (s < minUp) minUp = s;
            }
            else if (s > maxDown)
            {
                maxDown = s;
            }
        }
        double selected = anyUp ? minUp : maxDown;
        int best = -1;
        long bestArea = long.MaxValue;
        for (int i = 0; i < count; i++)
        {
            var ar = options.GetAspectRatio(i);
            if (Scale(ar, tile, width, height) != selected)
            {
                continue;
            }
            long area = (long)ar.Rows * tile * ((long)ar.Cols * tile);
            if (area < bestArea) // argmin: the first minimum wins
            {
                bestArea = area;
                best = i;
            }
        }
        var (rows, cols) = options.GetAspectRatio(best);
        var (rh, rw) = FitToCanvas(height, width, (long)rows * tile, (long)cols * tile, tile);
        return new MllamaPlan(rows, cols, tile, options.MaxImageTiles, rh, rw, best + 1);
    }

    /// <summary>
    /// <c>get_image_size_fit_to_canvas</c>: clamp each side into <c>[tile, canvas]</c>, then scale by the smaller of the
    /// two ratios, flooring the other side (at least 1, at most its target). Returns <c>(height, width)</c>.
    /// </summary>
    public static (long Height, long Width) FitToCanvas(long imageHeight, long imageWidth, long canvasHeight, long canvasWidth, long tileSize)
    {
        if (imageHeight <= 0 || imageWidth <= 0)
        {
            throw new PlanException(PlanError.InvalidSize, $"Image size must be positive, got {imageWidth}×{imageHeight}.");
        }
        long targetWidth = Math.Min(Math.Max(imageWidth, tileSize), canvasWidth);
        long targetHeight = Math.Min(Math.Max(imageHeight, tileSize), canvasHeight);
        double scaleH = (double)targetHeight / imageHeight;
        double scaleW = (double)targetWidth / imageWidth;
        if (scaleW < scaleH)
        {
            long h = (long)Math.Floor(imageHeight * scaleW);
            return (Math.Min(h == 0 ? 1 : h, targetHeight), targetWidth);
        }
        long w = (long)Math.Floor(imageWidth * scaleH);
        return (targetHeight, Math.Min(w == 0 ? 1 : w, targetWidth));
    }

    /// <summary>The one token count of this strategy: LLM positions an image occupies — the single
    /// <c>&lt;|image|&gt;</c> token (tiles reach the model through cross-attention, not positions).</summary>
    public static long CountTokens(in MllamaPlan plan) => 1;

    /// <summary>Number of segments <see cref="WriteLayout"/> writes (1).</summary>
    public static int LayoutSegmentCount(in MllamaPlan plan) => 1;

    /// <summary>Writes the prompt layout of one image: <c>&lt;|image|&gt;</c>. Returns the number of segments written.</summary>
    public static int WriteLayout(in MllamaPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, ImageToken, 1);
        return writer.Count;
    }

    private static double Scale((int Rows, int Cols) arrangement, int tile, int width, int height)
    {
        double scaleH = (double)((long)arrangement.Rows * tile) / height;
        double scaleW = (double)((long)arrangement.Cols * tile) / width;
        return scaleW > scaleH ? scaleH : scaleW;
    }
}

using System;
using System.Globalization;

namespace Tessera.Planning;

/// <summary>Configuration of Idefics3 / SmolVLM image splitting.</summary>
public readonly struct Idefics3Options
{
    /// <summary>Largest grid side for which <see cref="Idefics3Splitting.WriteLayout"/> spells <c>&lt;row_i_col_j&gt;</c>
    /// tokens (released tokenizers define 6×6 of them).</summary>
    public const int MaxLayoutGridSide = 64;

    private readonly string?[]? _rowColTokens; // lazily filled, row-major, side = _tokenSide
    private readonly int _tokenSide;

    /// <summary>Creates options; call <see cref="Validate"/> (planners do) to reject impossible values.</summary>
    /// <param name="longestEdge"><c>size["longest_edge"]</c>: the first resize brings the longest side to this.</param>
    /// <param name="tileSize"><c>max_image_size["longest_edge"]</c>: the square the vision encoder takes.</param>
    /// <param name="doImageSplitting"><c>do_image_splitting</c>.</param>
    /// <param name="imageSeqLen">The processor's <c>image_seq_len</c>: <c>&lt;image&gt;</c> tokens per tile.</param>
    /// <param name="imageSizeCap">The module constant <c>MAX_IMAGE_SIZE</c>: no side exceeds it after the first resize.</param>
    public Idefics3Options(int longestEdge = 4 * 364, int tileSize = 364, bool doImageSplitting = true, int imageSeqLen = 169,
        int imageSizeCap = 4096)
    {
        LongestEdge = longestEdge;
        TileSize = tileSize;
        DoImageSplitting = doImageSplitting;
        ImageSeqLen = imageSeqLen;
        ImageSizeCap = imageSizeCap;
        _tokenSide = 0;
        _rowColTokens = null;
        if (doImageSplitting && tileSize >= 1 && imageSizeCap >= 1)
        {
            // No grid side exceeds ceil(cap / tile): the first resize keeps both sides ≤ cap.
            long side = ((long)imageSizeCap + tileSize - 1) / tileSize;
            _tokenSide = (int)Math.Min(side, MaxLayoutGridSide);
            _rowColTokens = new string?[_tokenSide * _tokenSide];
        }
    }

    /// <summary>The Idefics3-8B processor configuration: longest edge 1456, 364-pixel tiles, splitting on, 169 tokens per
    /// tile, cap 4096.</summary>
    public static Idefics3Options ProcessorDefaults => new(4 * 364, 364, true, 169, 4096);

    /// <summary>Longest side after the first resize (<c>size["longest_edge"]</c>).</summary>
    public int LongestEdge { get; }

    /// <summary>Side of the square tiles the vision encoder takes (<c>max_image_size["longest_edge"]</c>).</summary>
    public int TileSize { get; }

    /// <summary>Whether the image is split into tiles plus a global view (otherwise it is squashed to one tile).</summary>
    public bool DoImageSplitting { get; }

    /// <summary><c>&lt;image&gt;</c> tokens per tile and for the global image.</summary>
    public int ImageSeqLen { get; }

    /// <summary><c>MAX_IMAGE_SIZE</c>: upper bound on each side after the first resize.</summary>
    public int ImageSizeCap { get; }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        if (LongestEdge < 1) throw PlanException.Config($"size longest_edge must be at least 1, got {LongestEdge}.");
        if (TileSize < 1) throw PlanException.Config($"max_image_size longest_edge must be at least 1, got {TileSize}.");
        if (ImageSeqLen < 1) throw PlanException.Config($"image_seq_len must be at least 1, got {ImageSeqLen}.");
        if (ImageSizeCap < 1) throw PlanException.Config($"MAX_IMAGE_SIZE must be at least 1, got {ImageSizeCap}.");
        if (DoImageSplitting && _rowColTokens is null) throw PlanException.Config("idefics3 options were not constructed (default value).");
    }

    /// <summary>The spelling of the marker before tile (<paramref name="row"/>, <paramref name="col"/>), 0-based:
    /// <c>&lt;row_{row+1}_col_{col+1}&gt;</c>. Cached for grids up to <see cref="MaxLayoutGridSide"/> per side.</summary>
    public string RowColToken(int row, int col)
    {
        if (row < 0 || col < 0)
        {
            throw new ArgumentOutOfRangeException(row < 0 ? nameof(row) : nameof(col));
        }
        if (_rowColTokens is not null && row < _tokenSide && col < _tokenSide)
        {
            int k = row * _tokenSide + col;
            // A benign race: two threads may both build the same string; either copy is correct.
            return _rowColTokens[k] ??= Spell(row, col);
        }
        return Spell(row, col);
    }

    internal bool HasCachedRowCol(long rows, long cols) => rows <= _tokenSide && cols <= _tokenSide;

    private static string Spell(int row, int col) =>
        "<row_" + (row + 1).ToString(CultureInfo.InvariantCulture) + "_col_" + (col + 1).ToString(CultureInfo.InvariantCulture) + ">";
}

/// <summary>The result of Idefics3 planning for one image.</summary>
public readonly struct Idefics3Plan
{
    internal Idefics3Plan(long resizedHeight, long resizedWidth, long visionHeight, long visionWidth, long rows, long cols,
        long estimatedRows, long estimatedCols, bool estimatedSplit, in Idefics3Options options)
    {
        _options = options;
        ResizedHeight = resizedHeight;
        ResizedWidth = resizedWidth;
        VisionEncoderHeight = visionHeight;
        VisionEncoderWidth = visionWidth;
        Rows = rows;
        Cols = cols;
        EstimatedRows = estimatedRows;
        EstimatedCols = estimatedCols;
        EstimatedPatches = estimatedSplit ? checked(estimatedRows * estimatedCols + 1) : 0;
        ImageSeqLen = options.ImageSeqLen;
    }

    private readonly Idefics3Options _options;

    /// <summary>The options the plan was made with (they carry the row/column token spellings).</summary>
    public Idefics3Options Options => _options;

    /// <summary>Height after the first resize (longest side to <c>longest_edge</c>, short side even, capped).</summary>
    public long ResizedHeight { get; }

    /// <summary>Width after the first resize.</summary>
    public long ResizedWidth { get; }

    /// <summary>Height fed to the splitter: a multiple of the tile when splitting; the tile side when not.</summary>
    public long VisionEncoderHeight { get; }

    /// <summary>Width fed to the splitter.</summary>
    public long VisionEncoderWidth { get; }

    /// <summary>Tile rows (0 when the image is not split).</summary>
    public long Rows { get; }

    /// <summary>Tile columns (0 when the image is not split).</summary>
    public long Cols { get; }

    /// <summary>Images the vision encoder takes: the tiles plus the global view.</summary>
    public long NumPatches => Rows * Cols + 1;

    /// <summary><c>&lt;image&gt;</c> tokens in the prompt: <c>image_seq_len × NumPatches</c>.</summary>
    public long ImageTokensInPrompt => ImageSeqLen * NumPatches;

    /// <summary>Patches as upstream's <c>get_number_of_image_patches</c> estimates them (0 when it predicts no split,
    /// including when splitting is off). It rounds each side up on its own rather than re-deriving the short side as the
    /// processor does.</summary>
    public long EstimatedPatches { get; }

    /// <summary>Rows as <c>get_number_of_image_patches</c> estimates them.</summary>
    public long EstimatedRows { get; }

    /// <summary>Columns as <c>get_number_of_image_patches</c> estimates them.</summary>
    public long EstimatedCols { get; }

    /// <summary><c>&lt;image&gt;</c> tokens per patch.</summary>
    public int ImageSeqLen { get; }

    /// <summary>Whether the image is cut into tiles (<see cref="Rows"/> and <see cref="Cols"/> positive).</summary>
    public bool IsSplit => Rows != 0 || Cols != 0;

    /// <summary>LLM positions the image occupies (see <see cref="Idefics3Splitting.CountTokens"/>).</summary>
    public long LayoutTokens => Idefics3Splitting.CountTokens(this);
}

/// <summary>
/// Idefics3 / SmolVLM (transformers <c>Idefics3ImageProcessor</c> and <c>Idefics3Processor</c>): resize the longest side
/// to <c>longest_edge</c> (short side truncated then made even, both capped at <c>MAX_IMAGE_SIZE</c>), round both sides up
/// to multiples of the tile, cut into <c>rows × cols</c> tiles row-major and add the whole image squashed to one tile.
/// </summary>
/// <remarks>
/// The prompt, as the processor spells it for a split image: for each row, for each column,
/// <c>&lt;fake_token_around_image&gt;&lt;row_r_col_c&gt;&lt;image&gt;×seq</c>, then <c>\n</c> after each row; then
/// <c>\n&lt;fake_token_around_image&gt;&lt;global-img&gt;&lt;image&gt;×seq&lt;fake_token_around_image&gt;</c>. The last row's
/// <c>\n</c> and the following <c>\n</c> tokenize as one <c>\n\n</c>, so the count is
/// <c>(seq + 3) + rows·((seq + 2)·cols + 1)</c> — upstream's <c>num_image_tokens</c>. Unsplit:
/// <c>&lt;fake_token_around_image&gt;&lt;global-img&gt;&lt;image&gt;×seq&lt;fake_token_around_image&gt;</c> (seq + 3).
/// </remarks>
public static class Idefics3Splitting
{
    /// <summary>Token around each image piece.</summary>
    public const string FakeTokenAroundImage = "<fake_token_around_image>";

    /// <summary>Token for one image feature position.</summary>
    public const string ImageToken = "<image>";

    /// <summary>Marker before the global view.</summary>
    public const string GlobalImageToken = "<global-img>";

    /// <summary>Separator after a tile row.</summary>
    public const string RowNewline = "\n";

    /// <summary>The last row's newline merged with the newline before the global view (one token).</summary>
    public const string DoubleNewline = "\n\n";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive or the options are invalid.</exception>
    public static Idefics3Plan Plan(int width, int height, in Idefics3Options options)
    {
        options.Validate();
        if (width <= 0 || height <= 0)
        {
            throw PlanException.Size(width, height);
        }
        var (h, w) = ResizeToLongestEdge(height, width, options.LongestEdge, options.ImageSizeCap);
        long tile = options.TileSize;
        if (!options.DoImageSplitting)
        {
            return new Idefics3Plan(h, w, tile, tile, 0, 0, 0, 0, false, options);
        }

        // get_number_of_image_patches: each side rounded up to a tile multiple on its own.
        long eh = CeilMultiple(h, tile), ew = CeilMultiple(w, tile);
        bool estimatedSplit = eh > tile || ew > tile;
        long estRows = estimatedSplit ? (long)Math.Ceiling(eh / (double)tile) : 0;
        long estCols = estimatedSplit ? (long)Math.Ceiling(ew / (double)tile) : 0;

        // resize_for_vision_encoder: the long side up to a multiple, the short one re-derived from the aspect, then up.
        double aspect = (double)w / h;
        long vh, vw;
        if (w >= h)
        {
            vw = CeilMultiple(w, tile);
            vh = CeilMultiple((long)(vw / aspect), tile);
        }
        else
        {
            vh = CeilMultiple(h, tile);
            vw = CeilMultiple((long)(vh * aspect), tile);
        }
        long rows = 0, cols = 0;
        if (vh > tile || vw > tile)
        {
            rows = PyMath.FloorDivide(vh - tile, tile) + 1;
            cols = PyMath.FloorDivide(vw - tile, tile) + 1;
        }
        return new Idefics3Plan(h, w, vh, vw, rows, cols, estRows, estCols, estimatedSplit, options);
    }

    /// <summary>
    /// The processor's first resize: <c>_resize_output_size_rescale_to_max_len</c> (longest side to
    /// <paramref name="longestEdge"/>, the other truncated and bumped to even, at least 1) then
    /// <c>_resize_output_size_scale_below_upper_bound</c> (longest side at most <paramref name="cap"/>). Returns
    /// <c>(height, width)</c>.
    /// </summary>
    public static (long Height, long Width) ResizeToLongestEdge(int height, int width, int longestEdge, int cap)
    {
        if (width <= 0 || height <= 0)
        {
            throw PlanException.Size(width, height);
        }
        double aspect = (double)width / height;
        long h, w;
        if (width >= height)
        {
            w = longestEdge;
            h = (long)(w / aspect);
            if (h % 2 != 0) h++;
        }
        else
        {
            h = longestEdge;
            w = (long)(h * aspect);
            if (w % 2 != 0) w++;
        }
        h = Math.Max(h, 1);
        w = Math.Max(w, 1);

        aspect = (double)w / h;
        if (w >= h && w > cap)
        {
            w = cap;
            h = (long)(w / aspect);
        }
        else if (h > w && h > cap)
        {
            h = cap;
            w = (long)(h * aspect);
        }
        return (Math.Max(h, 1), Math.Max(w, 1));
    }

    /// <summary>
    /// The one token count of this strategy: LLM positions the image occupies with its markers, row/column tokens and
    /// newlines (<c>\n\n</c> counted once) — upstream's <c>num_image_tokens</c>.
    /// </summary>
    public static long CountTokens(in Idefics3Plan plan)
    {
        long seq = plan.ImageSeqLen;
        return checked(seq + 3 + plan.Rows * ((seq + 2) * plan.Cols + 1));
    }

    /// <summary>Number of segments <see cref="WriteLayout"/> writes.</summary>
    /// <exception cref="PlanException">The grid is too large for a span of segments.</exception>
    public static int LayoutSegmentCount(in Idefics3Plan plan)
    {
        long n = 4 + plan.Rows * plan.Cols * 3 + plan.Rows;
        if (n > int.MaxValue)
        {
            throw new PlanException(PlanError.Overflow, $"a {plan.Rows}×{plan.Cols} grid has more layout segments than a span holds.");
        }
        return (int)n;
    }

    /// <summary>
    /// Writes the prompt layout of one image as the processor spells it (see the type's remarks). Returns the number
    /// of segments written.
    /// </summary>
    /// <exception cref="PlanException">The grid exceeds <see cref="Idefics3Options.MaxLayoutGridSide"/> per side.</exception>
    public static int WriteLayout(in Idefics3Plan plan, Span<LayoutSegment> destination)
    {
        var options = plan.Options;
        var writer = new LayoutWriter(destination);
        if (plan.IsSplit)
        {
            if (!options.HasCachedRowCol(plan.Rows, plan.Cols))
            {
                throw new PlanException(PlanError.InvalidConfiguration,
                    $"a {plan.Rows}×{plan.Cols} grid exceeds the {Idefics3Options.MaxLayoutGridSide}×{Idefics3Options.MaxLayoutGridSide} row/column tokens the layout spells.");
            }
            int rows = (int)plan.Rows, cols = (int)plan.Cols;
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    writer.Add(SegmentKind.Marker, FakeTokenAroundImage, 1);
                    writer.Add(SegmentKind.Marker, options.RowColToken(r, c), 1);
                    writer.Add(SegmentKind.Context, ImageToken, plan.ImageSeqLen, PieceRole.Tile, r * cols + c);
                }
                writer.Add(SegmentKind.Separator, r == rows - 1 ? DoubleNewline : RowNewline, 1);
            }
            writer.Add(SegmentKind.Marker, FakeTokenAroundImage, 1);
            writer.Add(SegmentKind.Marker, GlobalImageToken, 1);
            writer.Add(SegmentKind.Context, ImageToken, plan.ImageSeqLen, PieceRole.Overview);
            writer.Add(SegmentKind.Marker, FakeTokenAroundImage, 1);
        }
        else
        {
            writer.Add(SegmentKind.Marker, FakeTokenAroundImage, 1);
            writer.Add(SegmentKind.Marker, GlobalImageToken, 1);
            writer.Add(SegmentKind.Context, ImageToken, plan.ImageSeqLen, PieceRole.Image);
            writer.Add(SegmentKind.Marker, FakeTokenAroundImage, 1);
        }
        return writer.Count;
    }

    private static long CeilMultiple(long value, long tile) => (long)Math.Ceiling(value / (double)tile) * tile;
}

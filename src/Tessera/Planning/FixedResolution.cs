using System;

namespace Tessera.Planning;

/// <summary>Configuration of a fixed-resolution encoder (CLIP-style resize + centre crop, optionally LLaVA-1.5's pad to square).</summary>
public readonly struct FixedResolutionOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="shortestEdge">The shortest side is resized to this (the other to <c>int(edge × long / short)</c>).</param>
    /// <param name="cropSize">Side of the centre crop fed to the encoder.</param>
    /// <param name="patchSize">ViT patch side.</param>
    /// <param name="padToSquare">LLaVA-1.5 original <c>expand2square</c>: pad to a square first.</param>
    /// <param name="clsPositions">Positions added for a CLS token that reaches the LLM (0 for LLaVA, which drops it).</param>
    /// <param name="imageToken">Token spelling of one position in the prompt.</param>
    public FixedResolutionOptions(int shortestEdge, int cropSize, int patchSize, bool padToSquare = false, int clsPositions = 0, string imageToken = "<image>")
    {
        ShortestEdge = shortestEdge;
        CropSize = cropSize;
        PatchSize = patchSize;
        PadToSquare = padToSquare;
        ClsPositions = clsPositions;
        ImageToken = imageToken;
    }

    /// <summary>CLIP ViT-B/16 at 224: 14×14 = 196 patch features.</summary>
    public static FixedResolutionOptions ClipVitB16 => new(224, 224, 16);

    /// <summary>CLIP ViT-L/14 at 224: 16×16 = 256 patch features.</summary>
    public static FixedResolutionOptions ClipVitL14 => new(224, 224, 14);

    /// <summary>CLIP ViT-L/14 at 336: 24×24 = 576 patch features.</summary>
    public static FixedResolutionOptions ClipVitL14At336 => new(336, 336, 14);

    /// <summary>LLaVA-1.5 (original, <c>image_aspect_ratio="pad"</c>): pad to square, CLIP 336 → 576 <c>&lt;image&gt;</c> positions.</summary>
    public static FixedResolutionOptions Llava15 => new(336, 336, 14, padToSquare: true);

    /// <summary>Resize target of the shortest side.</summary>
    public int ShortestEdge { get; }

    /// <summary>Centre-crop side.</summary>
    public int CropSize { get; }

    /// <summary>ViT patch side.</summary>
    public int PatchSize { get; }

    /// <summary>Whether the image is first padded to a square (LLaVA-1.5 <c>expand2square</c>).</summary>
    public bool PadToSquare { get; }

    /// <summary>Extra positions for a CLS token.</summary>
    public int ClsPositions { get; }

    /// <summary>Token spelling of one position.</summary>
    public string ImageToken { get; }

    /// <summary>Throws <see cref="PlanException"/> for impossible values.</summary>
    public void Validate()
    {
        if (ShortestEdge < 1 || CropSize < 1 || PatchSize < 1) throw PlanException.Config("shortest edge, crop size and patch size must be positive.");
        if (CropSize % PatchSize != 0) throw PlanException.Config($"crop size {CropSize} is not a multiple of patch size {PatchSize}.");
        if (ClsPositions < 0) throw PlanException.Config("CLS positions must not be negative.");
        if (ImageToken is null) throw PlanException.Config("an image token spelling is required.");
    }
}

/// <summary>The plan of one image for a fixed-resolution encoder.</summary>
public readonly struct FixedResolutionPlan
{
    internal FixedResolutionPlan(int padSide, int padLeft, int padTop, long resizedWidth, long resizedHeight, long cropLeft, long cropTop,
        int cropSize, int grid, int clsPositions, string imageToken)
    {
        PaddedSide = padSide;
        PadLeft = padLeft;
        PadTop = padTop;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        CropLeft = cropLeft;
        CropTop = cropTop;
        CropSize = cropSize;
        Grid = grid;
        ClsPositions = clsPositions;
        ImageToken = imageToken;
    }

    /// <summary>Side of the padded square (0 when not padding).</summary>
    public int PaddedSide { get; }

    /// <summary>Where the original sits in the padded square: <c>floor((side − width) / 2)</c>.</summary>
    public int PadLeft { get; }

    /// <summary><c>floor((side − height) / 2)</c>.</summary>
    public int PadTop { get; }

    /// <summary>Width after the shortest-edge resize.</summary>
    public long ResizedWidth { get; }

    /// <summary>Height after the shortest-edge resize.</summary>
    public long ResizedHeight { get; }

    /// <summary>Left of the centre crop: <c>floor((width − crop) / 2)</c>.</summary>
    public long CropLeft { get; }

    /// <summary>Top of the centre crop.</summary>
    public long CropTop { get; }

    /// <summary>Crop side.</summary>
    public int CropSize { get; }

    /// <summary>Patches per side: crop / patch.</summary>
    public int Grid { get; }

    /// <summary>Patch features: grid².</summary>
    public long Features => (long)Grid * Grid;

    /// <summary>Extra CLS positions.</summary>
    public int ClsPositions { get; }

    /// <summary>Token spelling of one position.</summary>
    public string ImageToken { get; }
}

/// <summary>
/// Fixed-resolution baselines: CLIP ViT-B/16 (196), ViT-L/14 at 224 (256) and 336 (576), and LLaVA-1.5 with its pad to
/// square (576). Resize the shortest side (the other to <c>int(size × long / short)</c>), crop the centre (floor offsets).
/// </summary>
public static class FixedResolution
{
    /// <summary>Plans an image.</summary>
    public static FixedResolutionPlan Plan(int width, int height, in FixedResolutionOptions options)
    {
        options.Validate();
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        int side = 0, padLeft = 0, padTop = 0;
        long w = width, h = height;
        if (options.PadToSquare)
        {
            side = Math.Max(width, height);
            padLeft = (side - width) / 2;
            padTop = (side - height) / 2;
            w = h = side;
        }
        // transformers' get_resize_output_image_size for an int size: short side → size, long side → int(size * long / short).
        long shortSide = Math.Min(w, h), longSide = Math.Max(w, h);
        long newShort = options.ShortestEdge;
        long newLong = (long)PyInt.TrueDivide(options.ShortestEdge * longSide, shortSide);
        long rw = w <= h ? newShort : newLong;
        long rh = w <= h ? newLong : newShort;
        long cropLeft = PyMath.FloorDivide(rw - options.CropSize, 2);
        long cropTop = PyMath.FloorDivide(rh - options.CropSize, 2);
        return new FixedResolutionPlan(side, padLeft, padTop, rw, rh, cropLeft, cropTop, options.CropSize,
            options.CropSize / options.PatchSize, options.ClsPositions, options.ImageToken);
    }

    /// <summary>The one token count of this strategy: patch features plus CLS positions.</summary>
    public static long CountTokens(in FixedResolutionPlan plan) => plan.Features + plan.ClsPositions;

    /// <summary>The count does not depend on the image: this is also the worst case.</summary>
    public static long MaxTokens(in FixedResolutionOptions options)
    {
        options.Validate();
        long g = options.CropSize / options.PatchSize;
        return g * g + options.ClsPositions;
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes.</summary>
    public static int LayoutSegmentCount(in FixedResolutionPlan plan) => plan.ClsPositions > 0 ? 2 : 1;

    /// <summary>Writes the CLS position(s), if any, then the patch features as one run.</summary>
    public static int WriteLayout(in FixedResolutionPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, plan.ImageToken, plan.ClsPositions);
        writer.Add(SegmentKind.Context, plan.ImageToken, plan.Features, PieceRole.Image);
        return writer.Count;
    }
}

using System;
using System.Collections.Generic;

namespace Tessera.Planning;

/// <summary>Which ViT outputs the LLaVA model keeps (<c>vision_feature_select_strategy</c>).</summary>
public enum FeatureSelectStrategy
{
    /// <summary><c>"default"</c>: the CLS feature is dropped, so the processor subtracts one from its count.</summary>
    Default,
    /// <summary><c>"full"</c>: every feature is kept (SigLIP towers have no CLS; LLaVA-OneVision).</summary>
    Full,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>One AnyRes canvas, read the way transformers reads <c>image_grid_pinpoints</c>: height first.</summary>
public readonly struct Pinpoint : IEquatable<Pinpoint>
{
    /// <summary>Creates a canvas of <paramref name="height"/>×<paramref name="width"/> pixels.</summary>
    public Pinpoint(int height, int width)
    {
        Height = height;
        Width = width;
    }

    /// <summary>Canvas height in pixels.</summary>
    public int Height { get; }

    /// <summary>Canvas width in pixels.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public bool Equals(Pinpoint other) => Height == other.Height && Width == other.Width;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Pinpoint p && Equals(p);

    /// <inheritdoc/>
    public override int GetHashCode() => Height * 397 ^ Width;

    /// <inheritdoc/>
    public override string ToString() => $"[{Height}, {Width}]";
}

/// <summary>
/// Configuration of LLaVA-NeXT (v1.6) AnyRes planning, as in the llava-hf processor configs. Construction copies and
/// checks the pinpoint list once; planning afterwards reads it without allocating.
/// </summary>
public sealed class LlavaNextOptions
{
    private readonly Pinpoint[] _pinpoints;

    /// <summary>Creates options.</summary>
    /// <param name="pinpoints"><c>image_grid_pinpoints</c> as (height, width) pairs, in the order the reference scans them.</param>
    /// <param name="cropSize">Side of the square ViT crop (and of the base image), 336 for CLIP ViT-L/14-336.</param>
    /// <param name="patchSize">ViT patch side; the crop holds <c>crop / patch</c> (floor) patches per side.</param>
    /// <param name="strategy"><c>vision_feature_select_strategy</c>.</param>
    /// <param name="numAdditionalImageTokens">Extra ViT outputs per crop counted by the processor (1 for CLIP's CLS).</param>
    /// <exception cref="PlanException">The pinpoint list is empty, a canvas is not a positive multiple of the crop, a
    /// size is not positive, or <paramref name="strategy"/> is outside its declared members.</exception>
    public LlavaNextOptions(IReadOnlyList<Pinpoint> pinpoints, int cropSize = 336, int patchSize = 14,
        FeatureSelectStrategy strategy = FeatureSelectStrategy.Default, int numAdditionalImageTokens = 1)
    {
        PlanEnums.Check(strategy);
        if (pinpoints is null) throw PlanException.Config("image_grid_pinpoints must be a list of [height, width] pairs.");
        if (patchSize < 1) throw PlanException.Config($"patch_size must be at least 1, got {patchSize}.");
        if (cropSize < 1) throw PlanException.Config($"crop_size must be at least 1, got {cropSize}.");
        // Upstream takes crop // patch features per side (SigLIP: 384 // 14 = 27), so the crop need not be a whole number of
        // patches; a patch larger than the crop leaves no feature grid and upstream divides by zero.
        if (patchSize > cropSize)
            throw PlanException.Config($"patch_size {patchSize} is larger than crop_size {cropSize}: the feature grid would be empty.");
        if (numAdditionalImageTokens < 0)
            throw PlanException.Config($"num_additional_image_tokens must not be negative, got {numAdditionalImageTokens}.");
        _pinpoints = AnyResCore.CopyPinpoints(pinpoints, cropSize);
        CropSize = cropSize;
        PatchSize = patchSize;
        Strategy = strategy;
        NumAdditionalImageTokens = numAdditionalImageTokens;
    }

    /// <summary>The llava-hf/llava-v1.6-* settings: canvases 336×672, 672×336, 672×672, 1008×336, 336×1008 (h×w), crop 336,
    /// patch 14, strategy "default", one additional token.</summary>
    public static LlavaNextOptions V16 { get; } = new(new[]
    {
        new Pinpoint(336, 672), new Pinpoint(672, 336), new Pinpoint(672, 672), new Pinpoint(1008, 336), new Pinpoint(336, 1008),
    });

    /// <summary>Canvases (height, width) in scan order.</summary>
    public ReadOnlySpan<Pinpoint> Pinpoints => _pinpoints;

    /// <summary>Side of the square crop in pixels.</summary>
    public int CropSize { get; }

    /// <summary>ViT patch side in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Features along one side of a crop: <c>crop / patch</c>.</summary>
    public int FeatureGrid => CropSize / PatchSize;

    /// <summary><c>vision_feature_select_strategy</c>.</summary>
    public FeatureSelectStrategy Strategy { get; }

    /// <summary>Processor's <c>num_additional_image_tokens</c>.</summary>
    public int NumAdditionalImageTokens { get; }
}

/// <summary>
/// The AnyRes plan of one image (LLaVA-NeXT and, after its anyres_max shrink, LLaVA-OneVision): the canvas, the crop grid
/// and the processor's feature counts. Shapes are [h, w] and [rows, cols] as upstream returns them.
/// </summary>
public readonly struct AnyResPlan
{
    internal AnyResPlan(Pinpoint canvas, int cropSize, long resizedWidth, long resizedHeight, long featureRows, long featureColumns,
        long unpaddedFeatures, long newlineFeatures, long baseFeatures, bool subtractOne)
    {
        Canvas = canvas;
        Rows = canvas.Height / cropSize;
        Columns = canvas.Width / cropSize;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        FeatureRows = featureRows;
        FeatureColumns = featureColumns;
        UnpaddedFeatures = unpaddedFeatures;
        NewlineFeatures = newlineFeatures;
        BaseFeatures = baseFeatures;
        SubtractsOne = subtractOne;
    }

    /// <summary>The selected canvas (<c>best_resolution</c>, height first).</summary>
    public Pinpoint Canvas { get; }

    /// <summary>Crop rows: canvas height / crop.</summary>
    public int Rows { get; }

    /// <summary>Crop columns: canvas width / crop.</summary>
    public int Columns { get; }

    /// <summary>Crops plus the base image (<c>image_size_to_num_patches</c>).</summary>
    public long NumPatches => (long)Rows * Columns + 1;

    /// <summary>Width the image is resized to before centred zero padding to the canvas (ceil rule, §3.4).</summary>
    public long ResizedWidth { get; }

    /// <summary>Height the image is resized to before padding.</summary>
    public long ResizedHeight { get; }

    /// <summary>Feature rows kept after unpadding (and the anyres_max shrink): one <c>image_newline</c> each.</summary>
    public long FeatureRows { get; }

    /// <summary>Features per kept row.</summary>
    public long FeatureColumns { get; }

    /// <summary>Processor's <c>unpadded_features</c> (= rows × columns kept).</summary>
    public long UnpaddedFeatures { get; }

    /// <summary>Processor's <c>newline_features</c> (= kept rows).</summary>
    public long NewlineFeatures { get; }

    /// <summary>Base-image features as the processor counts them (including <c>num_additional_image_tokens</c>).</summary>
    public long BaseFeatures { get; }

    /// <summary>Whether the strategy is "default" (the processor subtracts one for the dropped CLS).</summary>
    public bool SubtractsOne { get; }

    /// <summary><c>unpadded + newline + base</c> before the CLS adjustment.</summary>
    public long NumFeaturesRaw => UnpaddedFeatures + NewlineFeatures + BaseFeatures;

    /// <summary><c>&lt;image&gt;</c> copies in the prompt (processor's <c>num_image_tokens</c>, after the CLS adjustment).</summary>
    public long NumImageTokens => NumFeaturesRaw - (SubtractsOne ? 1 : 0);

    /// <summary>Base-image features the model actually places first (the processor's base count net of the adjustment).</summary>
    public long BaseFeaturesPlaced => BaseFeatures - (SubtractsOne ? 1 : 0);
}

/// <summary>
/// LLaVA-NeXT AnyRes (transformers <c>select_best_resolution</c> + <c>LlavaNextProcessor._get_number_of_features</c>): pick
/// the canvas with the most effective and then least wasted area (first wins), cut it into crops, and count the unpadded
/// feature grid with one newline per row plus the base image. Exact to the Python, including <c>int()</c> in the
/// selection, <c>ceil</c> in the resize and <c>round(·, 7)</c> in the unpadding.
/// </summary>
public static class LlavaNextAnyRes
{
    /// <summary>The prompt spelling of every position the image occupies.</summary>
    public const string ImageToken = "<image>";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public static AnyResPlan Plan(int width, int height, LlavaNextOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        long grid = options.FeatureGrid;
        return AnyResCore.Plan(width, height, options.Pinpoints, options.CropSize, grid, 0,
            grid * grid + options.NumAdditionalImageTokens, options.Strategy == FeatureSelectStrategy.Default);
    }

    /// <summary>
    /// The one token count of this strategy: <c>&lt;image&gt;</c> positions, which is the processor's
    /// <c>num_image_tokens</c> (no markers: LLaVA-NeXT writes none around the features).
    /// </summary>
    public static long CountTokens(in AnyResPlan plan) => plan.NumImageTokens;

    /// <summary>Largest <see cref="CountTokens"/> any image can get under <paramref name="options"/> (unpadding only removes
    /// rows or columns, so the fullest canvas bounds it).</summary>
    public static long MaxTokens(LlavaNextOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        long grid = options.FeatureGrid;
        long baseFeatures = grid * grid + options.NumAdditionalImageTokens;
        return AnyResCore.MaxGridTokens(options.Pinpoints, options.CropSize, grid, 0)
            + baseFeatures - (options.Strategy == FeatureSelectStrategy.Default ? 1 : 0);
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes: the base run, then per kept row a feature run and a newline.</summary>
    /// <exception cref="PlanException">The layout would need more than <see cref="int.MaxValue"/> segments.</exception>
    public static int LayoutSegmentCount(in AnyResPlan plan) => AnyResCore.LayoutSegmentCount(plan);

    /// <summary>
    /// Writes what the model puts at the image's <c>&lt;image&gt;</c> positions: the base-image features (role
    /// <see cref="PieceRole.Overview"/>), then the unpadded grid row by row (role <see cref="PieceRole.FeatureRow"/>, piece
    /// = row), each row followed by one learned <c>image_newline</c> (kind <see cref="SegmentKind.Separator"/>). Every
    /// segment's token is <c>&lt;image&gt;</c>, the text the prompt holds there. Returns the number of segments.
    /// </summary>
    public static int WriteLayout(in AnyResPlan plan, Span<LayoutSegment> destination) => AnyResCore.WriteLayout(plan, destination);
}

/// <summary>The AnyRes arithmetic shared by LLaVA-NeXT and LLaVA-OneVision.</summary>
internal static class AnyResCore
{
    public static Pinpoint[] CopyPinpoints(IReadOnlyList<Pinpoint> pinpoints, int cropSize)
    {
        if (pinpoints.Count == 0) throw PlanException.Config("image_grid_pinpoints is empty: there is no canvas to choose.");
        var copy = new Pinpoint[pinpoints.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            var p = pinpoints[i];
            if (p.Height < 1 || p.Width < 1)
                throw PlanException.Config($"image_grid_pinpoints entry {i} {p} must have positive sides.");
            if (p.Height % cropSize != 0 || p.Width % cropSize != 0)
                throw PlanException.Config($"image_grid_pinpoints entry {i} {p} is not a whole number of {cropSize}-px crops.");
            copy[i] = p;
        }
        return copy;
    }

    /// <summary>transformers <c>select_best_resolution(original_size=(H, W), possible_resolutions)</c>.</summary>
    public static Pinpoint SelectBestResolution(int width, int height, ReadOnlySpan<Pinpoint> pinpoints)
    {
        long area = (long)width * height;
        Pinpoint best = pinpoints[0];
        long maxEffective = 0;
        long minWasted = long.MaxValue; // stands for float('inf'): every real waste is below it
        bool any = false;
        for (int i = 0; i < pinpoints.Length; i++)
        {
            var p = pinpoints[i];
            double scale = Math.Min((double)p.Width / width, (double)p.Height / height);
            long downW = (long)(width * scale);
            long downH = (long)(height * scale);
            long effective = Math.Min(downW * downH, area);
            long wasted = (long)p.Width * p.Height - effective;
            if (!any || effective > maxEffective || (effective == maxEffective && wasted < minWasted))
            {
                any = true;
                best = p;
                maxEffective = effective;
                minWasted = wasted;
            }
        }
        return best;
    }

    /// <summary>
    /// Selection, resize target, unpadding (processor rule with <c>round(·, 7)</c>) and, when <paramref name="maxNumPatches"/>
    /// is positive, the OneVision anyres_max shrink with Python float floor division.
    /// </summary>
    public static AnyResPlan Plan(int width, int height, ReadOnlySpan<Pinpoint> pinpoints, int cropSize, long grid,
        long maxNumPatches, long baseFeatures, bool subtractOne)
    {
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        var canvas = SelectBestResolution(width, height, pinpoints);

        // Image processor's _resize_for_patching: ceil on the scaled side, capped at the canvas.
        double scaleW = (double)canvas.Width / width, scaleH = (double)canvas.Height / height;
        long resizedW, resizedH;
        if (scaleW < scaleH)
        {
            resizedW = canvas.Width;
            resizedH = Math.Min((long)Math.Ceiling(height * scaleW), canvas.Height);
        }
        else
        {
            resizedH = canvas.Height;
            resizedW = Math.Min((long)Math.Ceiling(width * scaleH), canvas.Width);
        }

        long rows = canvas.Height / cropSize, cols = canvas.Width / cropSize;
        long currentH = grid * rows, currentW = grid * cols;
        double originalAspect = (double)width / height;
        double currentAspect = PyInt.TrueDivide(currentW, currentH);
        if (originalAspect > currentAspect)
        {
            long newH = (long)PyMath.Round7(height * PyInt.TrueDivide(currentW, width));
            long padding = PyMath.FloorDivide(currentH - newH, 2L);
            currentH -= padding * 2;
        }
        else
        {
            long newW = (long)PyMath.Round7(width * PyInt.TrueDivide(currentH, height));
            long padding = PyMath.FloorDivide(currentW - newW, 2L);
            currentW -= padding * 2;
        }

        long keptRows = currentH, keptCols = currentW;
        if (maxNumPatches > 0)
        {
            double ratio = Math.Sqrt(PyInt.TrueDivide(currentH * currentW, maxNumPatches * grid * grid));
            if (ratio > 1.1)
            {
                keptRows = (long)PyMath.FloorDivide((double)currentH, ratio);
                keptCols = (long)PyMath.FloorDivide((double)currentW, ratio);
            }
        }
        return new AnyResPlan(canvas, cropSize, resizedW, resizedH, keptRows, keptCols, keptRows * keptCols, keptRows,
            baseFeatures, subtractOne);
    }

    /// <summary>Upper bound of unpadded + newline features over every canvas (before the base image).</summary>
    public static long MaxGridTokens(ReadOnlySpan<Pinpoint> pinpoints, int cropSize, long grid, long maxNumPatches)
    {
        long most = 0;
        for (int i = 0; i < pinpoints.Length; i++)
        {
            long rows = grid * (pinpoints[i].Height / cropSize), cols = grid * (pinpoints[i].Width / cropSize);
            long features = rows * cols;
            if (maxNumPatches > 0)
            {
                // Without the shrink, ratio ≤ 1.1 means rows·cols ≤ 1.21·n·grid² (plus rounding slack); with it the kept
                // grid is at most n·grid². Either way the bound below holds.
                long cap = Saturating(Saturating(maxNumPatches, grid * grid), 121) / 100 + 2;
                features = Math.Min(features, cap);
            }
            most = Math.Max(most, features + rows);
        }
        return most;
    }

    public static int LayoutSegmentCount(in AnyResPlan plan)
    {
        long perRow = (plan.FeatureColumns > 0 ? 1 : 0) + 1;
        long count = (plan.BaseFeaturesPlaced > 0 ? 1 : 0) + plan.FeatureRows * perRow;
        if (count > int.MaxValue) throw new PlanException(PlanError.Overflow, $"the layout needs {count} segments, more than a span can hold.");
        return (int)count;
    }

    public static int WriteLayout(in AnyResPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Context, LlavaNextAnyRes.ImageToken, plan.BaseFeaturesPlaced, PieceRole.Overview);
        for (long row = 0; row < plan.FeatureRows; row++)
        {
            writer.Add(SegmentKind.Context, LlavaNextAnyRes.ImageToken, plan.FeatureColumns, PieceRole.FeatureRow, (int)row);
            writer.Add(SegmentKind.Separator, LlavaNextAnyRes.ImageToken, 1);
        }
        return writer.Count;
    }

    private static long Saturating(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
}

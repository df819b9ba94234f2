using System;

namespace Tessera.Planning;

/// <summary>Which published copy of Qwen's <c>smart_resize</c> to reproduce (they differ only at the edges).</summary>
public enum QwenResizeRule
{
    /// <summary>transformers' current <c>Qwen2VLImageProcessor</c>: half-even rounding, <c>max(factor, …)</c> clamp in the
    /// shrink branch, sides below the factor accepted (since PR #38706).</summary>
    Transformers,
    /// <summary>The Qwen team's <c>qwen-vl-utils</c>: clamps each rounded side to at least the factor up front, no clamp in the
    /// shrink branch (a side can become 0 there), and requires <c>max_pixels ≥ min_pixels</c>.</summary>
    QwenVlUtils,
    /// <summary>transformers before PR #38706: rejects a side smaller than the factor, no clamp in the shrink branch.</summary>
    TransformersLegacy,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>Configuration of Qwen2-VL / Qwen2.5-VL native-resolution planning.</summary>
public readonly struct QwenVisionOptions
{
    /// <summary>The transformers class defaults (same as <see cref="ProcessorDefaults"/>).</summary>
    public QwenVisionOptions()
        : this(14)
    {
    }

    /// <summary>Creates options; call <see cref="Validate"/> (planners do) to reject impossible values.</summary>
    public QwenVisionOptions(int patchSize = 14, int mergeSize = 2, long minPixels = 56 * 56, long maxPixels = 28 * 28 * 1280,
        QwenResizeRule rule = QwenResizeRule.Transformers, int temporalPatchSize = 2)
    {
        PatchSize = patchSize;
        MergeSize = mergeSize;
        MinPixels = minPixels;
        MaxPixels = maxPixels;
        Rule = rule;
        TemporalPatchSize = temporalPatchSize;
    }

    /// <summary>The transformers class defaults: patch 14, merge 2, 3 136 ≤ pixels ≤ 1 003 520.</summary>
    public static QwenVisionOptions ProcessorDefaults => new(14, 2, 56 * 56, 28 * 28 * 1280);

    /// <summary>The released Qwen2-VL / Qwen2.5-VL checkpoint configuration: max_pixels 12 845 056 (16 384 tokens).</summary>
    public static QwenVisionOptions Checkpoint => new(14, 2, 56 * 56, 28 * 28 * 16384);

    /// <summary>ViT patch side in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Spatial merge: <c>merge × merge</c> patches become one LLM token.</summary>
    public int MergeSize { get; }

    /// <summary>Lower bound on the resized area.</summary>
    public long MinPixels { get; }

    /// <summary>Upper bound on the resized area.</summary>
    public long MaxPixels { get; }

    /// <summary>Which copy of <c>smart_resize</c> to follow.</summary>
    public QwenResizeRule Rule { get; }

    /// <summary>Frames per temporal patch (an image is repeated to this many frames).</summary>
    public int TemporalPatchSize { get; }

    /// <summary>Resize granularity: <c>patch × merge</c> (28 for Qwen2-VL).</summary>
    public int Factor => PatchSize * MergeSize;

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    /// <exception cref="PlanException">A size below 1, a negative pixel bound, a <see cref="Rule"/> outside its declared
    /// members, or (qwen-vl-utils) <c>max_pixels &lt; min_pixels</c>.</exception>
    public void Validate()
    {
        PlanEnums.Check(Rule);
        if (PatchSize < 1) throw PlanException.Config($"patch_size must be at least 1, got {PatchSize}.");
        if (MergeSize < 1) throw PlanException.Config($"merge_size must be at least 1, got {MergeSize}.");
        if (TemporalPatchSize < 1) throw PlanException.Config($"temporal_patch_size must be at least 1, got {TemporalPatchSize}.");
        if ((long)PatchSize * MergeSize > int.MaxValue) throw PlanException.Config("patch_size × merge_size does not fit a 32-bit factor.");
        if (MinPixels < 0) throw PlanException.Config($"min_pixels must not be negative, got {MinPixels}.");
        // 0 is accepted like upstream: transformers only divides by it when the rounded area exceeds it (a side that rounds to 0
        // never does), and the division then raises (see SmartResize).
        if (MaxPixels < 0) throw PlanException.Config($"max_pixels must not be negative, got {MaxPixels}.");
        if (Rule == QwenResizeRule.QwenVlUtils && MaxPixels < MinPixels)
            throw PlanException.Config($"max_pixels ({MaxPixels}) must be at least min_pixels ({MinPixels}) (qwen-vl-utils asserts this).");
    }
}

/// <summary>The result of Qwen native-resolution planning for one image.</summary>
public readonly struct QwenPlan
{
    internal QwenPlan(long resizedWidth, long resizedHeight, int patchSize, int mergeSize)
    {
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        GridH = resizedHeight / patchSize;
        GridW = resizedWidth / patchSize;
        NumPatches = GridH * GridW;
        Tokens = NumPatches / ((long)mergeSize * mergeSize);
    }

    /// <summary>Width the image is resized to (a multiple of the factor; 0 only where qwen-vl-utils rounds a side to 0).</summary>
    public long ResizedWidth { get; }

    /// <summary>Height the image is resized to.</summary>
    public long ResizedHeight { get; }

    /// <summary>Temporal grid: 1 for an image.</summary>
    public long GridT => 1;

    /// <summary>Patch rows: <c>resized height / patch</c>.</summary>
    public long GridH { get; }

    /// <summary>Patch columns: <c>resized width / patch</c>.</summary>
    public long GridW { get; }

    /// <summary>Rows of the ViT input (<c>pixel_values</c>): <c>GridT × GridH × GridW</c>.</summary>
    public long NumPatches { get; }

    /// <summary><c>&lt;|image_pad|&gt;</c> count: patches / merge².</summary>
    public long Tokens { get; }

    /// <summary>LLM positions the image occupies: the pads plus <c>&lt;|vision_start|&gt;</c> and <c>&lt;|vision_end|&gt;</c>.</summary>
    public long LayoutTokens => QwenNativeResolution.CountTokens(this);
}

/// <summary>
/// Qwen2-VL / Qwen2.5-VL native resolution: <c>smart_resize</c> to multiples of <c>patch × merge</c> within an area
/// budget, a patch grid, and <c>merge²</c> patches per LLM token. Exact to the Python reference, including its
/// half-to-even rounding and floating-point evaluation order.
/// </summary>
public static class QwenNativeResolution
{
    /// <summary>Token spelling of the marker before an image.</summary>
    public const string VisionStart = "<|vision_start|>";

    /// <summary>Token spelling of the marker after an image.</summary>
    public const string VisionEnd = "<|vision_end|>";

    /// <summary>Token spelling of one image position.</summary>
    public const string ImagePad = "<|image_pad|>";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive, the aspect ratio exceeds 200, a legacy rule rejects a small
    /// side, or the options are invalid (<see cref="QwenVisionOptions.Validate"/>, an undefined rule included).</exception>
    public static QwenPlan Plan(int width, int height, in QwenVisionOptions options)
    {
        options.Validate();
        var (h, w) = SmartResize(height, width, options.Factor, options.MinPixels, options.MaxPixels, options.Rule);
        return new QwenPlan(w, h, options.PatchSize, options.MergeSize);
    }

    /// <summary>
    /// <c>smart_resize(height, width, factor, min_pixels, max_pixels)</c> → <c>(h̄, w̄)</c>, in the argument order and with
    /// the arithmetic of the reference.
    /// </summary>
    /// <exception cref="PlanException">A <paramref name="rule"/> outside its declared members, a size that is not positive,
    /// a factor below 1, the aspect ratio exceeds 200, a legacy rule rejects a small side, <c>max_pixels</c> is 0 where
    /// upstream divides by it, or a size beyond 64-bit range.</exception>
    public static (long Height, long Width) SmartResize(int height, int width, int factor, long minPixels, long maxPixels,
        QwenResizeRule rule = QwenResizeRule.Transformers) =>
        SmartResize(height, width, factor, minPixels, new PixelBudget(maxPixels), rule);

    /// <summary>
    /// The upper area bound as Python holds it: an int (image processors) or a float (qwen-vl-utils' per-frame video budget
    /// <c>total / n · 2</c>). Python compares and divides the two differently: <c>int / int</c> is correctly rounded, while
    /// <c>int / float</c> first converts the int to a float.
    /// </summary>
    internal readonly struct PixelBudget
    {
        private readonly long _integer;
        private readonly double _float;
        private readonly bool _isFloat;

        public PixelBudget(long integer)
        {
            _integer = integer;
            _float = integer;
            _isFloat = false;
        }

        public PixelBudget(double value)
        {
            _integer = value >= 9.2e18 ? long.MaxValue : (long)Math.Floor(value);
            _float = value;
            _isFloat = true;
        }

        /// <summary>Whether the budget is zero (upstream then divides by zero in the shrink branch).</summary>
        public bool IsZero => _float == 0;

        /// <summary>Python <c>a · b &gt; budget</c> for non-negative ints (exact: against a float, <c>p &gt; f ⇔ p &gt; ⌊f⌋</c>).</summary>
        public bool IsExceededBy(long a, long b) => ProductExceeds(a, b, _integer);

        /// <summary>Python <c>area / budget</c>.</summary>
        public double Divide(long area) => _isFloat ? area / _float : PyInt.TrueDivide(area, _integer);
    }

    internal static (long Height, long Width) SmartResize(int height, int width, int factor, long minPixels, in PixelBudget maxPixels,
        QwenResizeRule rule)
    {
        PlanEnums.Check(rule);
        if (width <= 0 || height <= 0)
        {
            throw PlanException.Size(width, height);
        }
        if (factor < 1)
        {
            throw PlanException.Config($"factor must be at least 1, got {factor}.");
        }
        if (rule == QwenResizeRule.TransformersLegacy && (height < factor || width < factor))
        {
            throw new PlanException(PlanError.InvalidSize, $"height:{height} and width:{width} must be larger than factor:{factor}");
        }
        double aspect = (double)Math.Max(height, width) / Math.Min(height, width);
        if (aspect > 200)
        {
            throw new PlanException(PlanError.AspectRatioTooLarge,
                $"absolute aspect ratio must be smaller than 200, got {aspect.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }
        long hBar = (long)PyMath.RoundHalfEven(height / (double)factor) * factor;
        long wBar = (long)PyMath.RoundHalfEven(width / (double)factor) * factor;
        if (rule == QwenResizeRule.QwenVlUtils)
        {
            hBar = Math.Max(factor, hBar);
            wBar = Math.Max(factor, wBar);
        }
        long area = (long)height * width;
        if (maxPixels.IsExceededBy(hBar, wBar))
        {
            if (maxPixels.IsZero)
                throw PlanException.Config("max_pixels is 0 and the rounded size is not empty: upstream divides by max_pixels here (ZeroDivisionError).");
            double beta = Math.Sqrt(maxPixels.Divide(area));
            hBar = ToLong(Math.Floor(height / beta / factor)) * factor;
            wBar = ToLong(Math.Floor(width / beta / factor)) * factor;
            if (rule == QwenResizeRule.Transformers)
            {
                hBar = Math.Max(factor, hBar);
                wBar = Math.Max(factor, wBar);
            }
        }
        else if (minPixels > 0 && !ProductExceeds(hBar, wBar, minPixels - 1))
        {
            double beta = Math.Sqrt(PyInt.TrueDivide(minPixels, area));
            hBar = checked(ToLong(Math.Ceiling(height * beta / factor)) * factor);
            wBar = checked(ToLong(Math.Ceiling(width * beta / factor)) * factor);
        }
        return (hBar, wBar);
    }

    /// <summary>
    /// The one token count of this strategy: LLM positions an image occupies (<c>&lt;|image_pad|&gt;</c> × tokens plus the
    /// two vision markers). Budgets, the layout and the planner all use this.
    /// </summary>
    public static long CountTokens(in QwenPlan plan) => plan.Tokens + 2;

    /// <summary>
    /// An upper bound of <see cref="CountTokens"/> over every image the options accept (aspect ≤ 200): the larger of the
    /// area budget, the shrink branch when the <c>max(factor, …)</c> clamp fires on one side (the other side is then at most
    /// <c>√(200 · max_pixels)</c>), and the grow branch's overshoot (each side at most one factor above its exact value).
    /// </summary>
    /// <exception cref="PlanException">The options are invalid (<see cref="QwenVisionOptions.Validate"/>).</exception>
    public static long MaxTokens(in QwenVisionOptions options)
    {
        options.Validate();
        double f = options.Factor;
        double rounded = options.MaxPixels;
        double clamped = Math.Max(f * Math.Sqrt(200.0 * options.MaxPixels), f * f);
        double grown = options.MinPixels + 2 * f * Math.Sqrt(200.0 * options.MinPixels) + f * f;
        double area = Math.Max(rounded, Math.Max(clamped, grown));
        double merged = (double)options.MergeSize * options.MergeSize * options.PatchSize * options.PatchSize;
        return (long)Math.Floor(area / merged) + 2;
    }

    /// <summary>Number of segments <see cref="WriteLayout"/> writes.</summary>
    public static int LayoutSegmentCount(in QwenPlan plan) => plan.Tokens == 0 ? 2 : 3;

    /// <summary>
    /// Writes the prompt layout of one image: <c>&lt;|vision_start|&gt; &lt;|image_pad|&gt;×N &lt;|vision_end|&gt;</c>.
    /// Returns the number of segments written.
    /// </summary>
    public static int WriteLayout(in QwenPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, VisionStart, 1);
        writer.Add(SegmentKind.Context, ImagePad, plan.Tokens, PieceRole.Image);
        writer.Add(SegmentKind.Marker, VisionEnd, 1);
        return writer.Count;
    }

    /// <summary><c>a × b &gt; limit</c> for non-negative operands, without overflowing.</summary>
    internal static bool ProductExceeds(long a, long b, long limit) => a != 0 && b > limit / a;

    private static long ToLong(double value)
    {
        if (!(value < 9.2233720368547758E18) || value < -9.2233720368547758E18)
        {
            throw new PlanException(PlanError.Overflow, "smart_resize produced a size beyond 64-bit range.");
        }
        return (long)value;
    }
}

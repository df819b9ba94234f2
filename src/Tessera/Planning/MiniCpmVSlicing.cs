using System;

namespace Tessera.Planning;

/// <summary>How <c>ensure_divide(length, p)</c> snaps a length to a multiple of <c>p</c> (never below <c>p</c>).</summary>
public enum EnsureDivideRule
{
    /// <summary>MiniCPM-V 2.6: <c>max(round(length / p) · p, p)</c> with Python's half-to-even <c>round</c>.</summary>
    RoundHalfEven,
    /// <summary>LLaVA-UHD v1 branch <c>slice_process.py</c>: <c>max(floor(length / p) · p, p)</c>.</summary>
    Floor,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>Which prompt pieces surround the overview and the slices.</summary>
public enum SliceTokenSchema
{
    /// <summary>MiniCPM-V 2.6 <c>get_slice_image_placeholder</c>: optional <c>&lt;image_id&gt;N&lt;/image_id&gt;</c>, the overview in
    /// <c>&lt;image&gt;…&lt;/image&gt;</c>, then grid rows joined by <c>\n</c>, each slice in <c>&lt;slice&gt;…&lt;/slice&gt;</c>.</summary>
    MiniCpmV26,
    /// <summary>LLaVA-UHD v1 branch <c>slice_image_minicpm</c>: overview first, then each slice followed by one separator token,
    /// <c>,</c> inside a row and <c>\n</c> after the last slice of each row (<c>ind_tokens</c>).</summary>
    CommaNewline,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>Configuration of MiniCPM-V-style slicing (MiniCPM-V 2.6 and the LLaVA-UHD v1 branch that copied it).</summary>
public readonly struct MiniCpmVOptions
{
    /// <summary>Creates options; planners call <see cref="Validate"/>.</summary>
    /// <param name="scaleResolution">S: views are sized to about S² pixels (448 for MiniCPM-V 2.6).</param>
    /// <param name="patchSize">ViT patch; view sides are multiples of it.</param>
    /// <param name="maxSliceNums">Most slices a grid may have (9).</param>
    /// <param name="neverSplit">Never slice (the overview is then upscaled like a small image).</param>
    /// <param name="queryNum">Resampler queries per view (<c>image_feature_size</c>, 64).</param>
    /// <param name="useImageId">Write <c>&lt;image_id&gt;idx&lt;/image_id&gt;</c> before the image (MiniCPM schema only).</param>
    /// <param name="sliceMode">MiniCPM's <c>slice_mode</c>: when false the image is passed unresized and never sliced.</param>
    /// <param name="rule">The <c>ensure_divide</c> rounding.</param>
    /// <param name="schema">The prompt pieces.</param>
    public MiniCpmVOptions(int scaleResolution = 448, int patchSize = 14, int maxSliceNums = 9, bool neverSplit = false, int queryNum = 64,
        bool useImageId = true, bool sliceMode = true, EnsureDivideRule rule = EnsureDivideRule.RoundHalfEven,
        SliceTokenSchema schema = SliceTokenSchema.MiniCpmV26)
    {
        ScaleResolution = scaleResolution;
        PatchSize = patchSize;
        MaxSliceNums = maxSliceNums;
        NeverSplit = neverSplit;
        QueryNum = queryNum;
        UseImageId = useImageId;
        SliceMode = sliceMode;
        Rule = rule;
        Schema = schema;
    }

    /// <summary>openbmb/MiniCPM-V-2_6: S 448, patch 14, 9 slices, 64 queries, image ids on, slicing on, half-even.</summary>
    public static MiniCpmVOptions MiniCpmV26 => new(448, 14, 9, false, 64, true, true, EnsureDivideRule.RoundHalfEven, SliceTokenSchema.MiniCpmV26);

    /// <summary>
    /// The LLaVA-UHD v1 branch as its eval scripts configure it: S 336, patch 14, 7 slices, floor rounding, ',' / '\n'
    /// separators. The 64 queries per view are the paper's figure (the resampler's query count), not read from code.
    /// </summary>
    public static MiniCpmVOptions LlavaUhdV1Branch => new(336, 14, 7, false, 64, false, true, EnsureDivideRule.Floor, SliceTokenSchema.CommaNewline);

    /// <summary>S of <c>scale_resolution</c>.</summary>
    public int ScaleResolution { get; }

    /// <summary>ViT patch side.</summary>
    public int PatchSize { get; }

    /// <summary><c>max_slice_nums</c>.</summary>
    public int MaxSliceNums { get; }

    /// <summary><c>never_split</c>.</summary>
    public bool NeverSplit { get; }

    /// <summary>Queries per view.</summary>
    public int QueryNum { get; }

    /// <summary><c>use_image_id</c> (MiniCPM schema).</summary>
    public bool UseImageId { get; }

    /// <summary><c>slice_mode</c>.</summary>
    public bool SliceMode { get; }

    /// <summary><c>ensure_divide</c> rounding.</summary>
    public EnsureDivideRule Rule { get; }

    /// <summary>Prompt pieces.</summary>
    public SliceTokenSchema Schema { get; }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    /// <exception cref="PlanException">A size or slice count below 1, a negative query count, or a <see cref="Rule"/> or
    /// <see cref="Schema"/> outside its declared members.</exception>
    public void Validate()
    {
        if (ScaleResolution < 1) throw PlanException.Config($"scale_resolution must be at least 1, got {ScaleResolution}.");
        if (PatchSize < 1) throw PlanException.Config($"patch_size must be at least 1, got {PatchSize}.");
        if (MaxSliceNums < 1) throw PlanException.Config($"max_slice_nums must be at least 1, got {MaxSliceNums} (upstream asserts > 0).");
        if (QueryNum < 0) throw PlanException.Config($"the query count per view must not be negative, got {QueryNum}.");
        PlanEnums.Check(Rule);
        PlanEnums.Check(Schema);
    }
}

/// <summary>The slicing plan of one image. Sizes are pixels, [w, h] in upstream's order.</summary>
public readonly struct MiniCpmVPlan
{
    internal MiniCpmVPlan(GridShape grid, long sourceWidth, long sourceHeight, long sliceWidth, long sliceHeight, in MiniCpmVOptions options,
        int imageIndex)
    {
        Grid = grid;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        SliceWidth = sliceWidth;
        SliceHeight = sliceHeight;
        QueryNum = options.QueryNum;
        Schema = options.Schema;
        ImageIndex = imageIndex;
        ImageIdDigits = options.Schema == SliceTokenSchema.MiniCpmV26 && options.UseImageId ? MiniCpmVSlicing.Digits(imageIndex) : 0;
    }

    /// <summary>Whether the image is cut into slices (upstream's grid is not None).</summary>
    public bool IsSliced => Grid.Columns > 0;

    /// <summary>The slice grid [cols, rows]; 0×0 when not sliced (a sliced grid never has a single cell).</summary>
    public GridShape Grid { get; }

    /// <summary>Overview ("source") width: the whole image resized.</summary>
    public long SourceWidth { get; }

    /// <summary>Overview height.</summary>
    public long SourceHeight { get; }

    /// <summary>Width of the refine image the slices are cut from (0 when not sliced).</summary>
    public long RefineWidth => SliceWidth * Grid.Columns;

    /// <summary>Height of the refine image.</summary>
    public long RefineHeight => SliceHeight * Grid.Rows;

    /// <summary>Width of one slice (0 when not sliced).</summary>
    public long SliceWidth { get; }

    /// <summary>Height of one slice.</summary>
    public long SliceHeight { get; }

    /// <summary>Slices (0 when not sliced).</summary>
    public int NumSlices => Grid.Columns * Grid.Rows;

    /// <summary>Views the vision encoder sees: overview plus slices.</summary>
    public int NumImages => 1 + NumSlices;

    /// <summary>Resampler queries per view.</summary>
    public int QueryNum { get; }

    /// <summary>Query positions over all views (<c>tokens</c>).</summary>
    public long QueryTokens => (long)QueryNum * NumImages;

    /// <summary>Which prompt pieces the layout uses.</summary>
    public SliceTokenSchema Schema { get; }

    /// <summary>0-based index of the image within its text sample (written as the image id).</summary>
    public int ImageIndex { get; }

    /// <summary>Digits of the image id written (0 when image ids are off).</summary>
    public int ImageIdDigits { get; }

    /// <summary><c>\n</c> tokens between slice rows (MiniCPM schema: rows − 1 when sliced).</summary>
    public int RowNewlines => Schema == SliceTokenSchema.MiniCpmV26 && IsSliced ? Grid.Rows - 1 : 0;

    /// <summary>Separator tokens of the ',' / '\n' schema (<c>ind_tokens</c>: one per slice).</summary>
    public int SeparatorTokens => Schema == SliceTokenSchema.CommaNewline ? NumSlices : 0;
}

/// <summary>
/// MiniCPM-V 2.6 slicing (<c>MiniCPMVImageProcessor.slice_image</c> / <c>get_slice_image_placeholder</c>) and the LLaVA-UHD v1
/// branch's copy (<c>slice_image_minicpm</c>): slice count from the area over S², grid whose log aspect is closest
/// (strict <c>&lt;</c>, decided by the last bit of <c>log</c>), an overview resized to about S², and a refine image cut
/// into equal slices. Overview first, slices row-major.
/// </summary>
public static class MiniCpmVSlicing
{
    /// <summary>Marker before the image id.</summary>
    public const string ImageIdStart = "<image_id>";

    /// <summary>Marker after the image id.</summary>
    public const string ImageIdEnd = "</image_id>";

    /// <summary>Marker before the overview's queries.</summary>
    public const string ImageStart = "<image>";

    /// <summary>Marker after them.</summary>
    public const string ImageEnd = "</image>";

    /// <summary>Marker before a slice's queries.</summary>
    public const string SliceStart = "<slice>";

    /// <summary>Marker after them.</summary>
    public const string SliceEnd = "</slice>";

    /// <summary>One query position in the MiniCPM prompt.</summary>
    public const string Query = "<unk>";

    /// <summary>Row separator.</summary>
    public const string Newline = "\n";

    /// <summary>Separator between slices of a row in the ',' / '\n' schema (token 29892 in LLaVA-UHD).</summary>
    public const string Comma = ",";

    /// <summary>One query position in the LLaVA-UHD prompt (the model places the resampler outputs there).</summary>
    public const string UhdQuery = "<image>";

    private static readonly string[] DigitText = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="options">Slicing configuration.</param>
    /// <param name="imageIndex">0-based index of the image in its text sample (MiniCPM writes it as the image id).</param>
    /// <exception cref="PlanException">A size is not positive, the index is negative, or the options are invalid.</exception>
    public static MiniCpmVPlan Plan(int width, int height, in MiniCpmVOptions options, int imageIndex = 0)
    {
        options.Validate();
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        if (imageIndex < 0) throw PlanException.Config($"image index must not be negative, got {imageIndex}.");
        if (!options.SliceMode)
        {
            // get_sliced_images returns the image itself: no resize, no grid.
            return new MiniCpmVPlan(default, width, height, 0, 0, options, imageIndex);
        }
        long s = options.ScaleResolution;
        long sq = s * s;
        long area = (long)width * height;
        GridShape grid = default;
        if (!options.NeverSplit)
        {
            grid = BestGrid(width, height, sq, options.MaxSliceNums);
        }
        if (grid.Columns == 0)
        {
            var (sw, sh) = FindBestResize(width, height, s, options.PatchSize, allowUpscale: true, areaExceeds: area > sq, options.Rule);
            return new MiniCpmVPlan(default, sw, sh, 0, 0, options, imageIndex);
        }
        var (ow, oh) = FindBestResize(width, height, s, options.PatchSize, allowUpscale: false, areaExceeds: area > sq, options.Rule);
        long refineW = EnsureDivide(width, grid.Columns, options.Rule);
        long refineH = EnsureDivide(height, grid.Rows, options.Rule);
        double gridW = PyInt.TrueDivide(refineW, grid.Columns);
        double gridH = PyInt.TrueDivide(refineH, grid.Rows);
        var (bw, bh) = FindBestResize(gridW, gridH, s, options.PatchSize, allowUpscale: true, areaExceeds: false, options.Rule);
        return new MiniCpmVPlan(grid, ow, oh, bw, bh, options, imageIndex);
    }

    /// <summary>
    /// <c>get_sliced_grid</c>: [cols, rows], or 0×0 when the image is not sliced (<c>min(ceil(W·H/S²), max) ≤ 1</c>).
    /// </summary>
    public static GridShape BestGrid(int width, int height, long scaleSquared, int maxSliceNums)
    {
        double logRatio = Math.Log((double)width / height);
        double ratio = PyInt.TrueDivide((long)width * height, scaleSquared);
        double ceiling = Math.Ceiling(ratio);
        long multiple = ceiling >= maxSliceNums ? maxSliceNums : (long)ceiling;
        if (multiple <= 1) return default;
        var best = new GridShape(1, 1);
        double minError = double.PositiveInfinity;
        for (long k = multiple - 1; k <= multiple + 1; k++)
        {
            if (k == 1 || k > maxSliceNums) continue;
            int n = (int)k;
            // Divisors m of n in increasing order without a list: first m ≤ √n, then n / d for d < √n descending.
            int root = (int)Math.Sqrt(n);
            while ((long)root * root > n) root--;
            while ((long)(root + 1) * (root + 1) <= n) root++;
            for (int m = 1; m <= root; m++)
            {
                if (n % m == 0) Consider(m, n / m, logRatio, ref best, ref minError);
            }
            for (int d = root; d >= 1; d--)
            {
                if (n % d == 0 && d != n / d) Consider(n / d, d, logRatio, ref best, ref minError);
            }
        }
        return best;
    }

    private static void Consider(int columns, int rows, double logRatio, ref GridShape best, ref double minError)
    {
        double error = Math.Abs(logRatio - Math.Log((double)columns / rows));
        if (error < minError)
        {
            best = new GridShape(columns, rows);
            minError = error;
        }
    }

    /// <summary><c>ensure_divide(length, p)</c> under <paramref name="rule"/>.</summary>
    /// <exception cref="PlanException"><paramref name="rule"/> is outside its declared members.</exception>
    public static long EnsureDivide(double length, long p, EnsureDivideRule rule)
    {
        PlanEnums.Check(rule);
        double q = length / p;
        double snapped = rule == EnsureDivideRule.RoundHalfEven ? PyMath.RoundHalfEven(q) : Math.Floor(q);
        long value = (long)snapped * p;
        return Math.Max(value, p);
    }

    /// <summary>
    /// <c>find_best_resize((w, h), S, p, allow_upscale)</c>: when upscaling is allowed or the area exceeds S², the size of
    /// about S² pixels with the same aspect (<c>h' = int(S / √r)</c>, <c>w' = int(h'·r)</c>), then snapped by ensure_divide.
    /// </summary>
    /// <exception cref="PlanException"><paramref name="rule"/> is outside its declared members.</exception>
    public static (long Width, long Height) FindBestResize(double width, double height, long scaleResolution, int patchSize,
        bool allowUpscale, bool areaExceeds, EnsureDivideRule rule)
    {
        PlanEnums.Check(rule);
        if (areaExceeds || allowUpscale)
        {
            double r = width / height;
            long h = (long)(scaleResolution / Math.Sqrt(r));
            long w = (long)(h * r);
            return (EnsureDivide(w, patchSize, rule), EnsureDivide(h, patchSize, rule));
        }
        return (EnsureDivide(width, patchSize, rule), EnsureDivide(height, patchSize, rule));
    }

    /// <summary>The crop box of slice <paramref name="index"/> (row-major) in the refine image (<c>split_to_patches</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a slice of this plan.</exception>
    public static PixelBox SliceBox(in MiniCpmVPlan plan, int index)
    {
        if ((uint)index >= (uint)plan.NumSlices) throw new ArgumentOutOfRangeException(nameof(index));
        int row = index / plan.Grid.Columns, col = index % plan.Grid.Columns;
        return new PixelBox(col * plan.SliceWidth, row * plan.SliceHeight, plan.SliceWidth, plan.SliceHeight);
    }

    /// <summary>
    /// The one token count: LLM positions the image occupies with every marker, the image-id digits and each row newline
    /// as one position (MiniCPM schema, the golden's <c>total_if_markers_newlines_digits_are_single_tokens</c>), or queries
    /// plus one separator per slice (',' / '\n' schema).
    /// </summary>
    /// <exception cref="PlanException">The plan's <see cref="MiniCpmVPlan.Schema"/> is outside its declared members.</exception>
    public static long CountTokens(in MiniCpmVPlan plan)
    {
        PlanEnums.Check(plan.Schema);
        if (plan.Schema == SliceTokenSchema.CommaNewline) return plan.QueryTokens + plan.SeparatorTokens;
        long idPart = plan.ImageIdDigits == 0 ? 0 : 2 + plan.ImageIdDigits;
        return idPart + plan.QueryTokens + 2L * plan.NumImages + plan.RowNewlines;
    }

    /// <summary>Largest <see cref="CountTokens"/> any image can get under <paramref name="options"/> at <paramref name="imageIndex"/>.</summary>
    /// <exception cref="PlanException">The options are invalid (<see cref="MiniCpmVOptions.Validate"/>).</exception>
    public static long MaxTokens(in MiniCpmVOptions options, int imageIndex = 0)
    {
        options.Validate();
        long q = options.QueryNum;
        long slices = options.SliceMode && !options.NeverSplit ? options.MaxSliceNums : 0;
        if (slices == 1) slices = 0; // a grid never has a single slice
        if (options.Schema == SliceTokenSchema.CommaNewline) return q * (1 + slices) + slices;
        long idPart = options.UseImageId ? 2 + Digits(Math.Max(imageIndex, 0)) : 0;
        long rowsMinusOne = slices == 0 ? 0 : slices - 1;
        return idPart + (q + 2) * (1 + slices) + rowsMinusOne;
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes.</summary>
    /// <exception cref="PlanException">The plan's <see cref="MiniCpmVPlan.Schema"/> is outside its declared members.</exception>
    public static int LayoutSegmentCount(in MiniCpmVPlan plan)
    {
        PlanEnums.Check(plan.Schema);
        int query = plan.QueryNum > 0 ? 1 : 0;
        if (plan.Schema == SliceTokenSchema.CommaNewline) return query + plan.NumSlices * (query + 1);
        int id = plan.ImageIdDigits == 0 ? 0 : 2 + plan.ImageIdDigits;
        return id + (2 + query) * plan.NumImages + plan.RowNewlines;
    }

    /// <summary>
    /// Writes the prompt layout. MiniCPM schema: [<c>&lt;image_id&gt;</c>, one text position per digit,
    /// <c>&lt;/image_id&gt;</c>], <c>&lt;image&gt;</c> <c>&lt;unk&gt;</c>×q <c>&lt;/image&gt;</c>, then per row the slices as
    /// <c>&lt;slice&gt;</c> <c>&lt;unk&gt;</c>×q <c>&lt;/slice&gt;</c> with <c>\n</c> between rows. ',' / '\n' schema: the overview's
    /// q queries, then each slice's q queries followed by <c>,</c> (inside a row) or <c>\n</c> (row end). Returns the
    /// number of segments.
    /// </summary>
    /// <exception cref="PlanException">The plan's <see cref="MiniCpmVPlan.Schema"/> is outside its declared members.</exception>
    public static int WriteLayout(in MiniCpmVPlan plan, Span<LayoutSegment> destination)
    {
        PlanEnums.Check(plan.Schema);
        var writer = new LayoutWriter(destination);
        int cols = plan.Grid.Columns;
        if (plan.Schema == SliceTokenSchema.CommaNewline)
        {
            writer.Add(SegmentKind.Context, UhdQuery, plan.QueryNum, PieceRole.Overview);
            for (int k = 0; k < plan.NumSlices; k++)
            {
                writer.Add(SegmentKind.Context, UhdQuery, plan.QueryNum, PieceRole.Tile, k);
                writer.Add(SegmentKind.Separator, k % cols == cols - 1 ? Newline : Comma, 1);
            }
            return writer.Count;
        }
        if (plan.ImageIdDigits > 0)
        {
            writer.Add(SegmentKind.Marker, ImageIdStart, 1);
            int divisor = 1;
            for (int d = 1; d < plan.ImageIdDigits; d++) divisor *= 10;
            for (; divisor > 0; divisor /= 10)
            {
                writer.Add(SegmentKind.Text, DigitText[plan.ImageIndex / divisor % 10], 1);
            }
            writer.Add(SegmentKind.Marker, ImageIdEnd, 1);
        }
        writer.Add(SegmentKind.Marker, ImageStart, 1);
        writer.Add(SegmentKind.Context, Query, plan.QueryNum, PieceRole.Overview);
        writer.Add(SegmentKind.Marker, ImageEnd, 1);
        for (int k = 0; k < plan.NumSlices; k++)
        {
            if (k > 0 && k % cols == 0) writer.Add(SegmentKind.Separator, Newline, 1);
            writer.Add(SegmentKind.Marker, SliceStart, 1);
            writer.Add(SegmentKind.Context, Query, plan.QueryNum, PieceRole.Tile, k);
            writer.Add(SegmentKind.Marker, SliceEnd, 1);
        }
        return writer.Count;
    }

    internal static int Digits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}

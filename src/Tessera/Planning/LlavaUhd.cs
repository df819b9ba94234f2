using System;

namespace Tessera.Planning;

/// <summary>Configuration of LLaVA-UHD v1 slicing (thunlp/LLaVA-UHD <c>slice_logic.py</c>).</summary>
public readonly struct LlavaUhdOptions
{
    /// <summary>Creates options; planners call <see cref="Validate"/>.</summary>
    /// <param name="vitSize">Side of the ViT's square input (336); the slice count is the area over its square.</param>
    /// <param name="patchSize">ViT patch side (14).</param>
    /// <param name="maxSlices">Cap on the slice-count estimate (6); candidates reach one more (7).</param>
    /// <param name="queriesPerView">LLM positions per encoded view. 64 is the paper's figure (the shared perceiver
    /// resampler compresses every view to 64 queries); <c>slice_logic.py</c> itself does not produce tokens.</param>
    public LlavaUhdOptions(int vitSize = 336, int patchSize = 14, int maxSlices = 6, int queriesPerView = 64)
    {
        VitSize = vitSize;
        PatchSize = patchSize;
        MaxSlices = maxSlices;
        QueriesPerView = queriesPerView;
    }

    /// <summary>The released LLaVA-UHD v1 constants: ViT 336, patch 14 (576 patches), at most 6 (+1) slices, 64 queries.</summary>
    public static LlavaUhdOptions V1 => new(336, 14, 6, 64);

    /// <summary>Side of the ViT input in pixels.</summary>
    public int VitSize { get; }

    /// <summary>ViT patch side.</summary>
    public int PatchSize { get; }

    /// <summary>Patches of a full ViT input: <c>(vit / patch)²</c> (576), the cap of <c>adapt_size</c>.</summary>
    public long MaxPatches => (long)(VitSize / Math.Max(PatchSize, 1)) * (VitSize / Math.Max(PatchSize, 1));

    /// <summary>Cap on the slice-count estimate.</summary>
    public int MaxSlices { get; }

    /// <summary>LLM positions per view.</summary>
    public int QueriesPerView { get; }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        if (PatchSize < 1) throw PlanException.Config($"patch_size must be at least 1, got {PatchSize}.");
        if (VitSize < PatchSize || VitSize % PatchSize != 0)
            throw PlanException.Config($"vit_size {VitSize} must be a positive whole number of {PatchSize}-px patches.");
        if (MaxSlices < 1) throw PlanException.Config($"max_slices must be at least 1, got {MaxSlices}.");
        if (MaxSlices > int.MaxValue - 2) throw PlanException.Config("max_slices must leave room for one more candidate count.");
        if (QueriesPerView < 0) throw PlanException.Config($"queries per view must not be negative, got {QueriesPerView}.");
    }
}

/// <summary>The LLaVA-UHD v1 plan of one image. Sizes are [w, h] like the reference's outputs.</summary>
public readonly struct LlavaUhdPlan
{
    internal LlavaUhdPlan(int width, int height, GridShape grid, long slicePatchesW, long slicePatchesH, long abstractPatchesW,
        long abstractPatchesH, int patchSize, int queriesPerView)
    {
        Width = width;
        Height = height;
        Grid = grid;
        SlicePatchesWidth = slicePatchesW;
        SlicePatchesHeight = slicePatchesH;
        AbstractPatchesWidth = abstractPatchesW;
        AbstractPatchesHeight = abstractPatchesH;
        PatchSize = patchSize;
        QueriesPerView = queriesPerView;
    }

    /// <summary>Original width.</summary>
    public int Width { get; }

    /// <summary>Original height.</summary>
    public int Height { get; }

    /// <summary>Slices [cols, rows] (<c>cal_num_of_slices</c>); 1×1 means the image is its own only view.</summary>
    public GridShape Grid { get; }

    /// <summary>Slices.</summary>
    public int NumSlices => Grid.Count;

    /// <summary>Views encoded: the slices plus the whole image last when there is more than one slice.</summary>
    public int NumImages => NumSlices > 1 ? NumSlices + 1 : 1;

    /// <summary>Nominal slice width <c>W // cols</c> (boxes differ by up to a pixel, see <see cref="LlavaUhd.SliceBox"/>).</summary>
    public long SliceWidth => Width / Grid.Columns;

    /// <summary>Nominal slice height <c>H // rows</c>.</summary>
    public long SliceHeight => Height / Grid.Rows;

    /// <summary><c>adapt_size</c> of a nominal slice: patches across.</summary>
    public long SlicePatchesWidth { get; }

    /// <summary><c>adapt_size</c> of a nominal slice: patches down.</summary>
    public long SlicePatchesHeight { get; }

    /// <summary><c>adapt_size</c> of the whole image (the overview, "abstract"): patches across.</summary>
    public long AbstractPatchesWidth { get; }

    /// <summary><c>adapt_size</c> of the whole image: patches down.</summary>
    public long AbstractPatchesHeight { get; }

    /// <summary>ViT patch side.</summary>
    public int PatchSize { get; }

    /// <summary>LLM positions per view.</summary>
    public int QueriesPerView { get; }

    /// <summary>Resized width of a nominal slice (<c>adapt_size</c>).</summary>
    public long SliceResizedWidth => SlicePatchesWidth * PatchSize;

    /// <summary>Resized height of a nominal slice.</summary>
    public long SliceResizedHeight => SlicePatchesHeight * PatchSize;

    /// <summary>Resized width of the overview.</summary>
    public long AbstractResizedWidth => AbstractPatchesWidth * PatchSize;

    /// <summary>Resized height of the overview.</summary>
    public long AbstractResizedHeight => AbstractPatchesHeight * PatchSize;

    /// <summary>
    /// Width every view is actually resized to by upstream's <c>process_image</c>: the overview's <c>adapt_size</c> (for a
    /// single slice, that slice is the whole image, so the same). The per-slice size above is what the paper describes.
    /// </summary>
    public long ProcessResizeWidth => AbstractResizedWidth;

    /// <summary>Height every view is resized to by <c>process_image</c>.</summary>
    public long ProcessResizeHeight => AbstractResizedHeight;

    /// <summary><c>,</c> / <c>\n</c> separators in the layout: one per slice when sliced, none for a single view.</summary>
    public int SeparatorTokens => NumSlices > 1 ? NumSlices : 0;
}

/// <summary>
/// LLaVA-UHD v1 (thunlp/LLaVA-UHD <c>slice_logic.py</c>): slice count <c>ceil(W·H / vit²)</c> capped, grids of one count
/// less to one more, the grid whose <c>log(i²/n)</c> is nearest <c>log(W/H)</c> (strict, first wins); slices are floor
/// boxes of the original, each view sized by <c>adapt_size</c> (≤ (vit/patch)² patches, float floor), whole image last.
/// </summary>
public static class LlavaUhd
{
    /// <summary>One query position (the model places the resampler's outputs at the image placeholder).</summary>
    public const string Query = "<image>";

    /// <summary>Separator after a slice inside a row (token 29892).</summary>
    public const string Comma = ",";

    /// <summary>Separator after the last slice of a row (token 13).</summary>
    public const string Newline = "\n";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive, a slice would be 0 px on a side (upstream divides by zero), or the
    /// options are invalid.</exception>
    public static LlavaUhdPlan Plan(int width, int height, in LlavaUhdOptions options)
    {
        options.Validate();
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        var grid = SliceGrid(width, height, options.VitSize, options.MaxSlices);
        long sliceW = width / grid.Columns, sliceH = height / grid.Rows;
        if (sliceW == 0 || sliceH == 0)
            throw new PlanException(PlanError.InvalidSize,
                $"a {width}×{height} image cut into {grid.Columns}×{grid.Rows} slices has a 0-px slice side (upstream's adapt_size divides by zero).");
        var (sph, spw) = AdaptSize(sliceH, sliceW, options.PatchSize, options.MaxPatches);
        var (aph, apw) = AdaptSize(height, width, options.PatchSize, options.MaxPatches);
        return new LlavaUhdPlan(width, height, grid, spw, sph, apw, aph, options.PatchSize, options.QueriesPerView);
    }

    /// <summary><c>cal_num_of_slices(W, H)</c> → [cols, rows].</summary>
    public static GridShape SliceGrid(int width, int height, int vitSize, int maxSlices)
    {
        double ceiling = Math.Ceiling(PyInt.TrueDivide((long)width * height, (long)vitSize * vitSize));
        int scale = ceiling >= maxSlices ? maxSlices : (int)ceiling;
        double logOrigin = Math.Log((double)width / height);
        double minDiff = 1000;
        var best = new GridShape(0, 0);
        int first = scale <= 2 ? scale : scale - 1;
        for (int n = first; n <= scale + 1; n++)
        {
            // factorize(n): divisors i of n ascending, as (i / (n / i), i, n // i).
            int root = (int)Math.Sqrt(n);
            while ((long)root * root > n) root--;
            while ((long)(root + 1) * (root + 1) <= n) root++;
            for (int i = 1; i <= root; i++)
            {
                if (n % i == 0) Consider(i, n, logOrigin, ref best, ref minDiff);
            }
            for (int d = root; d >= 1; d--)
            {
                if (n % d == 0 && d != n / d) Consider(n / d, n, logOrigin, ref best, ref minDiff);
            }
        }
        return best;
    }

    private static void Consider(int i, int n, double logOrigin, ref GridShape best, ref double minDiff)
    {
        double r = i / ((double)n / i);
        double diff = Math.Abs(Math.Log(r) - logOrigin);
        if (minDiff > diff)
        {
            minDiff = diff;
            best = new GridShape(i, n / i);
        }
    }

    /// <summary>
    /// <c>adapt_size(H, W)</c>: <c>scale = √(maxPatches · (p/H) · (p/W))</c> left to right, then each side
    /// <c>max(min(floor(scale·side/p), maxPatches), 1)</c> patches. Returns (patches down, patches across).
    /// </summary>
    public static (long HeightPatches, long WidthPatches) AdaptSize(long height, long width, int patchSize, long maxPatches)
    {
        if (height <= 0 || width <= 0)
            throw new PlanException(PlanError.InvalidSize, $"adapt_size needs positive sides, got {width}×{height}.");
        double scale = Math.Sqrt(maxPatches * ((double)patchSize / height) * ((double)patchSize / width));
        return (Patches(scale * height / patchSize, maxPatches), Patches(scale * width / patchSize, maxPatches));
    }

    private static long Patches(double value, long maxPatches)
    {
        double floor = Math.Floor(value);
        long n = floor >= maxPatches ? maxPatches : (long)floor;
        return Math.Max(n, 1);
    }

    /// <summary>The crop box of slice <paramref name="index"/> (row-major) in the original image:
    /// <c>(i·W // cols, j·H // rows, (i+1)·W // cols, (j+1)·H // rows)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a slice of this plan.</exception>
    public static PixelBox SliceBox(in LlavaUhdPlan plan, int index)
    {
        if ((uint)index >= (uint)plan.NumSlices) throw new ArgumentOutOfRangeException(nameof(index));
        long cols = plan.Grid.Columns, rows = plan.Grid.Rows;
        long i = index % cols, j = index / cols;
        long x0 = i * plan.Width / cols, x1 = (i + 1) * plan.Width / cols;
        long y0 = j * plan.Height / rows, y1 = (j + 1) * plan.Height / rows;
        return new PixelBox(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>
    /// The one token count: <see cref="LlavaUhdOptions.QueriesPerView"/> per view plus one separator per slice
    /// (see <see cref="WriteLayout"/>). Documented rather than executed upstream: the paper's 64 queries per view and the
    /// v1 branch's ',' / '\n' schema.
    /// </summary>
    public static long CountTokens(in LlavaUhdPlan plan) => (long)plan.QueriesPerView * plan.NumImages + plan.SeparatorTokens;

    /// <summary>Largest <see cref="CountTokens"/> under <paramref name="options"/>: at most <c>max_slices + 1</c> slices plus the
    /// overview.</summary>
    public static long MaxTokens(in LlavaUhdOptions options)
    {
        options.Validate();
        long slices = (long)options.MaxSlices + 1;
        return options.QueriesPerView * (slices + 1) + slices;
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes.</summary>
    public static int LayoutSegmentCount(in LlavaUhdPlan plan)
    {
        int query = plan.QueriesPerView > 0 ? 1 : 0;
        return plan.NumSlices > 1 ? plan.NumSlices * (query + 1) + query : query;
    }

    /// <summary>
    /// Writes the layout: with several slices, each slice's queries row-major followed by <c>,</c> inside a row or
    /// <c>\n</c> at a row end (including the last row), then the overview's queries last (strategies.md §5.1); with one
    /// slice, that single view's queries only.
    /// </summary>
    public static int WriteLayout(in LlavaUhdPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        if (plan.NumSlices <= 1)
        {
            writer.Add(SegmentKind.Context, Query, plan.QueriesPerView, PieceRole.Image);
            return writer.Count;
        }
        int cols = plan.Grid.Columns;
        for (int k = 0; k < plan.NumSlices; k++)
        {
            writer.Add(SegmentKind.Context, Query, plan.QueriesPerView, PieceRole.Tile, k);
            writer.Add(SegmentKind.Separator, k % cols == cols - 1 ? Newline : Comma, 1);
        }
        writer.Add(SegmentKind.Context, Query, plan.QueriesPerView, PieceRole.Overview);
        return writer.Count;
    }
}

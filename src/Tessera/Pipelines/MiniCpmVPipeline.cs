using System;
using System.Runtime.InteropServices;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Planning;

namespace Tessera.Pipelines;

/// <summary>
/// MiniCPM-V 2.6's image processor (Hub remote code <c>image_processing_minicpmv.py</c>,
/// <c>MiniCPMVImageProcessor.preprocess</c>): <c>slice_image</c> resizes the whole image with Pillow BICUBIC to the
/// overview ("source") size and, when the image is sliced, to the refine size, whose crops are the slices
/// (<c>split_to_patches</c>, row-major); each view is divided by 255 and normalised with mean = std = 0.5 in float32,
/// then laid out by <c>reshape_by_patch</c>.
/// </summary>
/// <remarks>
/// <para>Output layout. Upstream returns a ragged list of one array per view, overview first and then the slices
/// row-major; view v of H×W pixels is <c>[3, p, (H/p)·(W/p)·p]</c> with element
/// <c>[c, ki, l·p + kj] = pixel(c, bh·p + ki, bw·p + kj)</c>, <c>l = bh·(W/p) + bw</c> (torch <c>unfold</c> with kernel and
/// stride p, then reshape/permute). Tessera writes those arrays back to back in that order
/// (<see cref="GetViewOffset"/>, <see cref="GetViewShape"/>); <see cref="GetTargetSize"/> gives upstream's
/// <c>tgt_sizes</c> row <c>(H/p, W/p)</c>. Equivalently each view is planar C×H×W with its rows reordered: output row
/// <c>ki·(H/p) + bh</c> of a channel is source row <c>bh·p + ki</c>.</para>
/// <para>With <c>slice_mode</c> off the single view is the image as given (converted to RGB, not resized) and, like
/// <c>unfold</c>, only its whole p×p patches are kept.</para>
/// <para>Allocation-free once the workspace has grown. The workspace keeps the overview
/// (<see cref="PipelineWorkspace.Overview"/>) and the refine image (<see cref="PipelineWorkspace.Canvas"/>; empty when the
/// image is not sliced), whose <see cref="MiniCpmVSlicing.SliceBox"/> crops are the slices.</para>
/// </remarks>
public sealed class MiniCpmVPipeline
{
    private readonly MiniCpmVOptions _options;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="options">Slicing options (<see cref="MiniCpmVOptions.MiniCpmV26"/> for MiniCPM-V 2.6).</param>
    /// <param name="normalization">Mean/std; 0.5 / 0.5 (<c>norm_mean</c>/<c>norm_std</c> of MiniCPM-V 2.6) when omitted.</param>
    /// <param name="filter">Resampling filter; Pillow's BICUBIC, as <c>slice_image</c> uses.</param>
    /// <exception cref="PlanException">The options are invalid.</exception>
    public MiniCpmVPipeline(MiniCpmVOptions options, NormalizationConstants? normalization = null, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        options.Validate();
        _options = options;
        var constants = normalization ?? NormalizationConstants.SigLip;
        if (!(constants.StdR > 0f && constants.StdG > 0f && constants.StdB > 0f))
            throw new ArgumentException("Normalization constants need positive standard deviations (default(NormalizationConstants) has none).", nameof(normalization));
        if (filter is < ResampleFilter.Nearest or > ResampleFilter.Hamming)
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown resampling filter.");
        Normalization = constants;
        Filter = filter;
    }

    /// <summary>Slicing options.</summary>
    public MiniCpmVOptions Options => _options;

    /// <summary>Mean and standard deviation per channel.</summary>
    public NormalizationConstants Normalization { get; }

    /// <summary>The resampling filter.</summary>
    public ResampleFilter Filter { get; }

    /// <summary>Plans an image of the given size (<see cref="MiniCpmVSlicing.Plan"/>).</summary>
    /// <exception cref="PlanException">A size is not positive or the index is negative.</exception>
    public MiniCpmVPlan Plan(int width, int height, int imageIndex = 0) => MiniCpmVSlicing.Plan(width, height, _options, imageIndex);

    /// <summary>Pixel size of view <paramref name="view"/>: 0 is the overview, 1… the slices row-major.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not exist in the plan.</exception>
    /// <exception cref="PlanException">The size does not fit an <see cref="int"/>.</exception>
    public static (int Width, int Height) GetViewSize(in MiniCpmVPlan plan, int view)
    {
        if ((uint)view >= (uint)plan.NumImages) throw new ArgumentOutOfRangeException(nameof(view), view, $"The plan has {plan.NumImages} views.");
        return view == 0 ? (ToInt(plan.SourceWidth), ToInt(plan.SourceHeight)) : (ToInt(plan.SliceWidth), ToInt(plan.SliceHeight));
    }

    /// <summary>Upstream's <c>tgt_sizes</c> row of view <paramref name="view"/>: whole patches down and across.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not exist in the plan.</exception>
    public (int Rows, int Columns) GetTargetSize(in MiniCpmVPlan plan, int view)
    {
        var (w, h) = GetViewSize(plan, view);
        return (h / _options.PatchSize, w / _options.PatchSize);
    }

    /// <summary>Shape of view <paramref name="view"/>'s array: <c>[3, p, (H/p)·(W/p)·p]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not exist in the plan.</exception>
    public (int Channels, int PatchSize, int Columns) GetViewShape(in MiniCpmVPlan plan, int view)
    {
        var (rows, columns) = GetTargetSize(plan, view);
        int p = _options.PatchSize;
        return (3, p, checked(rows * columns * p));
    }

    /// <summary>Elements of view <paramref name="view"/>'s array.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not exist in the plan.</exception>
    public int GetViewLength(in MiniCpmVPlan plan, int view)
    {
        var (c, p, columns) = GetViewShape(plan, view);
        return checked(c * p * columns);
    }

    /// <summary>Element offset of view <paramref name="view"/> in the output (views are written back to back).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not exist in the plan.</exception>
    public int GetViewOffset(in MiniCpmVPlan plan, int view)
    {
        if ((uint)view >= (uint)plan.NumImages) throw new ArgumentOutOfRangeException(nameof(view), view, $"The plan has {plan.NumImages} views.");
        return view == 0 ? 0 : checked(GetViewLength(plan, 0) + (view - 1) * GetViewLength(plan, 1));
    }

    /// <summary>Number of elements <see cref="Run(ImageView, Span{float}, PipelineWorkspace, int)"/> writes for <paramref name="plan"/>.</summary>
    public int GetOutputLength(in MiniCpmVPlan plan) =>
        plan.NumSlices == 0 ? GetViewLength(plan, 0) : checked(GetViewLength(plan, 0) + plan.NumSlices * GetViewLength(plan, 1));

    /// <summary>Plans <paramref name="image"/> and writes every view's float32 array, overview first, into
    /// <paramref name="destination"/>.</summary>
    /// <returns>The plan the tensor was made for.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    /// <exception cref="ArgumentException">The destination is too short or the pixel format is not supported.</exception>
    /// <exception cref="PlanException">A view has no whole patch (an image smaller than a patch with slicing off), or a size
    /// does not fit one buffer.</exception>
    public MiniCpmVPlan Run(ImageView image, Span<float> destination, PipelineWorkspace workspace, int imageIndex = 0) =>
        Run(image, TensorElementType.Float32, MemoryMarshal.AsBytes(destination), workspace, imageIndex);

    /// <summary>As <see cref="Run(ImageView, Span{float}, PipelineWorkspace, int)"/>, writing float32, float16 or bfloat16
    /// values as raw bytes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    /// <exception cref="ArgumentException">The destination is too short or the pixel format is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The element type is unknown.</exception>
    /// <exception cref="PlanException">A view has no whole patch, or a size does not fit one buffer.</exception>
    public MiniCpmVPlan Run(ImageView image, TensorElementType elementType, Span<byte> destination, PipelineWorkspace workspace,
        int imageIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        image = workspace.Resamplable(image);
        int elementSize = elementType.SizeInBytes();
        var plan = Plan(image.Width, image.Height, imageIndex);
        int p = _options.PatchSize;
        var (sourceW, sourceH) = GetViewSize(plan, 0);
        if (sourceW < p || sourceH < p)
            throw new PlanException(PlanError.InvalidSize, $"A {sourceW}×{sourceH} view holds no whole {p}-px patch (reshape_by_patch would fail upstream).");
        CheckFits(sourceW, sourceH);
        int refineW = 0, refineH = 0;
        if (plan.IsSliced)
        {
            refineW = ToInt(plan.RefineWidth);
            refineH = ToInt(plan.RefineHeight);
            CheckFits(refineW, refineH);
        }
        long needed = (long)GetOutputLength(plan) * elementSize;
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; this image needs {needed}.", nameof(destination));

        var table = NormalizationTable.For(Normalization);
        workspace.NoThumbnail();
        var canvas = workspace.RentCanvas(refineW, refineH);
        var overview = workspace.RentOverview(sourceW, sourceH);
        PillowResize.Resize(image, overview, sourceW, sourceH, Filter, workspace.OverviewResize);
        int offset = GetViewLength(plan, 0) * elementSize;
        PatchRows.Write(overview, sourceW * 3, 0, 0, sourceW, sourceH, p, table, elementType, destination[..offset]);
        if (!plan.IsSliced) return plan;

        PillowResize.Resize(image, canvas, refineW, refineH, Filter, workspace.CanvasResize);
        int sliceBytes = GetViewLength(plan, 1) * elementSize;
        int sliceW = ToInt(plan.SliceWidth), sliceH = ToInt(plan.SliceHeight);
        for (int k = 0; k < plan.NumSlices; k++)
        {
            var box = MiniCpmVSlicing.SliceBox(plan, k);
            PatchRows.Write(canvas, refineW * 3, (int)box.X, (int)box.Y, sliceW, sliceH, p, table, elementType,
                destination.Slice(offset + k * sliceBytes, sliceBytes));
        }
        return plan;
    }

    private static void CheckFits(int width, int height)
    {
        if ((long)width * height * 3 > Array.MaxLength)
            throw new PlanException(PlanError.Overflow, $"A {width}×{height} view does not fit one buffer.");
    }

    private static int ToInt(long value) => value <= int.MaxValue
        ? (int)value
        : throw new PlanException(PlanError.Overflow, $"The size {value} is beyond what one buffer holds.");
}

/// <summary>The <c>reshape_by_patch</c> layout as a normalising kernel: planar channels with rows reordered.</summary>
internal static unsafe class PatchRows
{
    /// <summary>
    /// Normalises the whole p×p patches of the region (<paramref name="x"/>, <paramref name="y"/>, <paramref name="width"/>,
    /// <paramref name="height"/>) of an RGB24 image into <c>[3, p, L·p]</c>: source row <c>bh·p + ki</c> (its first
    /// <c>(W/p)·p</c> pixels) becomes row <c>ki·(H/p) + bh</c> of each channel's plane. Callers have checked the geometry.
    /// </summary>
    public static void Write(ReadOnlySpan<byte> rgb24, int stride, int x, int y, int width, int height, int p,
        NormalizationTable table, TensorElementType type, Span<byte> destination)
    {
        int size = type.SizeInBytes();
        int rowsPerKi = height / p, keptW = width / p * p, keptH = rowsPerKi * p;
        long rowBytes = (long)keptW * size, planeBytes = rowBytes * keptH;
        if (destination.Length < 3 * planeBytes || rgb24.Length < (long)(y + keptH - 1) * stride + 3L * (x + keptW))
            throw new ArgumentException("The patch-row buffers are too short for the region.", nameof(destination));
        bool simd = NormalizeKernels.UseSimd;
        float* scratch = stackalloc float[3 * NormalizeKernels.ChunkPixels];
        fixed (byte* src = rgb24)
        fixed (byte* dst = destination)
        {
            for (int row = 0; row < keptH; row++)
            {
                int target = row % p * rowsPerKi + row / p;
                byte* r = dst + target * rowBytes;
                NormalizeKernels.Row(src + (long)(y + row) * stride + 3L * x, keptW, table, type, r, r + planeBytes, r + 2 * planeBytes,
                    scratch, simd);
            }
        }
    }
}

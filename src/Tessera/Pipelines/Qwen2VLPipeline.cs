using System;
using System.Runtime.InteropServices;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Planning;

namespace Tessera.Pipelines;

/// <summary>
/// transformers' Qwen2-VL / Qwen2.5-VL image processor (the slow, Pillow-backed one): <c>smart_resize</c>, Pillow BICUBIC
/// resize, rescale by 1/255 and normalise with the OpenAI-CLIP constants in float32, then patchify into rows of
/// <c>3 · temporal · patch²</c> values in merge-window order. Byte- and bit-exact with the reference; allocation-free
/// once the workspace has grown.
/// </summary>
public sealed class Qwen2VLPipeline
{
    /// <summary>Creates the pipeline.</summary>
    /// <param name="options">Planning options (patch, merge, pixel bounds, resize rule).</param>
    /// <param name="normalization">Mean/std; the OpenAI-CLIP constants when omitted.</param>
    /// <param name="filter">Resampling filter; Pillow's BICUBIC, as the processor uses.</param>
    public Qwen2VLPipeline(QwenVisionOptions options, NormalizationConstants? normalization = null, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        options.Validate();
        if (options.PatchSize > PixelTensors.MaxPatchSize)
            throw PlanException.Config($"patch_size {options.PatchSize} exceeds the supported {PixelTensors.MaxPatchSize}.");
        Options = options;
        Normalization = normalization ?? NormalizationConstants.OpenAiClip;
        Filter = filter;
    }

    /// <summary>Planning options.</summary>
    public QwenVisionOptions Options { get; }

    /// <summary>Mean and standard deviation per channel.</summary>
    public NormalizationConstants Normalization { get; }

    /// <summary>The resampling filter.</summary>
    public ResampleFilter Filter { get; }

    /// <summary>Plans an image of the given size (same as <see cref="QwenNativeResolution.Plan"/>).</summary>
    public QwenPlan Plan(int width, int height) => QwenNativeResolution.Plan(width, height, Options);

    /// <summary>Shape of <c>pixel_values</c> for <paramref name="plan"/>: <c>[grid_t·grid_h·grid_w, 3·temporal·patch²]</c>.</summary>
    public (int Rows, int Columns) GetOutputShape(in QwenPlan plan)
    {
        var (w, h) = Resized(plan);
        return PixelTensors.GetQwenPatchShape(w, h, Options.PatchSize, Options.MergeSize, Options.TemporalPatchSize);
    }

    /// <summary>Number of elements <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/> writes for <paramref name="plan"/>.</summary>
    public int GetOutputLength(in QwenPlan plan)
    {
        var (rows, columns) = GetOutputShape(plan);
        return checked(rows * columns);
    }

    /// <summary>Plans <paramref name="image"/> and writes its float32 <c>pixel_values</c> into <paramref name="destination"/>
    /// (length at least <see cref="GetOutputLength"/> of <c>Plan(image.Width, image.Height)</c>).</summary>
    /// <returns>The plan the tensor was made for.</returns>
    public QwenPlan Run(ImageView image, Span<float> destination, PipelineWorkspace workspace) =>
        Run(image, TensorElementType.Float32, MemoryMarshal.AsBytes(destination), workspace);

    /// <summary>As <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/>, writing float32, float16 or bfloat16 values as raw
    /// bytes (an inference runtime's input buffer).</summary>
    public QwenPlan Run(ImageView image, TensorElementType elementType, Span<byte> destination, PipelineWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        image = workspace.Resamplable(image);
        var plan = Plan(image.Width, image.Height);
        var (w, h) = Resized(plan);
        long needed = (long)GetOutputLength(plan) * elementType.SizeInBytes();
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; this image needs {needed}.", nameof(destination));
        var canvas = workspace.RentCanvas(w, h);
        workspace.NoThumbnail();
        workspace.NoOverview();
        PillowResize.Resize(image, canvas, w, h, Filter, workspace.CanvasResize);
        PixelTensors.WriteQwenPatches(canvas, w, h, Options.PatchSize, Options.MergeSize, Options.TemporalPatchSize, Normalization,
            elementType, destination);
        return plan;
    }

    private static (int Width, int Height) Resized(in QwenPlan plan)
    {
        if (plan.ResizedWidth < 1 || plan.ResizedHeight < 1)
            throw new PlanException(PlanError.InvalidSize, $"The plan resizes to {plan.ResizedWidth}×{plan.ResizedHeight}: there are no pixels to process (Pillow rejects an empty resize).");
        if (plan.ResizedWidth > int.MaxValue || plan.ResizedHeight > int.MaxValue)
            throw new PlanException(PlanError.Overflow, $"The plan resizes to {plan.ResizedWidth}×{plan.ResizedHeight}, beyond what one buffer holds.");
        return ((int)plan.ResizedWidth, (int)plan.ResizedHeight);
    }
}

using System;
using System.Runtime.InteropServices;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Planning;

namespace Tessera.Pipelines;

/// <summary>
/// The InternVL model-card pipeline: <c>dynamic_preprocess</c> (resize the whole image to the chosen grid with Pillow
/// BICUBIC, cut row-major tiles, append a BICUBIC thumbnail of the original last), then per tile ToTensor (÷255 in
/// float32) and ImageNet normalisation, stacked to <c>[N, 3, S, S]</c>. Byte- and bit-exact with the reference;
/// allocation-free once the workspace has grown.
/// </summary>
public sealed class InternVLPipeline
{
    /// <summary>Creates the pipeline.</summary>
    /// <param name="options">Tiling options.</param>
    /// <param name="normalization">Mean/std; ImageNet's when omitted.</param>
    /// <param name="filter">Resampling filter; Pillow's default BICUBIC.</param>
    public InternVLPipeline(InternVLOptions options, NormalizationConstants? normalization = null, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Normalization = normalization ?? NormalizationConstants.ImageNet;
        Filter = filter;
    }

    /// <summary>Tiling options.</summary>
    public InternVLOptions Options { get; }

    /// <summary>Mean and standard deviation per channel.</summary>
    public NormalizationConstants Normalization { get; }

    /// <summary>The resampling filter.</summary>
    public ResampleFilter Filter { get; }

    /// <summary>Plans an image of the given size.</summary>
    public InternVLPlan Plan(int width, int height) => InternVLDynamicTiling.Plan(width, height, Options);

    /// <summary>Shape of the output: <c>[tiles (+ thumbnail), 3, S, S]</c>.</summary>
    public (int Images, int Channels, int Height, int Width) GetOutputShape(in InternVLPlan plan) =>
        (plan.NumImages, 3, Options.TileSize, Options.TileSize);

    /// <summary>Number of elements <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/> writes for <paramref name="plan"/>.</summary>
    public int GetOutputLength(in InternVLPlan plan) => checked(plan.NumImages * 3 * Options.TileSize * Options.TileSize);

    /// <summary>Plans <paramref name="image"/> and writes its float32 tiles (then the thumbnail) into <paramref name="destination"/>.</summary>
    /// <returns>The plan the tensor was made for.</returns>
    public InternVLPlan Run(ImageView image, Span<float> destination, PipelineWorkspace workspace) =>
        Run(image, TensorElementType.Float32, MemoryMarshal.AsBytes(destination), workspace);

    /// <summary>As <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/>, writing float32, float16 or bfloat16 values as raw bytes.</summary>
    public InternVLPlan Run(ImageView image, TensorElementType elementType, Span<byte> destination, PipelineWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        image = workspace.Resamplable(image);
        var plan = Plan(image.Width, image.Height);
        int tile = Options.TileSize;
        long needed = (long)GetOutputLength(plan) * elementType.SizeInBytes();
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; this image needs {needed}.", nameof(destination));
        int width = checked((int)plan.ResizedWidth), height = checked((int)plan.ResizedHeight);
        var canvas = workspace.RentCanvas(width, height);
        workspace.NoOverview();
        PillowResize.Resize(image, canvas, width, height, Filter, workspace.CanvasResize);
        int tileBytes = 3 * tile * tile * elementType.SizeInBytes();
        PixelTensors.NormalizeTilesToChw(canvas, width, height, width * 3, tile, Normalization, elementType,
            destination[..(plan.Blocks * tileBytes)]);
        if (plan.Thumbnail)
        {
            var thumbnail = workspace.RentThumbnail(tile);
            PillowResize.Resize(image, thumbnail, tile, tile, Filter, workspace.ThumbnailResize);
            PixelTensors.NormalizeToChw(thumbnail, tile, tile, tile * 3, Normalization, elementType,
                destination.Slice(plan.Blocks * tileBytes, tileBytes));
        }
        else
        {
            workspace.NoThumbnail();
        }
        return plan;
    }
}

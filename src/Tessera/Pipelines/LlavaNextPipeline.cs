using System;
using System.Runtime.InteropServices;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Planning;

namespace Tessera.Pipelines;

/// <summary>
/// transformers' <c>LlavaNextImageProcessor</c> (the slow, Pillow-backed one), also LLaVA-OneVision's single-image path
/// (<c>LlavaOnevisionImageProcessor</c>, same <c>get_image_patches</c>): pick the canvas (<c>select_best_resolution</c>),
/// resize the image with Pillow BICUBIC to the ceil-rule size, pad it centred with zeros to the canvas
/// (<c>_pad_for_patching</c>: the odd pixel goes bottom/right), cut crop×crop patches row-major
/// (<c>divide_to_patches</c>), and put the base image first: the <em>whole</em> image resized to crop×crop without
/// keeping the aspect (<c>resize(image, size=(crop, crop))</c>, no shortest-edge resize or centre crop). Every view is
/// rescaled by 1/255 and normalised in float32, giving <c>[1 + rows·cols, 3, crop, crop]</c>.
/// </summary>
/// <remarks>
/// <para>The processor's per-view <c>_preprocess</c> resizes each view to <c>size</c> again (and LLaVA-NeXT centre-crops
/// to <c>crop_size</c>); with the released configs (<c>shortest_edge</c> = crop = 336, or height = width = 384) both are
/// identities, which is what this pipeline does. A config whose <c>size</c> differs from its crop is not modelled.</para>
/// <para>Batch padding (<c>do_pad</c>: all-zero patches up to the longest image of a batch) is the caller's business:
/// it adds no pixels of this image.</para>
/// <para>Allocation-free once the workspace has grown. The workspace keeps the padded canvas
/// (<see cref="PipelineWorkspace.Canvas"/>, which holds the resized image at <see cref="GetPadding"/>) and the base
/// image (<see cref="PipelineWorkspace.Overview"/>).</para>
/// </remarks>
public sealed class LlavaNextPipeline
{
    /// <summary>Creates the LLaVA-NeXT pipeline.</summary>
    /// <param name="options">AnyRes options (pinpoints, crop).</param>
    /// <param name="normalization">Mean/std; the OpenAI-CLIP constants (the processor's and llava-hf v1.6's) when omitted.</param>
    /// <param name="filter">Resampling filter; Pillow's BICUBIC, as the processor uses.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public LlavaNextPipeline(LlavaNextOptions options, NormalizationConstants? normalization = null, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        NextOptions = options ?? throw new ArgumentNullException(nameof(options));
        CropSize = options.CropSize;
        Normalization = Checked(normalization ?? NormalizationConstants.OpenAiClip);
        Filter = Checked(filter);
    }

    /// <summary>Creates the LLaVA-OneVision single-image pipeline (the pixels are LLaVA-NeXT's on the 384-px crop; the
    /// anyres_max shrink only changes the feature count).</summary>
    /// <param name="options">OneVision options (pinpoints, crop).</param>
    /// <param name="normalization">Mean/std; SigLIP's 0.5 / 0.5 when omitted, as the llava-onevision-*-ov-hf
    /// preprocessor configs set them (the processor class default would be OpenAI-CLIP).</param>
    /// <param name="filter">Resampling filter; Pillow's BICUBIC.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public LlavaNextPipeline(LlavaOneVisionOptions options, NormalizationConstants? normalization = null, ResampleFilter filter = ResampleFilter.Bicubic)
    {
        OneVisionOptions = options ?? throw new ArgumentNullException(nameof(options));
        CropSize = options.CropSize;
        Normalization = Checked(normalization ?? NormalizationConstants.SigLip);
        Filter = Checked(filter);
    }

    /// <summary>The LLaVA-NeXT options, or null for a OneVision pipeline.</summary>
    public LlavaNextOptions? NextOptions { get; }

    /// <summary>The OneVision options, or null for a LLaVA-NeXT pipeline.</summary>
    public LlavaOneVisionOptions? OneVisionOptions { get; }

    /// <summary>Side of every output view (crop and base image).</summary>
    public int CropSize { get; }

    /// <summary>Mean and standard deviation per channel.</summary>
    public NormalizationConstants Normalization { get; }

    /// <summary>The resampling filter.</summary>
    public ResampleFilter Filter { get; }

    /// <summary>Plans an image of the given size (<see cref="LlavaNextAnyRes.Plan"/> or <see cref="LlavaOneVision.Plan"/>).</summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public AnyResPlan Plan(int width, int height) => NextOptions is not null
        ? LlavaNextAnyRes.Plan(width, height, NextOptions)
        : LlavaOneVision.Plan(width, height, OneVisionOptions!);

    /// <summary>Shape of <c>pixel_values</c> for one image: <c>[1 + rows·cols, 3, crop, crop]</c>.</summary>
    public (int Views, int Channels, int Height, int Width) GetOutputShape(in AnyResPlan plan) =>
        (checked(plan.Rows * plan.Columns + 1), 3, CropSize, CropSize);

    /// <summary>Number of elements <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/> writes for <paramref name="plan"/>.</summary>
    public int GetOutputLength(in AnyResPlan plan)
    {
        var (views, _, _, _) = GetOutputShape(plan);
        return checked(views * 3 * CropSize * CropSize);
    }

    /// <summary>Where the resized image sits on the canvas: <c>_pad_for_patching</c>'s <c>divmod(target − new, 2)</c>
    /// quotients (left and top padding; right and bottom get the remainder too).</summary>
    public static (int Left, int Top) GetPadding(in AnyResPlan plan) =>
        ((int)((plan.Canvas.Width - plan.ResizedWidth) / 2), (int)((plan.Canvas.Height - plan.ResizedHeight) / 2));

    /// <summary>Plans <paramref name="image"/> and writes its float32 <c>pixel_values</c> (base image first, then the
    /// patches row-major) into <paramref name="destination"/>.</summary>
    /// <returns>The plan the tensor was made for.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    /// <exception cref="ArgumentException">The destination is too short or the pixel format is not supported.</exception>
    /// <exception cref="PlanException">The plan's sizes do not fit one buffer.</exception>
    public AnyResPlan Run(ImageView image, Span<float> destination, PipelineWorkspace workspace) =>
        Run(image, TensorElementType.Float32, MemoryMarshal.AsBytes(destination), workspace);

    /// <summary>As <see cref="Run(ImageView, Span{float}, PipelineWorkspace)"/>, writing float32, float16 or bfloat16 values
    /// as raw bytes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    /// <exception cref="ArgumentException">The destination is too short or the pixel format is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The element type is unknown.</exception>
    /// <exception cref="PlanException">The plan's sizes do not fit one buffer.</exception>
    public AnyResPlan Run(ImageView image, TensorElementType elementType, Span<byte> destination, PipelineWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        image = workspace.Resamplable(image);
        int elementSize = elementType.SizeInBytes();
        var plan = Plan(image.Width, image.Height);
        long needed = (long)GetOutputLength(plan) * elementSize;
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; this image needs {needed}.", nameof(destination));
        int canvasW = plan.Canvas.Width, canvasH = plan.Canvas.Height;
        if ((long)canvasW * canvasH * 3 > Array.MaxLength)
            throw new PlanException(PlanError.Overflow, $"A {canvasW}×{canvasH} canvas does not fit one buffer.");
        int newW = (int)plan.ResizedWidth, newH = (int)plan.ResizedHeight;
        var (left, top) = GetPadding(plan);

        // _resize_for_patching into the front of the canvas, then _pad_for_patching in place.
        var canvas = workspace.RentCanvas(canvasW, canvasH);
        workspace.NoThumbnail();
        PillowResize.Resize(image, canvas, newW, newH, Filter, workspace.CanvasResize);
        PadInPlace(canvas, newW, newH, canvasW, canvasH, left, top);

        // The base image: the whole image resized to crop × crop.
        int crop = CropSize;
        var overview = workspace.RentOverview(crop, crop);
        PillowResize.Resize(image, overview, crop, crop, Filter, workspace.OverviewResize);

        int viewBytes = 3 * crop * crop * elementSize;
        PixelTensors.NormalizeToChw(overview, crop, crop, crop * 3, Normalization, elementType, destination[..viewBytes]);
        PixelTensors.NormalizeTilesToChw(canvas, canvasW, canvasH, canvasW * 3, crop, Normalization, elementType,
            destination.Slice(viewBytes, plan.Rows * plan.Columns * viewBytes));
        return plan;
    }

    /// <summary>
    /// Moves the tightly packed <paramref name="width"/>×<paramref name="height"/> image at the start of
    /// <paramref name="canvas"/> to (<paramref name="left"/>, <paramref name="top"/>) and zeroes the rest. Rows move last to
    /// first: row y's target starts at or after its source and after the end of every earlier row's source, so no row is
    /// overwritten before it has moved.
    /// </summary>
    private static void PadInPlace(Span<byte> canvas, int width, int height, int canvasWidth, int canvasHeight, int left, int top)
    {
        int row = width * 3, canvasRow = canvasWidth * 3;
        if (row == canvasRow && top == 0 && height == canvasHeight) return;
        for (int y = height - 1; y >= 0; y--)
        {
            canvas.Slice(y * row, row).CopyTo(canvas.Slice((top + y) * canvasRow + left * 3, row));
        }
        canvas[..(top * canvasRow)].Clear();
        canvas[((top + height) * canvasRow)..].Clear();
        int rightStart = (left + width) * 3;
        for (int y = top; y < top + height; y++)
        {
            var line = canvas.Slice(y * canvasRow, canvasRow);
            line[..(left * 3)].Clear();
            line[rightStart..].Clear();
        }
    }

    private static NormalizationConstants Checked(NormalizationConstants constants)
    {
        // default(NormalizationConstants) bypasses the constructor's checks: its zero stds would divide by zero.
        if (!(constants.StdR > 0f && constants.StdG > 0f && constants.StdB > 0f))
            throw new ArgumentException("Normalization constants need positive standard deviations (default(NormalizationConstants) has none).", nameof(constants));
        return constants;
    }

    private static ResampleFilter Checked(ResampleFilter filter)
    {
        if (filter is < ResampleFilter.Nearest or > ResampleFilter.Hamming)
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown resampling filter.");
        return filter;
    }
}

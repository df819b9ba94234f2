using System;
using System.Collections.Generic;

namespace Tessera.Planning;

/// <summary>
/// Configuration of LLaVA-OneVision single-image planning (AnyRes over the 384-px SigLIP crop, then the
/// <c>anyres_max_N</c> shrink). Construction copies and checks the pinpoint list once.
/// </summary>
public sealed class LlavaOneVisionOptions
{
    private const string AspectPrefix = "anyres_max_";

    private readonly Pinpoint[] _pinpoints;
    private readonly double[] _imageMean;

    /// <summary>Creates options.</summary>
    /// <param name="pinpoints"><c>image_grid_pinpoints</c> as (height, width) pairs in scan order.</param>
    /// <param name="cropSize">Side of the square crop and base image (384).</param>
    /// <param name="featureGrid">Features along one side of a crop (27 for SigLIP so400m/14 at 384: the tower drops the
    /// partial patch, so the crop need not be a whole number of patches).</param>
    /// <param name="maxNumPatches">N of <c>anyres_max_N</c>: the kept grid is shrunk to about N crops' worth of features.</param>
    /// <param name="strategy"><c>vision_feature_select_strategy</c> ("full" for the released checkpoints).</param>
    /// <param name="numAdditionalImageTokens">Extra outputs per crop counted by the processor (0 for SigLIP).</param>
    /// <param name="imageMean">The image processor's own <c>image_mean</c> (R, G, B), which sets the multi-image pad colour
    /// <c>int(mean · 255)</c>; <c>null</c> means the checkpoints' 0.5, 0.5, 0.5 (127, 127, 127). The processor class default
    /// is the CLIP mean (122, 116, 104 then), so pass it when planning for a config that leaves the mean out.</param>
    /// <exception cref="PlanException">Empty pinpoints, a canvas that is not a positive multiple of the crop, a
    /// non-positive size, a <paramref name="strategy"/> outside its declared members, <paramref name="numAdditionalImageTokens"/>
    /// of 2 · <paramref name="featureGrid"/> + 1 or more (the processor's <c>int(sqrt(num_image_tokens))</c> then leaves the
    /// model's grid), or a mean that is not three values each giving a colour in 0..255 (checked here, so it fails every
    /// plan, though upstream reads the colour only to pad several images).</exception>
    public LlavaOneVisionOptions(IReadOnlyList<Pinpoint> pinpoints, int cropSize = 384, int featureGrid = 27, int maxNumPatches = 9,
        FeatureSelectStrategy strategy = FeatureSelectStrategy.Full, int numAdditionalImageTokens = 0,
        IReadOnlyList<double>? imageMean = null)
    {
        PlanEnums.Check(strategy);
        if (pinpoints is null) throw PlanException.Config("image_grid_pinpoints must be a list of [height, width] pairs.");
        if (cropSize < 1) throw PlanException.Config($"crop_size must be at least 1, got {cropSize}.");
        if (featureGrid < 1 || featureGrid > cropSize)
            throw PlanException.Config($"the feature grid must be between 1 and crop_size ({cropSize}) per side, got {featureGrid}.");
        if (maxNumPatches < 1) throw PlanException.Config($"anyres_max_N needs N ≥ 1 (upstream divides by it), got {maxNumPatches}.");
        if (numAdditionalImageTokens < 0)
            throw PlanException.Config($"num_additional_image_tokens must not be negative, got {numAdditionalImageTokens}.");
        long processorGrid = (long)Math.Sqrt((double)featureGrid * featureGrid + numAdditionalImageTokens);
        if (processorGrid != featureGrid)
            throw PlanException.Config($"num_additional_image_tokens {numAdditionalImageTokens} with a {featureGrid}-feature grid makes the "
                + $"processor's num_image_tokens {(long)featureGrid * featureGrid + numAdditionalImageTokens}, whose int(sqrt()) is "
                + $"{processorGrid}, not {featureGrid}: the processor would count a {processorGrid}-wide grid while the model pools "
                + $"its {featureGrid}-wide one, and the model raises that features and image tokens do not match. Use fewer than "
                + $"{2L * featureGrid + 1} additional tokens.");
        if ((double)maxNumPatches * featureGrid * featureGrid > 4.6e18)
            throw PlanException.Config($"anyres_max_{maxNumPatches} × {featureGrid}² features is beyond 64-bit range.");
        _pinpoints = AnyResCore.CopyPinpoints(pinpoints, cropSize);
        if (imageMean is null)
        {
            _imageMean = new[] { 0.5, 0.5, 0.5 };
        }
        else
        {
            if (imageMean.Count != 3)
                throw PlanException.Config($"image_mean must hold 3 values (R, G, B) for the pad colour, got {imageMean.Count}.");
            _imageMean = new[] { imageMean[0], imageMean[1], imageMean[2] };
        }
        PadColor = PadColor.FromMean(_imageMean[0], _imageMean[1], _imageMean[2]);
        CropSize = cropSize;
        FeatureGrid = featureGrid;
        MaxNumPatches = maxNumPatches;
        Strategy = strategy;
        NumAdditionalImageTokens = numAdditionalImageTokens;
    }

    /// <summary>The processor class default canvases: [384·a, 384·b] for a = 1..6 (outer), b = 1..6 (inner), height first.</summary>
    public static IReadOnlyList<Pinpoint> DefaultPinpoints(int cropSize = 384, int maxMultiple = 6)
    {
        var list = new Pinpoint[maxMultiple * maxMultiple];
        for (int a = 1; a <= maxMultiple; a++)
            for (int b = 1; b <= maxMultiple; b++)
                list[(a - 1) * maxMultiple + b - 1] = new Pinpoint(cropSize * a, cropSize * b);
        return list;
    }

    /// <summary>llava-hf/llava-onevision-qwen2-*-ov-hf: the 36 default canvases, crop 384, grid 27, anyres_max_9, "full".</summary>
    public static LlavaOneVisionOptions Checkpoint { get; } = new(DefaultPinpoints());

    /// <summary>
    /// Reads N from <c>vision_aspect_ratio</c> written as the configs write it, <c>anyres_max_&lt;digits&gt;</c>. Upstream calls
    /// <c>int(s.strip("anyres_max_"))</c>, which strips any of those characters from both ends, so it also reads spellings
    /// such as <c>anyres_9</c>, <c>9</c> or <c>anyres_max_1_0</c> (as 10); Tessera refuses those rather than guess.
    /// </summary>
    /// <exception cref="PlanException">Any other spelling, or N = 0.</exception>
    public static int ParseVisionAspectRatio(string visionAspectRatio)
    {
        if (visionAspectRatio is null || !visionAspectRatio.StartsWith(AspectPrefix, StringComparison.Ordinal)
            || visionAspectRatio.Length == AspectPrefix.Length)
            throw NotAnyResMax(visionAspectRatio);
        long n = 0;
        for (int i = AspectPrefix.Length; i < visionAspectRatio.Length; i++)
        {
            char c = visionAspectRatio[i];
            if (c < '0' || c > '9')
                throw NotAnyResMax(visionAspectRatio);
            n = n * 10 + (c - '0');
            if (n > int.MaxValue) throw PlanException.Config($"vision_aspect_ratio '{visionAspectRatio}' is beyond 32-bit range.");
        }
        if (n == 0) throw PlanException.Config($"vision_aspect_ratio '{visionAspectRatio}' has N = 0 (upstream divides by it).");
        return (int)n;
    }

    private static PlanException NotAnyResMax(string? visionAspectRatio) =>
        PlanException.Config($"vision_aspect_ratio must be written 'anyres_max_<digits>' (the form the configs use; Tessera does not "
            + $"emulate str.strip's looser readings), got '{visionAspectRatio}'.");

    /// <summary>Canvases (height, width) in scan order.</summary>
    public ReadOnlySpan<Pinpoint> Pinpoints => _pinpoints;

    /// <summary>Side of the square crop in pixels.</summary>
    public int CropSize { get; }

    /// <summary>Features along one side of a crop (<c>patches_height</c>).</summary>
    public int FeatureGrid { get; }

    /// <summary>N of <c>anyres_max_N</c>.</summary>
    public int MaxNumPatches { get; }

    /// <summary><c>vision_feature_select_strategy</c>.</summary>
    public FeatureSelectStrategy Strategy { get; }

    /// <summary>Processor's <c>num_additional_image_tokens</c>.</summary>
    public int NumAdditionalImageTokens { get; }

    /// <summary>The image processor's <c>image_mean</c> (R, G, B) as given.</summary>
    public ReadOnlySpan<double> ImageMean => _imageMean;

    /// <summary>Multi-image pad colour: <c>int(mean · 255)</c> per channel (truncation).</summary>
    public PadColor PadColor { get; }
}

/// <summary>
/// LLaVA-OneVision single image (transformers <c>LlavaOnevisionProcessor._get_number_of_features</c>): LLaVA-NeXT's AnyRes
/// selection and unpadding on 384-px crops, then, when the kept grid exceeds 1.1² × N crops, a shrink to
/// <c>int(rows // ratio)</c> × <c>int(cols // ratio)</c> with Python's float floor division. The base image comes first.
/// Images of a multi-image sample are padded to a square instead (<see cref="PlanPaddedSquare"/>, <see cref="PlanSample"/>);
/// video is <see cref="LlavaOneVisionVideo"/>.
/// </summary>
public static partial class LlavaOneVision
{
    /// <summary>Plans a single image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public static AnyResPlan Plan(int width, int height, LlavaOneVisionOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        long grid = options.FeatureGrid;
        return AnyResCore.Plan(width, height, options.Pinpoints, options.CropSize, grid, options.MaxNumPatches,
            grid * grid + options.NumAdditionalImageTokens, options.Strategy == FeatureSelectStrategy.Default);
    }

    /// <summary>The one token count: <c>&lt;image&gt;</c> positions, the processor's <c>num_image_tokens</c>.</summary>
    public static long CountTokens(in AnyResPlan plan) => plan.NumImageTokens;

    /// <summary>An upper bound of <see cref="CountTokens(in AnyResPlan)"/> for any image under <paramref name="options"/>, and of a
    /// padded-square image's count too (same base features, no feature rows).</summary>
    public static long MaxTokens(LlavaOneVisionOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        long grid = options.FeatureGrid;
        return AnyResCore.MaxGridTokens(options.Pinpoints, options.CropSize, grid, options.MaxNumPatches)
            + grid * grid + options.NumAdditionalImageTokens - (options.Strategy == FeatureSelectStrategy.Default ? 1 : 0);
    }

    /// <summary>Segments <see cref="WriteLayout(in AnyResPlan, Span{LayoutSegment})"/> writes.</summary>
    public static int LayoutSegmentCount(in AnyResPlan plan) => AnyResCore.LayoutSegmentCount(plan);

    /// <summary>
    /// Writes the image's positions as LLaVA-NeXT does (<see cref="LlavaNextAnyRes.WriteLayout"/>): base features first,
    /// then each kept (shrunk) row followed by one <c>image_newline</c>.
    /// </summary>
    public static int WriteLayout(in AnyResPlan plan, Span<LayoutSegment> destination) => AnyResCore.WriteLayout(plan, destination);
}

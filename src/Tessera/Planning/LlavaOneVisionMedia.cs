using System;

namespace Tessera.Planning;

/// <summary>An 8-bit RGB fill colour.</summary>
public readonly struct PadColor : IEquatable<PadColor>
{
    /// <summary>Creates a colour.</summary>
    public PadColor(byte r, byte g, byte b)
    {
        R = r;
        G = g;
        B = b;
    }

    /// <summary>Red.</summary>
    public byte R { get; }

    /// <summary>Green.</summary>
    public byte G { get; }

    /// <summary>Blue.</summary>
    public byte B { get; }

    /// <summary>
    /// The colour transformers derives from an image mean: <c>tuple(int(x * 255) for x in image_mean)</c>, the double product
    /// truncated toward zero (0.5 → 127; the CLIP mean → 122, 116, 104; rounding would give 123, 117, 104).
    /// </summary>
    /// <exception cref="PlanException">A channel's value is not finite or truncates outside 0..255 (upstream writes it into a
    /// uint8 image, where numpy wraps or raises depending on its version).</exception>
    public static PadColor FromMean(double r, double g, double b) => new(Channel(r, "R"), Channel(g, "G"), Channel(b, "B"));

    private static byte Channel(double mean, string name)
    {
        double scaled = mean * 255;
        if (!(scaled > -1 && scaled < 256))
            throw PlanException.Config($"image_mean {name} = {mean:R} gives a pad value int({scaled:R}) outside 0..255.");
        return (byte)Math.Truncate(scaled);
    }

    /// <inheritdoc/>
    public bool Equals(PadColor other) => R == other.R && G == other.G && B == other.B;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PadColor c && Equals(c);

    /// <inheritdoc/>
    public override int GetHashCode() => (R << 16) | (G << 8) | B;

    /// <inheritdoc/>
    public override string ToString() => $"({R}, {G}, {B})";
}

/// <summary>How LLaVA-OneVision treats one image, decided by how many images share its sample.</summary>
public enum LlavaOneVisionImagePolicy
{
    /// <summary>The only image of its sample (<c>batch_num_images == 1</c>): AnyRes tiling with the anyres_max shrink.</summary>
    AnyRes,
    /// <summary>One of several images of a sample: padded to a square, resized to one crop, not tiled.</summary>
    PaddedSquare,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>
/// One image of a multi-image LLaVA-OneVision sample (transformers <c>LlavaOnevisionImageProcessor.pad_to_square</c>, then a
/// resize to the crop): the square it is pasted into, where, with which fill, and its positions — the crop's features
/// and one <c>image_newline</c> (730 for the checkpoints, strategies.md §4.4).
/// </summary>
public readonly struct LlavaOneVisionSquarePlan
{
    internal LlavaOneVisionSquarePlan(int width, int height, int cropSize, PadColor padColor, long baseFeatures, bool subtractOne)
    {
        Width = width;
        Height = height;
        Side = Math.Max(width, height);
        // pad_to_square: the short axis is centred at (max_dim - short) // 2; a square image is returned as it is.
        PadX = width < height ? (Side - width) / 2 : 0;
        PadY = width > height ? (Side - height) / 2 : 0;
        PadColor = padColor;
        CropSize = cropSize;
        BaseFeatures = baseFeatures;
        SubtractsOne = subtractOne;
    }

    /// <summary>Source width in pixels.</summary>
    public int Width { get; }

    /// <summary>Source height in pixels.</summary>
    public int Height { get; }

    /// <summary>Side of the padded square: <c>max(width, height)</c>.</summary>
    public int Side { get; }

    /// <summary>Columns of fill left of the image: <c>(side - width) // 2</c> (0 unless the image is taller than wide).</summary>
    public int PadX { get; }

    /// <summary>Rows of fill above the image: <c>(side - height) // 2</c> (0 unless the image is wider than tall).</summary>
    public int PadY { get; }

    /// <summary>Where the source lands inside the square.</summary>
    public PixelBox ImageBox => new(PadX, PadY, Width, Height);

    /// <summary>The fill: <c>int(mean · 255)</c> of the processor's own <c>image_mean</c>.</summary>
    public PadColor PadColor { get; }

    /// <summary>The square is resized to <c>crop × crop</c> (the processor's <c>size</c>).</summary>
    public int CropSize { get; }

    /// <summary>Features of the crop as the processor counts them (<c>num_image_tokens</c>: grid² plus additional tokens).</summary>
    public long BaseFeatures { get; }

    /// <summary>Whether the strategy is "default" (one fewer position).</summary>
    public bool SubtractsOne { get; }

    /// <summary>Features the model places before the newline.</summary>
    public long BaseFeaturesPlaced => BaseFeatures - (SubtractsOne ? 1 : 0);

    /// <summary><c>&lt;image&gt;</c> copies: <c>num_image_tokens + 1</c>, less one for "default".</summary>
    public long Tokens => BaseFeaturesPlaced + 1;
}

/// <summary>The plan of one image of a sample: AnyRes when it is the sample's only image, a padded square otherwise.</summary>
public readonly struct LlavaOneVisionImagePlan
{
    private readonly AnyResPlan _anyRes;
    private readonly LlavaOneVisionSquarePlan _square;

    internal LlavaOneVisionImagePlan(in AnyResPlan anyRes)
    {
        Policy = LlavaOneVisionImagePolicy.AnyRes;
        _anyRes = anyRes;
        _square = default;
    }

    internal LlavaOneVisionImagePlan(in LlavaOneVisionSquarePlan square)
    {
        Policy = LlavaOneVisionImagePolicy.PaddedSquare;
        _anyRes = default;
        _square = square;
    }

    /// <summary>Which rule planned the image.</summary>
    public LlavaOneVisionImagePolicy Policy { get; }

    /// <summary>The AnyRes plan.</summary>
    /// <exception cref="InvalidOperationException">The image was padded to a square.</exception>
    public AnyResPlan AnyRes => Policy == LlavaOneVisionImagePolicy.AnyRes
        ? _anyRes
        : throw new InvalidOperationException("The image belongs to a multi-image sample: it has a padded-square plan, not an AnyRes one.");

    /// <summary>The padded-square plan.</summary>
    /// <exception cref="InvalidOperationException">The image was tiled (AnyRes).</exception>
    public LlavaOneVisionSquarePlan Square => Policy == LlavaOneVisionImagePolicy.PaddedSquare
        ? _square
        : throw new InvalidOperationException("The image is its sample's only one: it has an AnyRes plan, not a padded-square one.");
}

public static partial class LlavaOneVision
{
    /// <summary>
    /// Plans an image of a multi-image sample: padded to a <c>max(w, h)</c> square (centred, offset <c>floor(diff / 2)</c>,
    /// filled with <see cref="LlavaOneVisionOptions.PadColor"/>), resized to one crop, not tiled.
    /// </summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public static LlavaOneVisionSquarePlan PlanPaddedSquare(int width, int height, LlavaOneVisionOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        long grid = options.FeatureGrid;
        return new LlavaOneVisionSquarePlan(width, height, options.CropSize, options.PadColor,
            grid * grid + options.NumAdditionalImageTokens, options.Strategy == FeatureSelectStrategy.Default);
    }

    /// <summary>
    /// Plans one image of a sample holding <paramref name="imagesInSample"/> images: the image processor tiles only when the
    /// sample has exactly one (<c>batch_num_images == 1</c>) and pads every image of a larger sample to a square.
    /// Upstream knows the sample only from a nested image list; a flat list counts every image as its own sample.
    /// </summary>
    /// <exception cref="PlanException">A size is not positive, or the sample holds no image.</exception>
    public static LlavaOneVisionImagePlan PlanImage(int width, int height, int imagesInSample, LlavaOneVisionOptions options)
    {
        if (imagesInSample < 1)
            throw PlanException.Config($"a sample with an image holds at least one, got {imagesInSample} (upstream drops empty samples).");
        return imagesInSample == 1
            ? new LlavaOneVisionImagePlan(Plan(width, height, options))
            : new LlavaOneVisionImagePlan(PlanPaddedSquare(width, height, options));
    }

    /// <summary>
    /// Plans every image of one sample, in order, into <paramref name="destination"/>: a single image gets the AnyRes plan,
    /// each of two or more a padded-square plan. Returns the number written (0 for an empty sample).
    /// </summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="images"/>.</exception>
    public static int PlanSample(ReadOnlySpan<(int Width, int Height)> images, LlavaOneVisionOptions options,
        Span<LlavaOneVisionImagePlan> destination)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (images.Length > destination.Length)
            throw new ArgumentException($"The destination holds {destination.Length} plans; {images.Length} are needed.", nameof(destination));
        for (int i = 0; i < images.Length; i++)
            destination[i] = PlanImage(images[i].Width, images[i].Height, images.Length, options);
        return images.Length;
    }

    /// <summary>Positions a whole sample's images occupy (the sum of their <see cref="CountTokens(in LlavaOneVisionImagePlan)"/>).</summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public static long CountSampleTokens(ReadOnlySpan<(int Width, int Height)> images, LlavaOneVisionOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        long total = 0;
        for (int i = 0; i < images.Length; i++)
        {
            var plan = PlanImage(images[i].Width, images[i].Height, images.Length, options);
            total += CountTokens(plan);
        }
        return total;
    }

    /// <summary>
    /// The one token count of a padded-square image: <c>&lt;image&gt;</c> positions, the crop's features plus one newline
    /// (the processor's <c>num_image_tokens + 1</c>). <see cref="MaxTokens"/> bounds it too: any AnyRes plan has the same
    /// base features and at least one feature row with its newline.
    /// </summary>
    public static long CountTokens(in LlavaOneVisionSquarePlan plan) => plan.Tokens;

    /// <summary>The one token count of an image of a sample, whichever policy planned it.</summary>
    /// <exception cref="PlanException">The plan's <see cref="LlavaOneVisionImagePlan.Policy"/> is outside its declared members.</exception>
    public static long CountTokens(in LlavaOneVisionImagePlan plan)
    {
        PlanEnums.Check(plan.Policy);
        return plan.Policy == LlavaOneVisionImagePolicy.AnyRes ? CountTokens(plan.AnyRes) : CountTokens(plan.Square);
    }

    /// <summary>Segments <see cref="WriteLayout(in LlavaOneVisionSquarePlan, Span{LayoutSegment})"/> writes: the features, then the newline.</summary>
    public static int LayoutSegmentCount(in LlavaOneVisionSquarePlan plan) => (plan.BaseFeaturesPlaced > 0 ? 1 : 0) + 1;

    /// <summary>
    /// Writes a padded-square image's positions as the model fills them (<c>pack_image_features</c> for a single crop): its
    /// features (role <see cref="PieceRole.Image"/>), then one learned <c>image_newline</c> (kind
    /// <see cref="SegmentKind.Separator"/>). Every token is <c>&lt;image&gt;</c>, as in the AnyRes layout.
    /// </summary>
    public static int WriteLayout(in LlavaOneVisionSquarePlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Context, LlavaNextAnyRes.ImageToken, plan.BaseFeaturesPlaced, PieceRole.Image);
        writer.Add(SegmentKind.Separator, LlavaNextAnyRes.ImageToken, 1);
        return writer.Count;
    }

    /// <summary>Segments the image's layout needs, whichever policy planned it.</summary>
    /// <exception cref="PlanException">The AnyRes layout would need more than <see cref="int.MaxValue"/> segments, or the
    /// plan's <see cref="LlavaOneVisionImagePlan.Policy"/> is outside its declared members.</exception>
    public static int LayoutSegmentCount(in LlavaOneVisionImagePlan plan)
    {
        PlanEnums.Check(plan.Policy);
        return plan.Policy == LlavaOneVisionImagePolicy.AnyRes ? LayoutSegmentCount(plan.AnyRes) : LayoutSegmentCount(plan.Square);
    }

    /// <summary>Writes the image's layout, whichever policy planned it; returns the number of segments.</summary>
    /// <exception cref="PlanException">The plan's <see cref="LlavaOneVisionImagePlan.Policy"/> is outside its declared members.</exception>
    public static int WriteLayout(in LlavaOneVisionImagePlan plan, Span<LayoutSegment> destination)
    {
        PlanEnums.Check(plan.Policy);
        return plan.Policy == LlavaOneVisionImagePolicy.AnyRes ? WriteLayout(plan.AnyRes, destination) : WriteLayout(plan.Square, destination);
    }
}

/// <summary>A LLaVA-OneVision video's positions: pooled features of every frame, then one newline for the whole video.</summary>
public readonly struct LlavaOneVisionVideoPlan
{
    internal LlavaOneVisionVideoPlan(long frames, long pooledGrid)
    {
        Frames = frames;
        PooledGrid = pooledGrid;
        FeaturesPerFrame = pooledGrid * pooledGrid;
        Tokens = frames * FeaturesPerFrame + 1;
    }

    /// <summary>Frames the model receives.</summary>
    public long Frames { get; }

    /// <summary>Side of a frame's feature map after the 2×2 bilinear pooling: <c>ceil(grid / 2)</c> (14 for 27).</summary>
    public long PooledGrid { get; }

    /// <summary>Features per frame: <see cref="PooledGrid"/>² (196 for the checkpoints).</summary>
    public long FeaturesPerFrame { get; }

    /// <summary><c>&lt;video&gt;</c> copies: <c>frames · features per frame + 1</c>.</summary>
    public long Tokens { get; }
}

/// <summary>Which frame sampler a LLaVA-OneVision video plan uses.</summary>
public enum LlavaOneVisionFrameSampler
{
    /// <summary>
    /// transformers <c>BaseVideoProcessor.sample_frames</c> (LlavaOnevisionVideoProcessor does not override it, and runs it
    /// only with <c>do_sample_frames</c>, default off): <c>n</c> = <c>num_frames</c>, or <c>int(total / video_fps · fps)</c>;
    /// indices <c>torch.arange(0, total, total / n).int()</c>, which can hold n + 1 values.
    /// </summary>
    TransformersArange,
    /// <summary>
    /// <c>np.linspace(0, total - 1, k, dtype=int)</c>: the OneVision tutorial's <c>extract_frames</c>, and the uniform branch
    /// of LLaVA-NeXT's <c>process_video_with_decord</c> (taken with <c>force_sample</c>, or when <c>frames_upbound</c> is
    /// positive and stepping at the target fps would give more than k frames; see <see cref="LlavaNextStepped"/>).
    /// </summary>
    LlavaNextLinspace,
    /// <summary>
    /// LLaVA-NeXT's <c>process_video_with_decord</c> when it keeps its stepped pick: every
    /// <c>round(avg_fps / video_fps)</c>-th frame from 0 (<c>range(0, total, step)</c>, Python's half-to-even round).
    /// </summary>
    LlavaNextStepped,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>Which frames a sampler picks: how many indices and whether one of them lies past the video.</summary>
public readonly struct LlavaOneVisionFrameSample
{
    internal LlavaOneVisionFrameSample(LlavaOneVisionFrameSampler sampler, int totalFrames, long numFrames, long indexCount, int step = 1)
    {
        Sampler = sampler;
        TotalFrames = totalFrames;
        NumFrames = numFrames;
        IndexCount = indexCount;
        Step = step;
    }

    /// <summary>The frame step of <see cref="LlavaOneVisionFrameSampler.LlavaNextStepped"/> (1 for the other samplers).</summary>
    public int Step { get; }

    /// <summary>The rule that picked the frames.</summary>
    public LlavaOneVisionFrameSampler Sampler { get; }

    /// <summary>Frames in the source video.</summary>
    public int TotalFrames { get; }

    /// <summary>The count the rule settled on (<c>num_frames</c> / <c>k</c>).</summary>
    public long NumFrames { get; }

    /// <summary>Indices the rule yields: <see cref="NumFrames"/>, or one more for the arange sampler.</summary>
    public long IndexCount { get; }

    /// <summary>
    /// True when the last index equals <see cref="TotalFrames"/> (the float arange's n + 1 hazard, strategies.md §1.6.1):
    /// <c>sample_frames</c> returns it, and indexing a decoded video tensor with it fails upstream.
    /// </summary>
    public bool HasOutOfRangeIndex => IndexCount > NumFrames;
}

/// <summary>
/// LLaVA-OneVision video (transformers <c>LlavaOnevisionProcessor</c> and <c>get_video_features</c>): every frame is a
/// single crop whose <c>grid × grid</c> features are pooled bilinearly to <c>ceil(grid / 2)²</c> (196 for 27), and the
/// video gets one newline at the end: <c>frames · 196 + 1</c> positions (strategies.md §4.4). Frame sampling is
/// <see cref="SampleFrames"/> (transformers), <see cref="SampleDecord"/> (LLaVA-NeXT's decord loader: stepped at the target fps,
/// or uniform past a cap) or <see cref="SampleUniform"/> (numpy linspace alone, as the OneVision tutorial).
/// </summary>
/// <remarks>
/// The processor computes the count from the first video of the batch and writes it for every <c>&lt;video&gt;</c> of every
/// sample; a plan here is per video, so a batch mixing frame counts is what upstream cannot expand consistently.
/// </remarks>
public static class LlavaOneVisionVideo
{
    /// <summary>The prompt spelling of every position a video occupies.</summary>
    public const string VideoToken = "<video>";

    /// <summary>Plans a video of <paramref name="frames"/> frames (after any sampling).</summary>
    /// <exception cref="PlanException">No frames, or a count whose positions exceed 64-bit range.</exception>
    public static LlavaOneVisionVideoPlan Plan(long frames, LlavaOneVisionOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (frames < 1) throw PlanException.Config($"a video needs at least one frame, got {frames}.");
        long pooled = (options.FeatureGrid + 1L) / 2;
        long perFrame = pooled * pooled;
        if (frames > (long.MaxValue - 1) / perFrame)
            throw new PlanException(PlanError.Overflow, $"{frames} frames × {perFrame} features is beyond 64-bit range.");
        return new LlavaOneVisionVideoPlan(frames, pooled);
    }

    /// <summary>The one token count: <c>&lt;video&gt;</c> positions, <c>frames · pooled² + 1</c>.</summary>
    public static long CountTokens(in LlavaOneVisionVideoPlan plan) => plan.Tokens;

    /// <summary>The count of a video of <paramref name="maxFrames"/> frames, which bounds every video capped at that many.</summary>
    /// <exception cref="PlanException">A cap below one frame, or beyond 64-bit range.</exception>
    public static long MaxTokens(LlavaOneVisionOptions options, long maxFrames) => Plan(maxFrames, options).Tokens;

    /// <summary>Segments <see cref="WriteLayout"/> writes: one per frame, then the newline.</summary>
    /// <exception cref="PlanException">More segments than a span can hold.</exception>
    public static int LayoutSegmentCount(in LlavaOneVisionVideoPlan plan)
    {
        if (plan.Frames >= int.MaxValue)
            throw new PlanException(PlanError.Overflow, $"the layout needs {plan.Frames + 1} segments, more than a span can hold.");
        return (int)plan.Frames + 1;
    }

    /// <summary>
    /// Writes the video's positions in the order the model fills them: each frame's pooled features (role
    /// <see cref="PieceRole.Frame"/>, piece = frame), then one learned <c>image_newline</c> (kind
    /// <see cref="SegmentKind.Separator"/>). Every token is <c>&lt;video&gt;</c>, the text the prompt holds there.
    /// </summary>
    public static int WriteLayout(in LlavaOneVisionVideoPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        for (long frame = 0; frame < plan.Frames; frame++)
            writer.Add(SegmentKind.Context, VideoToken, plan.FeaturesPerFrame, PieceRole.Frame, (int)frame);
        writer.Add(SegmentKind.Separator, VideoToken, 1);
        return writer.Count;
    }

    /// <summary>
    /// transformers <c>BaseVideoProcessor.sample_frames</c>: with <paramref name="numFrames"/>, n = num_frames; with
    /// <paramref name="fps"/>, n = <c>int(total / video_fps · fps)</c> (no clamp, unlike Qwen2-VL's override); then
    /// <c>torch.arange(0, total, total / n)</c>, whose length can be n + 1 (<see cref="LlavaOneVisionFrameSample.HasOutOfRangeIndex"/>).
    /// </summary>
    /// <exception cref="PlanException">Both fps and num_frames (ValueError), neither (upstream compares None with an int:
    /// TypeError), fps without a video fps (ValueError), a video fps of 0 or a non-finite product (ZeroDivisionError,
    /// int() errors), n above the video's frames (ValueError), or n below 1 (the arange step divides by zero or is
    /// negative).</exception>
    public static LlavaOneVisionFrameSample SampleFrames(int totalFrames, double? videoFps, double? fps, long? numFrames)
    {
        if (fps.HasValue && numFrames.HasValue)
            throw PlanException.Config("`num_frames`, `fps`, and `sample_indices_fn` are mutually exclusive arguments, please use only one!");
        long n;
        if (numFrames is long requested)
        {
            n = requested;
        }
        else if (fps is double target)
        {
            if (!(videoFps is double sourceFps))
                throw PlanException.Config("Asked to sample `fps` frames per second but no video metadata was provided.");
            if (sourceFps == 0) throw PlanException.Config("the video fps is 0: upstream's total / fps raises ZeroDivisionError.");
            double x = totalFrames / sourceFps * target;
            if (double.IsNaN(x) || double.IsInfinity(x))
                throw PlanException.Config($"int() of {x:R} fails upstream (total / video_fps · fps is not finite).");
            double truncated = Math.Truncate(x);
            if (truncated > totalFrames)
                throw PlanException.Config($"Video can't be sampled. The `num_frames={truncated:R}` exceeds `total_num_frames={totalFrames}`.");
            if (truncated < 1)
                throw PlanException.Config($"num_frames = int({x:R}) = {truncated:R}: upstream's arange step total / num_frames fails.");
            n = (long)truncated;
        }
        else
        {
            throw PlanException.Config("sample_frames needs fps or num_frames (upstream compares None with an int: TypeError).");
        }
        if (n > totalFrames)
            throw PlanException.Config($"Video can't be sampled. The `num_frames={n}` exceeds `total_num_frames={totalFrames}`.");
        long count = FrameSampling.FloatArangeLength(totalFrames, n);
        return new LlavaOneVisionFrameSample(LlavaOneVisionFrameSampler.TransformersArange, totalFrames, n, count);
    }

    /// <summary>
    /// The uniform pick of <paramref name="count"/> frames of the OneVision tutorial and of LLaVA-NeXT's loader when it samples
    /// uniformly (see <see cref="LlavaOneVisionFrameSampler.LlavaNextLinspace"/>):
    /// <c>np.linspace(0, total - 1, count, dtype=int)</c> (truncated doubles; frames repeat when count exceeds total).
    /// </summary>
    /// <exception cref="PlanException">No frames, or a count below one.</exception>
    public static LlavaOneVisionFrameSample SampleUniform(int totalFrames, int count)
    {
        if (totalFrames < 1) throw PlanException.Config($"a video needs at least one frame, got {totalFrames}.");
        if (count < 1) throw PlanException.Config($"the frame count must be at least 1, got {count}.");
        return new LlavaOneVisionFrameSample(LlavaOneVisionFrameSampler.LlavaNextLinspace, totalFrames, count, count);
    }

    /// <summary>
    /// LLaVA-NeXT's <c>process_video_with_decord</c> (<c>llava/utils.py</c>, and the same in <c>train.py</c>): the step
    /// <c>round(avg_fps / video_fps)</c> (Python's half-to-even round of the double quotient), the frames
    /// <c>range(0, total, step)</c>; when <paramref name="framesUpbound"/> is positive and that gives more frames, or
    /// <paramref name="forceSample"/> is set, <c>np.linspace(0, total - 1, frames_upbound, dtype=int)</c> instead. The
    /// sample's <see cref="LlavaOneVisionFrameSample.Sampler"/> says which branch was taken.
    /// </summary>
    /// <param name="totalFrames">Frames in the video (<c>len(vr)</c>).</param>
    /// <param name="averageFps">decord's <c>vr.get_avg_fps()</c>.</param>
    /// <param name="videoFps"><c>data_args.video_fps</c> (1 by default there).</param>
    /// <param name="framesUpbound"><c>data_args.frames_upbound</c>; 0 or less means no cap.</param>
    /// <param name="forceSample"><c>data_args.force_sample</c> (only read with a positive cap).</param>
    /// <exception cref="PlanException">No frames; a video fps of 0 (ZeroDivisionError) or a quotient that is not finite
    /// (round() raises); a step that rounds to 0 (range() raises ValueError: the target fps is more than twice the video's)
    /// or below 0 (upstream's range is empty and decord's <c>get_batch([])</c> fails).</exception>
    public static LlavaOneVisionFrameSample SampleDecord(int totalFrames, double averageFps, double videoFps = 1, int framesUpbound = 0,
        bool forceSample = false)
    {
        if (totalFrames < 1) throw PlanException.Config($"a video needs at least one frame, got {totalFrames}.");
        if (videoFps == 0) throw PlanException.Config("video_fps is 0: upstream's avg_fps / video_fps raises ZeroDivisionError.");
        double quotient = averageFps / videoFps;
        if (double.IsNaN(quotient) || double.IsInfinity(quotient))
            throw PlanException.Config($"round({quotient:R}) fails upstream (avg_fps / video_fps is not finite).");
        double step = PyMath.RoundHalfEven(quotient);
        if (step == 0)
            throw PlanException.Config($"round({averageFps:R} / {videoFps:R}) is 0: upstream's range() step is zero (ValueError); "
                + "the target video_fps is more than twice the video's own.");
        if (step < 0)
            throw PlanException.Config($"round({averageFps:R} / {videoFps:R}) is {step:R}: upstream's range() is empty and decord's "
                + "get_batch([]) fails.");
        // A step at least the video's length keeps frame 0 alone, whatever its size.
        int frameStep = step >= totalFrames ? totalFrames : (int)step;
        long count = (totalFrames + (long)frameStep - 1) / frameStep;
        if (framesUpbound > 0 && (count > framesUpbound || forceSample)) return SampleUniform(totalFrames, framesUpbound);
        return new LlavaOneVisionFrameSample(LlavaOneVisionFrameSampler.LlavaNextStepped, totalFrames, count, count, frameStep);
    }

    /// <summary>
    /// Writes the sample's frame indices (<see cref="LlavaOneVisionFrameSample.IndexCount"/> of them, the arange's extra
    /// index included) and returns how many were written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="PlanException">A default (unplanned) sample, or a <see cref="LlavaOneVisionFrameSample.Sampler"/>
    /// outside its declared members.</exception>
    public static int WriteFrameIndices(in LlavaOneVisionFrameSample sample, Span<long> destination)
    {
        PlanEnums.Check(sample.Sampler);
        switch (sample.Sampler)
        {
            case LlavaOneVisionFrameSampler.TransformersArange:
                return FrameSampling.WriteFloatArangeIndices(sample.TotalFrames, sample.NumFrames, destination);
            case LlavaOneVisionFrameSampler.LlavaNextLinspace:
                return FrameSampling.WriteNumpyLinspaceIndices(sample.TotalFrames, (int)sample.NumFrames, destination);
            default:
                if (sample.TotalFrames < 1 || sample.Step < 1 || sample.NumFrames < 1)
                    throw PlanException.Config("the frame sample was not planned (use LlavaOneVisionVideo.SampleDecord).");
                int count = (int)sample.NumFrames;
                if (destination.Length < count)
                    throw new ArgumentException($"The destination holds {destination.Length} indices; the sample has {count}.", nameof(destination));
                for (int i = 0; i < count; i++) destination[i] = (long)i * sample.Step;
                return count;
        }
    }
}

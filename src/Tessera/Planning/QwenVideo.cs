using System;

namespace Tessera.Planning;

/// <summary>Which published copy of qwen-vl-utils' <c>fetch_video</c> planning to reproduce.</summary>
public enum QwenVideoRule
{
    /// <summary>qwen-vl-utils 0.0.10 – 0.0.14 (Qwen2.5-VL / Qwen3-VL repositories): frame count floored to the temporal factor
    /// and capped at the video's length, total budget 128 000·factor²·0.9, an element's <c>max_pixels</c> may only lower the
    /// computed per-frame budget, and <c>smart_resize</c> asserts <c>max_pixels ≥ min_pixels</c>.</summary>
    QwenVlUtils,
    /// <summary>qwen-vl-utils 0.0.8 (Qwen2-VL launch): frame count rounded half-even to the temporal factor, total budget
    /// 24 576·28², an element's <c>max_pixels</c> replaces the computed budget outright, no sample fps.</summary>
    QwenVlUtilsV008,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>
/// The caller's video element (qwen-vl-utils' <c>ele</c> dict): either <see cref="Fps"/> or <see cref="NFrames"/>, optional
/// frame and pixel bounds. Every property left <c>null</c> takes the module default of the chosen <see cref="QwenVideoRule"/>.
/// </summary>
public readonly struct QwenVideoRequest
{
    /// <summary>Creates a request; every argument is optional.</summary>
    public QwenVideoRequest(double? fps = null, long? nFrames = null, long? minFrames = null, long? maxFrames = null,
        long? minPixels = null, double? maxPixels = null, double? totalPixels = null, int? resizedHeight = null, int? resizedWidth = null)
    {
        Fps = fps;
        NFrames = nFrames;
        MinFrames = minFrames;
        MaxFrames = maxFrames;
        MinPixels = minPixels;
        MaxPixels = maxPixels;
        TotalPixels = totalPixels;
        ResizedHeight = resizedHeight;
        ResizedWidth = resizedWidth;
    }

    /// <summary>Frames per second to sample (default 2.0); exclusive with <see cref="NFrames"/>.</summary>
    public double? Fps { get; }

    /// <summary>A fixed number of frames (rounded half-even to the temporal factor); exclusive with <see cref="Fps"/>.</summary>
    public long? NFrames { get; }

    /// <summary>Lower bound of fps sampling (default 4, ceiled to the temporal factor).</summary>
    public long? MinFrames { get; }

    /// <summary>Upper bound of fps sampling (default <c>min(768, total_frames)</c>, floored to the temporal factor).</summary>
    public long? MaxFrames { get; }

    /// <summary>Per-frame lower pixel bound (default 128·28² = 100 352).</summary>
    public long? MinPixels { get; }

    /// <summary>Per-frame upper pixel bound given by the caller (0.0.10+: can only lower the computed budget).</summary>
    public double? MaxPixels { get; }

    /// <summary>Pixel budget over all sampled frames.</summary>
    public double? TotalPixels { get; }

    /// <summary>With <see cref="ResizedWidth"/>: resize to about this size with the image bounds, bypassing the video budget.</summary>
    public int? ResizedHeight { get; }

    /// <summary>With <see cref="ResizedHeight"/>: resize to about this size with the image bounds, bypassing the video budget.</summary>
    public int? ResizedWidth { get; }
}

/// <summary>The result of planning one video the qwen-vl-utils way.</summary>
public readonly struct QwenVideoPlan
{
    internal QwenVideoPlan(int totalFrames, long nFrames, double? sampleFps, long resizeMinPixels, double resizeMaxPixels,
        long resizedHeight, long resizedWidth, int patchSize, int mergeSize, int temporalPatchSize)
    {
        TotalFrames = totalFrames;
        NFrames = nFrames;
        SampleFps = sampleFps;
        SecondPerGridT = sampleFps is double fps ? temporalPatchSize / fps : null;
        ResizeMinPixels = resizeMinPixels;
        ResizeMaxPixels = resizeMaxPixels;
        ResizedHeight = resizedHeight;
        ResizedWidth = resizedWidth;
        GridT = nFrames / temporalPatchSize;
        GridH = resizedHeight / patchSize;
        GridW = resizedWidth / patchSize;
        Tokens = GridH * GridW > 0 && GridT > long.MaxValue / (GridH * GridW)
            ? throw new PlanException(PlanError.Overflow, $"{GridT}×{GridH}×{GridW} patches are beyond 64-bit range.")
            : GridT * GridH * GridW / ((long)mergeSize * mergeSize);
    }

    /// <summary>Frames in the source video (what the indices of <see cref="QwenVideo.WriteFrameIndices"/> point into).</summary>
    public int TotalFrames { get; }

    /// <summary>Frames sampled (a multiple of the temporal factor, at least 2).</summary>
    public long NFrames { get; }

    /// <summary><c>nframes / total · video_fps</c> (0.0.10+; <c>null</c> for 0.0.8, which does not return it).</summary>
    public double? SampleFps { get; }

    /// <summary><c>temporal_patch_size / sample_fps</c>, what the Qwen2.5-VL processor derives from it; <c>null</c> with no fps.</summary>
    public double? SecondPerGridT { get; }

    /// <summary>The <c>min_pixels</c> passed to <c>smart_resize</c>.</summary>
    public long ResizeMinPixels { get; }

    /// <summary>The <c>max_pixels</c> passed to <c>smart_resize</c> (a float when the total budget does not divide evenly).</summary>
    public double ResizeMaxPixels { get; }

    /// <summary>Height every frame is resized to.</summary>
    public long ResizedHeight { get; }

    /// <summary>Width every frame is resized to.</summary>
    public long ResizedWidth { get; }

    /// <summary>Temporal groups: <c>nframes / temporal_patch_size</c>.</summary>
    public long GridT { get; }

    /// <summary>Patch rows per frame.</summary>
    public long GridH { get; }

    /// <summary>Patch columns per frame.</summary>
    public long GridW { get; }

    /// <summary><c>&lt;|video_pad|&gt;</c> count: <c>grid_t · grid_h · grid_w / merge²</c>.</summary>
    public long Tokens { get; }
}

/// <summary>
/// transformers' <c>Qwen2VLVideoProcessor.sample_frames</c>: how many indices it returns and what it reports with them.
/// <see cref="IndexCount"/> can exceed <see cref="NFrames"/> by one (the float <c>arange</c> length), the extra index being
/// <c>total</c> itself — upstream returns it; only a later frame lookup fails.
/// </summary>
public readonly struct HfVideoSample
{
    internal HfVideoSample(int totalFrames, long nFrames, long indexCount, double sampledFps, int temporalPatchSize)
    {
        TotalFrames = totalFrames;
        NFrames = nFrames;
        IndexCount = indexCount;
        SampledFps = sampledFps;
        SecondPerGridT = temporalPatchSize / sampledFps;
        GridT = QwenVideo.PaddedTemporalGroups(indexCount, temporalPatchSize);
    }

    /// <summary>Frames in the source video.</summary>
    public int TotalFrames { get; }

    /// <summary>The frame count the rule settles on (<c>num_frames</c>, a multiple of the temporal patch size).</summary>
    public long NFrames { get; }

    /// <summary>Indices <c>torch.arange(0, total, total / n)</c> yields: <see cref="NFrames"/> or one more.</summary>
    public long IndexCount { get; }

    /// <summary><c>len(indices) / total · fps</c>.</summary>
    public double SampledFps { get; }

    /// <summary><c>temporal_patch_size / sampled_fps</c>.</summary>
    public double SecondPerGridT { get; }

    /// <summary>Temporal groups after padding: <c>ceil(len(indices) / temporal_patch_size)</c>.</summary>
    public long GridT { get; }
}

/// <summary>
/// Qwen2-VL / Qwen2.5-VL video planning: how many frames are sampled and which, the per-frame pixel budget, the resize,
/// the grid and the token count. Exact to qwen-vl-utils' <c>fetch_video</c> (torch float32 <c>linspace</c> frame indices,
/// half-even rounding) and to transformers' <c>sample_frames</c> (float <c>arange</c>, whose length can be n + 1).
/// </summary>
public static class QwenVideo
{
    /// <summary>Token spelling of one video position.</summary>
    public const string VideoPad = "<|video_pad|>";

    private const int FrameFactor = 2;
    private const int ImageFactor = 28;
    private const int PatchSize = 14;
    private const int MergeSize = 2;
    private const long VideoMinPixels = 128L * 28 * 28;

    /// <summary>qwen-vl-utils <c>VIDEO_MIN_PIXELS</c>: the per-frame lower bound when the element gives none.</summary>
    internal const long DefaultMinPixels = VideoMinPixels;

    /// <summary>qwen-vl-utils <c>FPS_MAX_FRAMES</c>: <c>max_frames</c> defaults to <c>min(768, total)</c>.</summary>
    internal const long DefaultMaxFrames = 768;
    private const long VideoMaxPixels = 768L * 28 * 28;

    /// <summary>
    /// Plans a video of <paramref name="totalFrames"/> frames at <paramref name="videoFps"/>, frames
    /// <paramref name="width"/>×<paramref name="height"/>, as qwen-vl-utils' <c>fetch_video</c> does (reader torchvision or
    /// decord without a time range).
    /// </summary>
    /// <exception cref="PlanException">A <paramref name="rule"/> outside its declared members, both fps and nframes given,
    /// the frame count leaves <c>[2, total]</c> (a 1-frame video always does), a bad size or aspect ratio, or a per-frame
    /// budget below the minimum (0.0.10+ asserts).</exception>
    public static QwenVideoPlan Plan(int totalFrames, double videoFps, int width, int height, in QwenVideoRequest request,
        QwenVideoRule rule = QwenVideoRule.QwenVlUtils)
    {
        PlanEnums.Check(rule);
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        long n = SmartNFrames(request, totalFrames, videoFps, rule);
        long minPixels = request.MinPixels ?? VideoMinPixels;
        double totalPixels = request.TotalPixels
            ?? (rule == QwenVideoRule.QwenVlUtils ? 128000.0 * ImageFactor * ImageFactor * 0.9 : 24576.0 * 28 * 28);
        // max(min(VIDEO_MAX, total / n * 2), int(min_pixels * 1.05)); Python's min/max keep the first operand on a tie.
        double share = totalPixels / n * FrameFactor;
        double maxPixels = Math.Min(VideoMaxPixels, share);
        double floorPixels = Math.Truncate(minPixels * 1.05);
        maxPixels = Math.Max(maxPixels, floorPixels);
        if (request.MaxPixels is double given)
            maxPixels = rule == QwenVideoRule.QwenVlUtils ? Math.Min(given, maxPixels) : given;

        long resizedHeight, resizedWidth;
        if (request.ResizedHeight is int rh && request.ResizedWidth is int rw)
        {
            long imageMin = 4L * ImageFactor * ImageFactor, imageMax = 16384L * ImageFactor * ImageFactor;
            (resizedHeight, resizedWidth) = QwenNativeResolution.SmartResize(rh, rw, ImageFactor, imageMin, imageMax, QwenResizeRule.QwenVlUtils);
        }
        else
        {
            if (rule == QwenVideoRule.QwenVlUtils && maxPixels < minPixels)
                throw PlanException.Config($"max_pixels ({maxPixels}) must be at least min_pixels ({minPixels}) (qwen-vl-utils asserts this).");
            if (!(maxPixels >= 0)) throw PlanException.Config($"max_pixels must not be negative, got {maxPixels}.");
            (resizedHeight, resizedWidth) = QwenNativeResolution.SmartResize(height, width, ImageFactor, minPixels,
                new QwenNativeResolution.PixelBudget(maxPixels), QwenResizeRule.QwenVlUtils);
        }
        double? sampleFps = rule == QwenVideoRule.QwenVlUtils ? n / Math.Max(totalFrames, 1e-6) * videoFps : null;
        return new QwenVideoPlan(totalFrames, n, sampleFps, minPixels, maxPixels, resizedHeight, resizedWidth, PatchSize, MergeSize, FrameFactor);
    }

    /// <summary>qwen-vl-utils <c>smart_nframes</c>: the number of frames to sample.</summary>
    /// <exception cref="PlanException">A <paramref name="rule"/> outside its declared members, both fps and nframes given,
    /// or the count is outside <c>[2, total]</c>.</exception>
    public static long SmartNFrames(in QwenVideoRequest request, int totalFrames, double videoFps, QwenVideoRule rule = QwenVideoRule.QwenVlUtils)
    {
        PlanEnums.Check(rule);
        if (request.Fps.HasValue && request.NFrames.HasValue)
            throw PlanException.Config("Only accept either `fps` or `nframes`");
        if (totalFrames < 0) throw PlanException.Config($"total_frames must not be negative, got {totalFrames}.");
        double n;
        if (request.NFrames is long fixedCount)
        {
            n = PyMath.RoundHalfEven(fixedCount / (double)FrameFactor) * FrameFactor;
        }
        else
        {
            if (!(videoFps > 0)) throw PlanException.Config($"video_fps must be positive, got {videoFps}.");
            double fps = request.Fps ?? 2.0;
            double minFrames = Math.Ceiling((request.MinFrames ?? 4) / (double)FrameFactor) * FrameFactor;
            double maxFrames = Math.Floor((request.MaxFrames ?? Math.Min(DefaultMaxFrames, totalFrames)) / (double)FrameFactor) * FrameFactor;
            n = totalFrames / videoFps * fps;
            n = Math.Min(Math.Max(n, minFrames), maxFrames);
            n = rule == QwenVideoRule.QwenVlUtils
                ? Math.Floor(Math.Min(n, totalFrames) / FrameFactor) * FrameFactor
                : PyMath.RoundHalfEven(n / FrameFactor) * FrameFactor;
        }
        if (!(FrameFactor <= n && n <= totalFrames))
            throw PlanException.Config($"nframes should in interval [{FrameFactor}, {totalFrames}], but got {n:R}.");
        return (long)n;
    }

    /// <summary>
    /// Writes the frames qwen-vl-utils reads: <c>torch.linspace(0, total - 1, nframes).round().long()</c>, with torch's
    /// float32 CPU kernel (first half counted up from 0, second half back from the end) and half-even rounding.
    /// <paramref name="destination"/> needs <see cref="QwenVideoPlan.NFrames"/> elements; returns how many were written.
    /// </summary>
    public static int WriteFrameIndices(in QwenVideoPlan plan, Span<long> destination) =>
        WriteLinspaceIndices(plan.TotalFrames, plan.NFrames, destination);

    /// <summary>
    /// <c>torch.linspace(0, total - 1, count).round().long()</c> in float32 as torch's CPU kernel computes it
    /// (<c>step = (end - start) / (count - 1)</c>; <c>start + step·i</c> below <c>count / 2</c>, <c>end - step·(count - 1 - i)</c> from there).
    /// </summary>
    public static int WriteLinspaceIndices(int totalFrames, long count, Span<long> destination)
    {
        if (count < 0 || count > destination.Length)
            throw new ArgumentException($"The destination holds {destination.Length} indices; {count} are needed.", nameof(destination));
        if (count == 0) return 0;
        float start = 0f, end = totalFrames - 1;
        if (count == 1)
        {
            destination[0] = (long)PyMath.RoundHalfEven(start);
            return 1;
        }
        float step = (float)((float)(end - start) / (float)(count - 1));
        long half = count / 2;
        for (long i = 0; i < count; i++)
        {
            float value = i < half
                ? (float)(start + (float)(step * (float)i))
                : (float)(end - (float)(step * (float)(count - i - 1)));
            destination[(int)i] = (long)PyMath.RoundHalfEven(value);
        }
        return (int)count;
    }

    /// <summary>
    /// Temporal groups the processor actually produces for <paramref name="frames"/> frames: it repeats the last frame up to
    /// a multiple of <paramref name="temporalPatchSize"/>, so <c>ceil(frames / tps)</c> (the count helper
    /// <c>get_num_of_video_patches</c> floors instead, and undercounts odd frame counts).
    /// </summary>
    public static long PaddedTemporalGroups(long frames, int temporalPatchSize)
    {
        if (temporalPatchSize < 1) throw PlanException.Config($"temporal_patch_size must be at least 1, got {temporalPatchSize}.");
        if (frames < 0) throw PlanException.Config($"frame count must not be negative, got {frames}.");
        return frames / temporalPatchSize + (frames % temporalPatchSize == 0 ? 0 : 1);
    }

    /// <summary>
    /// The one token count of a video: LLM positions it occupies (<c>&lt;|video_pad|&gt;</c> × tokens plus
    /// <c>&lt;|vision_start|&gt;</c> and <c>&lt;|vision_end|&gt;</c>).
    /// </summary>
    public static long CountTokens(in QwenVideoPlan plan) => plan.Tokens + 2;

    /// <summary>
    /// transformers <c>Qwen2VLVideoProcessor.sample_frames</c>: with <paramref name="numFrames"/>,
    /// <c>round(num_frames / tps) · tps</c>; with <paramref name="fps"/>, <c>total / video_fps · fps</c> clamped to
    /// <c>[min_frames, floor(min(max_frames, total) / tps) · tps]</c> and to total, floored to a multiple of tps.
    /// </summary>
    /// <exception cref="PlanException">Both or neither of fps and num_frames (upstream: ValueError / TypeError), no video fps
    /// for fps sampling, more frames than the video has, or zero frames (upstream divides by it).</exception>
    public static HfVideoSample SampleFrames(int totalFrames, double? videoFps, double? fps, long? numFrames,
        int temporalPatchSize = 2, long minFrames = 4, long maxFrames = 768)
    {
        if (fps.HasValue && numFrames.HasValue)
            throw PlanException.Config("`num_frames` and `fps` are mutually exclusive arguments, please use only one!");
        if (temporalPatchSize < 1) throw PlanException.Config($"temporal_patch_size must be at least 1, got {temporalPatchSize}.");
        if (totalFrames < 0) throw PlanException.Config($"total_num_frames must not be negative, got {totalFrames}.");
        double n;
        if (numFrames is long requested)
        {
            n = PyMath.RoundHalfEven(requested / (double)temporalPatchSize) * temporalPatchSize;
        }
        else if (fps is double target)
        {
            if (!(videoFps is double sourceFps) || !(sourceFps > 0))
                throw PlanException.Config("Asked to sample `fps` frames per second but no video metadata (fps) was provided.");
            double cap = Math.Floor(Math.Min(maxFrames, totalFrames) / (double)temporalPatchSize) * temporalPatchSize;
            n = totalFrames / sourceFps * target;
            n = Math.Min(Math.Min(Math.Max(n, minFrames), cap), totalFrames);
            n = Math.Floor(n / temporalPatchSize) * temporalPatchSize;
        }
        else
        {
            throw PlanException.Config("sample_frames needs fps or num_frames (upstream compares None with an int: TypeError).");
        }
        if (n > totalFrames)
            throw PlanException.Config($"Video can't be sampled. The inferred `num_frames={n:R}` exceeds `total_num_frames={totalFrames}`.");
        if (n == 0)
            throw PlanException.Config("sample_frames settled on 0 frames: upstream's arange step total / 0 raises ZeroDivisionError.");
        if (n < 0) throw PlanException.Config($"num_frames must not be negative, got {n:R}.");
        long count = FrameSampling.FloatArangeLength(totalFrames, (long)n);
        double sampledFps = count / (double)totalFrames * (videoFps ?? double.NaN);
        return new HfVideoSample(totalFrames, (long)n, count, sampledFps, temporalPatchSize);
    }

    /// <summary>
    /// Writes <c>torch.arange(0, total, total / n).int()</c>: float32 values <c>i · step</c> truncated. Needs
    /// <see cref="HfVideoSample.IndexCount"/> elements; returns how many were written.
    /// </summary>
    public static int WriteSampledIndices(in HfVideoSample sample, Span<long> destination) =>
        FrameSampling.WriteFloatArangeIndices(sample.TotalFrames, sample.NFrames, destination);

}

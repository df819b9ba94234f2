using System;

namespace Tessera.Planning;

/// <summary>The totals of a planned LLaVA-OneVision request.</summary>
public readonly struct LlavaOneVisionRequestPlan
{
    internal LlavaOneVisionRequestPlan(long imageTokens, long videoTokens, in ContextBudget budget, long? frameCap)
    {
        ImageTokens = imageTokens;
        VideoTokens = videoTokens;
        Budget = budget;
        FrameCap = frameCap;
    }

    /// <summary>Positions of all images.</summary>
    public long ImageTokens { get; }

    /// <summary>Positions of all videos.</summary>
    public long VideoTokens { get; }

    /// <summary>The context planned against.</summary>
    public ContextBudget Budget { get; }

    /// <summary>The prompt's length: text + images + videos.</summary>
    public long TotalTokens => Budget.TextTokens + ImageTokens + VideoTokens;

    /// <summary>Whether prompt plus reserve fit the context.</summary>
    public bool Fits => Budget.Fits(ImageTokens + VideoTokens);

    /// <summary>The most frames any video was planned with, or <c>null</c> when no cap was applied.</summary>
    public long? FrameCap { get; }
}

/// <summary>
/// Whole-request planning for LLaVA-OneVision: one sample's images (tiled when alone, padded squares of one crop each when
/// several: strategies.md §4.4) and its videos (<c>frames · 196 + 1</c>), totalled against the context. Images have a
/// fixed cost under the released configuration, so fitting lowers one frame cap shared by every video; the caller then
/// samples that many frames (<see cref="LlavaOneVisionVideo.SampleUniform"/>). Plans go to caller spans; nothing is
/// allocated.
/// </summary>
public static class LlavaOneVisionRequest
{
    /// <summary>Plans the images and videos as given (videos capped at <paramref name="frameCap"/> frames when given).</summary>
    /// <param name="images">The sample's images, by oriented size.</param>
    /// <param name="videoFrames">Frames the caller means to feed for each video.</param>
    /// <param name="options">The checkpoint's options.</param>
    /// <param name="budget">The context and what shares it.</param>
    /// <param name="frameCap">At most this many frames per video (at least 1), or <c>null</c>.</param>
    /// <param name="imagePlans">Receives one plan per image.</param>
    /// <param name="videoPlans">Receives one plan per video.</param>
    /// <exception cref="PlanException">A bad size, frame count, cap or budget.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than its input.</exception>
    public static LlavaOneVisionRequestPlan Plan(ReadOnlySpan<(int Width, int Height)> images, ReadOnlySpan<long> videoFrames,
        LlavaOneVisionOptions options, in ContextBudget budget, long? frameCap, Span<LlavaOneVisionImagePlan> imagePlans,
        Span<LlavaOneVisionVideoPlan> videoPlans)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        budget.Validate();
        if (frameCap is long cap && cap < 1) throw PlanException.Config($"the frame cap must be at least 1, got {cap}.");
        if (videoPlans.Length < videoFrames.Length)
            throw new ArgumentException($"The destination holds {videoPlans.Length} video plans; {videoFrames.Length} are needed.", nameof(videoPlans));
        LlavaOneVision.PlanSample(images, options, imagePlans);
        long imageTokens = 0;
        for (int i = 0; i < images.Length; i++) imageTokens = ContextBudget.AddPositions(imageTokens, LlavaOneVision.CountTokens(imagePlans[i]));
        long videoTokens = 0;
        for (int i = 0; i < videoFrames.Length; i++)
        {
            long frames = frameCap is long c ? Math.Min(videoFrames[i], c) : videoFrames[i];
            videoPlans[i] = LlavaOneVisionVideo.Plan(frames, options);
            videoTokens = ContextBudget.AddPositions(videoTokens, LlavaOneVisionVideo.CountTokens(videoPlans[i]));
        }
        return new LlavaOneVisionRequestPlan(imageTokens, videoTokens, budget, frameCap);
    }

    /// <summary>
    /// Plans the request as given when it fits; otherwise under the largest frame cap that fits (found by bisection: a
    /// video's positions grow with its frames).
    /// </summary>
    /// <exception cref="PlanException"><see cref="PlanError.BudgetExceeded"/> when the images with one frame per video are
    /// over budget; otherwise as <see cref="Plan"/>.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than its input.</exception>
    public static LlavaOneVisionRequestPlan Fit(ReadOnlySpan<(int Width, int Height)> images, ReadOnlySpan<long> videoFrames,
        LlavaOneVisionOptions options, in ContextBudget budget, Span<LlavaOneVisionImagePlan> imagePlans, Span<LlavaOneVisionVideoPlan> videoPlans)
    {
        var plan = Plan(images, videoFrames, options, budget, null, imagePlans, videoPlans);
        if (plan.Fits) return plan;
        long longest = 0;
        foreach (long frames in videoFrames) longest = Math.Max(longest, frames);
        var smallest = Plan(images, videoFrames, options, budget, 1, imagePlans, videoPlans);
        if (!smallest.Fits)
            throw budget.OverBudget($"{images.Length} images and {videoFrames.Length} videos of one frame", smallest.ImageTokens + smallest.VideoTokens);
        long lo = 1, hi = longest; // invariant: lo fits
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (Plan(images, videoFrames, options, budget, mid, imagePlans, videoPlans).Fits) lo = mid;
            else hi = mid - 1;
        }
        return Plan(images, videoFrames, options, budget, lo, imagePlans, videoPlans);
    }
}

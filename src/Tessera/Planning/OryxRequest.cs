using System;

namespace Tessera.Planning;

/// <summary>One video of an Oryx request, by its source frames and size.</summary>
public readonly struct OryxVideoItem
{
    /// <summary>Creates a video item.</summary>
    /// <exception cref="PlanException"><paramref name="modality"/> is outside its declared members (an
    /// <see cref="OryxModality.Image"/> is accepted here and rejected when the video is planned).</exception>
    public OryxVideoItem(int totalFrames, int width, int height, OryxModality modality = OryxModality.Video)
    {
        PlanEnums.Check(modality);
        TotalFrames = totalFrames;
        Width = width;
        Height = height;
        Modality = modality;
    }

    /// <summary>Frames in the source clip.</summary>
    public int TotalFrames { get; }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary><see cref="OryxModality.Video"/> (4× compression) or <see cref="OryxModality.VideoLong"/> (16×).</summary>
    public OryxModality Modality { get; }
}

/// <summary>The totals of a planned Oryx request.</summary>
public readonly struct OryxRequestPlan
{
    internal OryxRequestPlan(long imageTokens, long videoTokens, in ContextBudget budget, int? frameCap, OryxSequenceCap sequence)
    {
        ImageTokens = imageTokens;
        VideoTokens = videoTokens;
        Budget = budget;
        FrameCap = frameCap;
        Sequence = sequence;
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
    public int? FrameCap { get; }

    /// <summary>What the model keeps of the prompt under <see cref="OryxOptions.ModelMaxLength"/> (upstream truncates
    /// silently; a plan that fits a context within that length is never cut).</summary>
    public OryxSequenceCap Sequence { get; }
}

/// <summary>
/// Whole-request planning for Oryx: images (1×, fixed cost for the options) and videos (4× or 16× compression) totalled
/// against the context; fitting lowers one frame cap shared by every video, the knob Oryx itself exposes
/// (<c>frames_upbound</c> / <c>max_frames_num</c>). Plans go to caller spans; nothing is allocated.
/// </summary>
public static class OryxRequest
{
    /// <summary>Plans the images and videos, each video with at most <paramref name="frameCap"/> frames when given.</summary>
    /// <exception cref="PlanException">A bad size, option, cap or budget, as <see cref="Oryx.PlanImage"/> and
    /// <see cref="Oryx.PlanVideo"/> raise them.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than its input.</exception>
    public static OryxRequestPlan Plan(ReadOnlySpan<(int Width, int Height)> images, ReadOnlySpan<OryxVideoItem> videos, OryxOptions options,
        in ContextBudget budget, int? frameCap, Span<OryxImagePlan> imagePlans, Span<OryxVideoPlan> videoPlans)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        budget.Validate();
        if (frameCap is int cap && cap < 1) throw PlanException.Config($"the frame cap must be at least 1, got {cap}.");
        if (imagePlans.Length < images.Length)
            throw new ArgumentException($"The destination holds {imagePlans.Length} image plans; {images.Length} are needed.", nameof(imagePlans));
        if (videoPlans.Length < videos.Length)
            throw new ArgumentException($"The destination holds {videoPlans.Length} video plans; {videos.Length} are needed.", nameof(videoPlans));
        long imageTokens = 0, videoTokens = 0;
        for (int i = 0; i < images.Length; i++)
        {
            imagePlans[i] = Oryx.PlanImage(images[i].Width, images[i].Height, options);
            imageTokens = ContextBudget.AddPositions(imageTokens, Oryx.CountTokens(imagePlans[i]));
        }
        for (int i = 0; i < videos.Length; i++)
        {
            var v = videos[i];
            var plan = Oryx.PlanVideo(v.TotalFrames, v.Width, v.Height, options, null, v.Modality);
            if (frameCap is int c && plan.Frames > c) plan = Oryx.PlanVideo(v.TotalFrames, v.Width, v.Height, options, c, v.Modality);
            videoPlans[i] = plan;
            videoTokens = ContextBudget.AddPositions(videoTokens, Oryx.CountTokens(plan));
        }
        var sequence = Oryx.CapSequence(ContextBudget.AddPositions(budget.TextTokens, ContextBudget.AddPositions(imageTokens, videoTokens)), options);
        return new OryxRequestPlan(imageTokens, videoTokens, budget, frameCap, sequence);
    }

    /// <summary>
    /// Plans the request as given when it fits; otherwise under the largest frame cap that fits (bisection: a video's
    /// positions grow with its frames).
    /// </summary>
    /// <exception cref="PlanException"><see cref="PlanError.BudgetExceeded"/> when the images with one frame per video are
    /// over budget; otherwise as <see cref="Plan"/>.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than its input.</exception>
    public static OryxRequestPlan Fit(ReadOnlySpan<(int Width, int Height)> images, ReadOnlySpan<OryxVideoItem> videos, OryxOptions options,
        in ContextBudget budget, Span<OryxImagePlan> imagePlans, Span<OryxVideoPlan> videoPlans)
    {
        var plan = Plan(images, videos, options, budget, null, imagePlans, videoPlans);
        if (plan.Fits) return plan;
        int longest = 0;
        for (int i = 0; i < videos.Length; i++) longest = Math.Max(longest, videoPlans[i].Frames);
        var smallest = Plan(images, videos, options, budget, 1, imagePlans, videoPlans);
        if (!smallest.Fits)
            throw budget.OverBudget($"{images.Length} images and {videos.Length} videos of one frame", smallest.ImageTokens + smallest.VideoTokens);
        int lo = 1, hi = longest; // invariant: lo fits
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (Plan(images, videos, options, budget, mid, imagePlans, videoPlans).Fits) lo = mid;
            else hi = mid - 1;
        }
        return Plan(images, videos, options, budget, lo, imagePlans, videoPlans);
    }
}

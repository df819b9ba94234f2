using System;

namespace Tessera.Planning;

/// <summary>What a request item is.</summary>
public enum QwenMediaKind
{
    /// <summary>A still image, planned by <see cref="QwenNativeResolution"/>.</summary>
    Image,
    /// <summary>A video, planned by <see cref="QwenVideo"/> (qwen-vl-utils).</summary>
    Video,
}

/// <summary>One image or video of a Qwen2-VL / Qwen2.5-VL request, by its source size (and, for a video, its frames).</summary>
public readonly struct QwenMediaItem
{
    private QwenMediaItem(QwenMediaKind kind, int width, int height, int totalFrames, double videoFps, QwenVideoRequest video)
    {
        Kind = kind;
        Width = width;
        Height = height;
        TotalFrames = totalFrames;
        VideoFps = videoFps;
        VideoRequest = video;
    }

    /// <summary>An image of <paramref name="width"/>×<paramref name="height"/> pixels (after EXIF orientation).</summary>
    public static QwenMediaItem Image(int width, int height) => new(QwenMediaKind.Image, width, height, 1, 0, default);

    /// <summary>A video of <paramref name="totalFrames"/> frames of <paramref name="width"/>×<paramref name="height"/> at
    /// <paramref name="videoFps"/>, with the caller's qwen-vl-utils element settings.</summary>
    public static QwenMediaItem Video(int width, int height, int totalFrames, double videoFps, QwenVideoRequest request = default) =>
        new(QwenMediaKind.Video, width, height, totalFrames, videoFps, request);

    /// <summary>Image or video.</summary>
    public QwenMediaKind Kind { get; }

    /// <summary>Source width in pixels.</summary>
    public int Width { get; }

    /// <summary>Source height in pixels.</summary>
    public int Height { get; }

    /// <summary>Frames in the source video (1 for an image).</summary>
    public int TotalFrames { get; }

    /// <summary>The video's frame rate (0 for an image).</summary>
    public double VideoFps { get; }

    /// <summary>The caller's video element (fps or nframes, frame and pixel bounds); <c>default</c> for an image.</summary>
    public QwenVideoRequest VideoRequest { get; }
}

/// <summary>Which knob <see cref="QwenRequest.Fit"/> turns first when a request is over budget.</summary>
public enum QwenFitOrder
{
    /// <summary>Lower the pixel cap first (what qwen-vl-utils does for one video: fewer pixels per frame, same frame rate);
    /// only when every item is at its minimum pixels, lower the frame cap.</summary>
    ResolutionFirst,
    /// <summary>Lower the frame cap first (keep detail, sample fewer frames); then the pixel cap.</summary>
    FramesFirst,
}

/// <summary>How a whole Qwen request is planned: the context it must fit, the text it shares the context with, the image
/// options and the video rule.</summary>
public readonly struct QwenRequestOptions
{
    /// <summary>Creates request options.</summary>
    /// <param name="contextLength">The model's context window in tokens (32 768 for the released Qwen2-VL / Qwen2.5-VL).</param>
    /// <param name="textTokens">Tokens of everything that is not a vision block: chat template, prompt text, system prompt.</param>
    /// <param name="reservedTokens">Tokens kept free for the answer (max new tokens).</param>
    /// <param name="image">Image planning options; <c>null</c> means the released checkpoint configuration.</param>
    /// <param name="videoRule">Which qwen-vl-utils video rule to follow.</param>
    /// <param name="order">Which knob <see cref="QwenRequest.Fit"/> turns first.</param>
    public QwenRequestOptions(long contextLength, long textTokens = 0, long reservedTokens = 0, QwenVisionOptions? image = null,
        QwenVideoRule videoRule = QwenVideoRule.QwenVlUtils, QwenFitOrder order = QwenFitOrder.ResolutionFirst)
    {
        Budget = new ContextBudget(contextLength, textTokens, reservedTokens);
        Image = image ?? QwenVisionOptions.Checkpoint;
        VideoRule = videoRule;
        Order = order;
    }

    /// <summary>The context window and what shares it.</summary>
    public ContextBudget Budget { get; }

    /// <summary>The context window in tokens.</summary>
    public long ContextLength => Budget.ContextLength;

    /// <summary>Tokens outside vision blocks.</summary>
    public long TextTokens => Budget.TextTokens;

    /// <summary>Tokens kept free for the answer.</summary>
    public long ReservedTokens => Budget.ReservedTokens;

    /// <summary>Image planning options (their <see cref="QwenVisionOptions.MaxPixels"/> is the uncapped image budget).</summary>
    public QwenVisionOptions Image { get; }

    /// <summary>The qwen-vl-utils video rule.</summary>
    public QwenVideoRule VideoRule { get; }

    /// <summary>Which knob fitting turns first.</summary>
    public QwenFitOrder Order { get; }

    /// <summary>Tokens vision blocks may take: context − text − reserved.</summary>
    public long VisionBudget => Budget.VisionBudget;

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        Budget.Validate();
        if (Order != QwenFitOrder.ResolutionFirst && Order != QwenFitOrder.FramesFirst) throw PlanException.Config($"unknown fit order {Order}.");
        Image.Validate();
    }
}

/// <summary>
/// Caps applied uniformly to every item of a request: no item is planned with more than <see cref="MaxPixels"/> pixels
/// (per frame for a video, never below the item's own minimum), and no video samples more than <see cref="MaxFrames"/>
/// frames (never below 2). Large items shrink first; items already under a cap keep their plan.
/// </summary>
public readonly struct QwenRequestCaps : IEquatable<QwenRequestCaps>
{
    /// <summary>Creates caps; <c>null</c> means uncapped.</summary>
    public QwenRequestCaps(long? maxPixels = null, long? maxFrames = null)
    {
        MaxPixels = maxPixels;
        MaxFrames = maxFrames;
    }

    /// <summary>No caps: every item as its own options ask.</summary>
    public static QwenRequestCaps None => default;

    /// <summary>Pixel cap per image / per video frame, or <c>null</c>.</summary>
    public long? MaxPixels { get; }

    /// <summary>Frame cap per video, or <c>null</c>.</summary>
    public long? MaxFrames { get; }

    /// <inheritdoc/>
    public bool Equals(QwenRequestCaps other) => MaxPixels == other.MaxPixels && MaxFrames == other.MaxFrames;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is QwenRequestCaps c && Equals(c);

    /// <inheritdoc/>
    public override int GetHashCode() => (MaxPixels ?? -1).GetHashCode() * 397 ^ (MaxFrames ?? -1).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"pixels ≤ {MaxPixels?.ToString() ?? "∞"}, frames ≤ {MaxFrames?.ToString() ?? "∞"}";
}

/// <summary>The plan of one request item: the size its pixels are resized to, its grid and its tokens.</summary>
public readonly struct QwenItemPlan
{
    internal QwenItemPlan(QwenMediaKind kind, long resizedWidth, long resizedHeight, long frames, GridThw grid, double maxPixels,
        double? secondPerGridT, long tokens, long positions)
    {
        Kind = kind;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        Frames = frames;
        Grid = grid;
        MaxPixels = maxPixels;
        SecondPerGridT = secondPerGridT;
        Tokens = tokens;
        Positions = positions;
    }

    /// <summary>Image or video.</summary>
    public QwenMediaKind Kind { get; }

    /// <summary>Width the image (or every frame) is resized to.</summary>
    public long ResizedWidth { get; }

    /// <summary>Height the image (or every frame) is resized to.</summary>
    public long ResizedHeight { get; }

    /// <summary>Frames sampled (1 for an image).</summary>
    public long Frames { get; }

    /// <summary><c>(t, h, w)</c> in patches, as <c>image_grid_thw</c> / <c>video_grid_thw</c> and <see cref="QwenRope"/> take it.</summary>
    public GridThw Grid { get; }

    /// <summary>The <c>max_pixels</c> the resize used: pass it on (image options or the video element) to preprocess pixels
    /// that match this plan.</summary>
    public double MaxPixels { get; }

    /// <summary>A video's seconds per temporal group (Qwen2.5-VL's <c>second_per_grid_ts</c>); <c>null</c> for an image.</summary>
    public double? SecondPerGridT { get; }

    /// <summary>Pad tokens of the block (<c>&lt;|image_pad|&gt;</c> or <c>&lt;|video_pad|&gt;</c>).</summary>
    public long Tokens { get; }

    /// <summary>LLM positions of the block, markers included: the strategy's one token count.</summary>
    public long Positions { get; }
}

/// <summary>The totals of a planned request.</summary>
public readonly struct QwenRequestPlan
{
    internal QwenRequestPlan(int items, long textTokens, long visionTokens, long contextLength, long reservedTokens, QwenRequestCaps caps)
    {
        Items = items;
        TextTokens = textTokens;
        VisionTokens = visionTokens;
        ContextLength = contextLength;
        ReservedTokens = reservedTokens;
        Caps = caps;
    }

    /// <summary>Item plans written.</summary>
    public int Items { get; }

    /// <summary>Tokens outside vision blocks (as given).</summary>
    public long TextTokens { get; }

    /// <summary>Positions of all vision blocks, markers included.</summary>
    public long VisionTokens { get; }

    /// <summary>The prompt's length: text + vision.</summary>
    public long TotalTokens => TextTokens + VisionTokens;

    /// <summary>The context window planned against.</summary>
    public long ContextLength { get; }

    /// <summary>Tokens kept free for the answer.</summary>
    public long ReservedTokens { get; }

    /// <summary>Whether prompt plus reserve fit the context.</summary>
    public bool Fits => TotalTokens + ReservedTokens <= ContextLength;

    /// <summary>The caps every item was planned under (<see cref="QwenRequestCaps.None"/> when nothing had to give).</summary>
    public QwenRequestCaps Caps { get; }
}

/// <summary>
/// Whole-request planning for Qwen2-VL / Qwen2.5-VL: plans every image and video of a request, totals the positions against
/// the context window, and — what qwen-vl-utils does for one video with its total pixel budget — lowers resolution or frame
/// count across the request until it fits. Item plans are written to a caller span; nothing is allocated.
/// </summary>
public static class QwenRequest
{
    /// <summary>Plans every item as given (no fitting) and reports whether the request fits.</summary>
    /// <exception cref="PlanException">Bad options, or an item upstream itself rejects (see <see cref="QwenNativeResolution.Plan"/>,
    /// <see cref="QwenVideo.Plan"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Plan(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, Span<QwenItemPlan> destination) =>
        Plan(items, options, QwenRequestCaps.None, destination);

    /// <summary>Plans every item under <paramref name="caps"/> and reports whether the request fits.</summary>
    /// <exception cref="PlanException">Bad options or caps, or an item upstream itself rejects.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Plan(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, in QwenRequestCaps caps,
        Span<QwenItemPlan> destination)
    {
        options.Validate();
        if (caps.MaxPixels is long p && p < 1) throw PlanException.Config($"the pixel cap must be positive, got {p}.");
        if (caps.MaxFrames is long f && f < 2) throw PlanException.Config($"the frame cap must be at least 2 (one temporal patch), got {f}.");
        if (destination.Length < items.Length)
            throw new ArgumentException($"The destination holds {destination.Length} item plans; {items.Length} are needed.", nameof(destination));
        long vision = 0;
        for (int i = 0; i < items.Length; i++)
        {
            destination[i] = PlanItem(items[i], options, caps);
            vision += destination[i].Positions;
        }
        return new QwenRequestPlan(items.Length, options.TextTokens, vision, options.ContextLength, options.ReservedTokens, caps);
    }

    /// <summary>
    /// Plans the request so that it fits the context: as given when it already does; otherwise under the largest uniform
    /// caps that fit, found in <see cref="QwenRequestOptions.Order"/> — the pixel cap by bisection (an item's tokens never
    /// grow as its <c>max_pixels</c> shrinks, so the cap found is the largest that fits), the frame cap by trying every even
    /// count from the longest video down (fewer frames can give each frame more pixels under the total budget, so tokens are
    /// not monotone in frames).
    /// </summary>
    /// <exception cref="PlanException"><see cref="PlanError.BudgetExceeded"/> when even the smallest plan (every item at its
    /// minimum pixels, 2 frames per video) is over budget; bad options; an item upstream rejects.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Fit(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, Span<QwenItemPlan> destination)
    {
        var plan = Plan(items, options, QwenRequestCaps.None, destination);
        if (plan.Fits) return plan;
        long budget = options.VisionBudget;
        long pixelFloor = long.MaxValue, pixelCeiling = 0, frameCeiling = 0;
        for (int i = 0; i < items.Length; i++)
        {
            pixelFloor = Math.Min(pixelFloor, MinPixels(items[i], options));
            pixelCeiling = Math.Max(pixelCeiling, (long)Math.Ceiling(destination[i].MaxPixels));
            if (items[i].Kind == QwenMediaKind.Video) frameCeiling = Math.Max(frameCeiling, destination[i].Frames);
        }
        pixelFloor = Math.Max(1, Math.Min(pixelFloor, pixelCeiling));
        bool framesFirst = options.Order == QwenFitOrder.FramesFirst && frameCeiling > 2;
        QwenRequestCaps caps;
        if (framesFirst)
        {
            long? frames = LargestFrameCap(items, options, null, frameCeiling, budget, destination);
            caps = frames is long f
                ? new QwenRequestCaps(null, f)
                : new QwenRequestCaps(LargestPixelCap(items, options, 2, pixelFloor, pixelCeiling, budget, destination) ?? throw OverBudget(items, options, pixelFloor, destination), 2);
        }
        else
        {
            long? pixels = LargestPixelCap(items, options, null, pixelFloor, pixelCeiling, budget, destination);
            caps = pixels is long p
                ? new QwenRequestCaps(p, null)
                : new QwenRequestCaps(pixelFloor, (frameCeiling > 2 ? LargestFrameCap(items, options, pixelFloor, frameCeiling, budget, destination) : null)
                    ?? throw OverBudget(items, options, pixelFloor, destination));
        }
        return Plan(items, options, caps, destination);
    }

    /// <summary>The largest pixel cap in [floor, ceiling] whose plan fits, or <c>null</c> when the floor does not fit.</summary>
    private static long? LargestPixelCap(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, long? frameCap, long floor, long ceiling,
        long budget, Span<QwenItemPlan> scratch)
    {
        if (VisionTokens(items, options, new QwenRequestCaps(floor, frameCap), scratch) > budget) return null;
        long lo = floor, hi = ceiling; // invariant: lo fits
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (VisionTokens(items, options, new QwenRequestCaps(mid, frameCap), scratch) <= budget) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>The largest even frame cap in [2, ceiling] whose plan fits, or <c>null</c> when none does.</summary>
    private static long? LargestFrameCap(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, long? pixelCap, long ceiling,
        long budget, Span<QwenItemPlan> scratch)
    {
        for (long frames = ceiling - ceiling % 2; frames >= 2; frames -= 2)
            if (VisionTokens(items, options, new QwenRequestCaps(pixelCap, frames), scratch) <= budget) return frames;
        return null;
    }

    private static long VisionTokens(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, in QwenRequestCaps caps, Span<QwenItemPlan> scratch) =>
        Plan(items, options, caps, scratch).VisionTokens;

    private static PlanException OverBudget(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, long pixelFloor, Span<QwenItemPlan> scratch)
    {
        long smallest = VisionTokens(items, options, new QwenRequestCaps(pixelFloor, 2), scratch);
        return options.Budget.OverBudget($"at minimum resolution and 2 frames per video its {items.Length} items", smallest);
    }

    private static long MinPixels(in QwenMediaItem item, in QwenRequestOptions options) =>
        item.Kind == QwenMediaKind.Image ? options.Image.MinPixels : item.VideoRequest.MinPixels ?? QwenVideo.DefaultMinPixels;

    private static QwenItemPlan PlanItem(in QwenMediaItem item, in QwenRequestOptions options, in QwenRequestCaps caps)
    {
        if (item.Kind == QwenMediaKind.Image)
        {
            var image = options.Image;
            long maxPixels = image.MaxPixels;
            if (caps.MaxPixels is long cap) maxPixels = Math.Max(image.MinPixels, Math.Min(maxPixels, cap));
            var capped = new QwenVisionOptions(image.PatchSize, image.MergeSize, image.MinPixels, maxPixels, image.Rule, image.TemporalPatchSize);
            var plan = QwenNativeResolution.Plan(item.Width, item.Height, capped);
            return new QwenItemPlan(QwenMediaKind.Image, plan.ResizedWidth, plan.ResizedHeight, 1,
                new GridThw(1, checked((int)plan.GridH), checked((int)plan.GridW)), maxPixels, null, plan.Tokens, QwenNativeResolution.CountTokens(plan));
        }
        if (item.Kind != QwenMediaKind.Video) throw PlanException.Config($"unknown media kind {item.Kind}.");
        var request = item.VideoRequest;
        if (caps.MaxFrames is long frameCap) request = WithFrameCap(request, frameCap, item.TotalFrames);
        var video = QwenVideo.Plan(item.TotalFrames, item.VideoFps, item.Width, item.Height, request, options.VideoRule);
        if (caps.MaxPixels is long pixelCap && request.ResizedHeight is null)
        {
            // Lower the per-frame budget only where the cap is below it (0.0.8 lets a given max_pixels replace the computed
            // budget outright, so passing a higher cap would raise it), and never below the element's minimum (0.0.10+ asserts).
            double capped = Math.Max(pixelCap, request.MinPixels ?? QwenVideo.DefaultMinPixels);
            if (video.ResizeMaxPixels > capped)
            {
                request = new QwenVideoRequest(request.Fps, request.NFrames, request.MinFrames, request.MaxFrames, request.MinPixels, capped,
                    request.TotalPixels, request.ResizedHeight, request.ResizedWidth);
                video = QwenVideo.Plan(item.TotalFrames, item.VideoFps, item.Width, item.Height, request, options.VideoRule);
            }
        }
        return new QwenItemPlan(QwenMediaKind.Video, video.ResizedWidth, video.ResizedHeight, video.NFrames,
            new GridThw(checked((int)video.GridT), checked((int)video.GridH), checked((int)video.GridW)), video.ResizeMaxPixels,
            video.SecondPerGridT, video.Tokens, QwenVideo.CountTokens(video));
    }

    /// <summary>The element with at most <paramref name="cap"/> frames: <c>nframes</c> lowered when given, otherwise
    /// <c>max_frames</c> (whose default is <c>min(768, total)</c>).</summary>
    private static QwenVideoRequest WithFrameCap(in QwenVideoRequest r, long cap, int totalFrames)
    {
        long? nFrames = r.NFrames, maxFrames = r.MaxFrames;
        if (nFrames is long n) nFrames = Math.Min(n, cap);
        else maxFrames = Math.Min(maxFrames ?? Math.Min(QwenVideo.DefaultMaxFrames, totalFrames), cap);
        return new QwenVideoRequest(r.Fps, nFrames, r.MinFrames, maxFrames, r.MinPixels, r.MaxPixels, r.TotalPixels, r.ResizedHeight, r.ResizedWidth);
    }
}

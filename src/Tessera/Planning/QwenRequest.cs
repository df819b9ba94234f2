using System;

namespace Tessera.Planning;

/// <summary>What a request item is.</summary>
public enum QwenMediaKind
{
    /// <summary>A still image, planned by <see cref="QwenNativeResolution"/>.</summary>
    Image,
    /// <summary>A video, planned by <see cref="QwenVideo"/> (qwen-vl-utils).</summary>
    Video,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
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
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
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
    /// <exception cref="PlanException">A bad budget, a <see cref="VideoRule"/> or <see cref="Order"/> outside its declared
    /// members, or bad image options (<see cref="QwenVisionOptions.Validate"/>).</exception>
    public void Validate()
    {
        Budget.Validate();
        PlanEnums.Check(VideoRule);
        PlanEnums.Check(Order);
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
    /// that match this plan. A video whose element gives <c>resized_height</c>/<c>resized_width</c> is resized to those
    /// instead (with the image bounds), and this is then the per-frame budget it would otherwise have had.</summary>
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
    internal QwenRequestPlan(int items, long imageTokens, long videoTokens, int emptyItems, in ContextBudget budget, QwenRequestCaps caps)
    {
        Items = items;
        ImageTokens = imageTokens;
        VideoTokens = videoTokens;
        EmptyItems = emptyItems;
        Budget = budget;
        Caps = caps;
    }

    /// <summary>Item plans written.</summary>
    public int Items { get; }

    /// <summary>Positions of all image blocks, markers included.</summary>
    public long ImageTokens { get; }

    /// <summary>Positions of all video blocks, markers included.</summary>
    public long VideoTokens { get; }

    /// <summary>Positions of all vision blocks.</summary>
    public long VisionTokens => ImageTokens + VideoTokens;

    /// <summary>Items resized to a zero side (qwen-vl-utils' shrink branch has no lower clamp, so a very thin item at a low
    /// pixel budget gets one); upstream cannot process them, so a plan with any does not fit.</summary>
    public int EmptyItems { get; }

    /// <summary>The context planned against.</summary>
    public ContextBudget Budget { get; }

    /// <summary>Tokens outside vision blocks (as given).</summary>
    public long TextTokens => Budget.TextTokens;

    /// <summary>The prompt's length: text + vision.</summary>
    public long TotalTokens => TextTokens + VisionTokens;

    /// <summary>The context window planned against.</summary>
    public long ContextLength => Budget.ContextLength;

    /// <summary>Tokens kept free for the answer.</summary>
    public long ReservedTokens => Budget.ReservedTokens;

    /// <summary>Whether prompt plus reserve fit the context and every item has pixels.</summary>
    public bool Fits => EmptyItems == 0 && Budget.Fits(VisionTokens);

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
    /// <exception cref="PlanException">Bad options (see <see cref="QwenRequestOptions.Validate"/>), an item whose
    /// <see cref="QwenMediaItem.Kind"/> is not a declared member, or an item upstream itself rejects (see
    /// <see cref="QwenNativeResolution.Plan"/>, <see cref="QwenVideo.Plan"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Plan(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, Span<QwenItemPlan> destination) =>
        Plan(items, options, QwenRequestCaps.None, destination);

    /// <summary>Plans every item under <paramref name="caps"/> and reports whether the request fits.</summary>
    /// <exception cref="PlanException">Bad options or caps, an item whose <see cref="QwenMediaItem.Kind"/> is not a declared
    /// member, an item upstream itself rejects, or totals beyond 64 bits.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Plan(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, in QwenRequestCaps caps,
        Span<QwenItemPlan> destination)
    {
        options.Validate();
        if (caps.MaxPixels is long p && p < 1) throw PlanException.Config($"the pixel cap must be positive, got {p}.");
        if (caps.MaxFrames is long f && f < 2) throw PlanException.Config($"the frame cap must be at least 2 (one temporal patch), got {f}.");
        if (destination.Length < items.Length)
            throw new ArgumentException($"The destination holds {destination.Length} item plans; {items.Length} are needed.", nameof(destination));
        for (int i = 0; i < items.Length; i++) PlanEnums.Check(items[i].Kind); // before any plan is written
        long images = 0, videos = 0;
        int empty = 0;
        for (int i = 0; i < items.Length; i++)
        {
            var plan = destination[i] = PlanItem(items[i], options, caps);
            if (plan.ResizedWidth == 0 || plan.ResizedHeight == 0) empty++;
            if (plan.Kind == QwenMediaKind.Image) images = ContextBudget.AddPositions(images, plan.Positions);
            else videos = ContextBudget.AddPositions(videos, plan.Positions);
        }
        return new QwenRequestPlan(items.Length, images, videos, empty, options.Budget, caps);
    }

    /// <summary>
    /// Plans the request so that it fits the context: as given when it already does; otherwise under uniform caps found
    /// in <see cref="QwenRequestOptions.Order"/>.
    /// <list type="bullet">
    /// <item><see cref="QwenFitOrder.ResolutionFirst"/>: the largest pixel cap that fits with every frame kept; when none
    /// does, the most frames (an even cap, tried from the longest video down) for which some pixel cap fits, with the
    /// largest such pixel cap.</item>
    /// <item><see cref="QwenFitOrder.FramesFirst"/>: the most frames that fit at full resolution; when none do, the largest
    /// pixel cap that fits with 2 frames, then as many frames as fit under it.</item>
    /// </list>
    /// A reported pixel cap always binds some item: it is <c>null</c> when the frame cap alone brings the request within
    /// budget. Pixel caps are bisected: below the smallest cap at which every item keeps both sides (qwen-vl-utils can shrink a very
    /// thin item to a zero side), the largest cap whose plan fits. That is the largest of all when each item's positions
    /// shrink with its cap, as they do under both qwen-vl-utils rules and under transformers' rule for sides of at least the
    /// resize factor; transformers' clamp of a side under the factor up to the factor can make a lower cap cost a few more
    /// positions, and the cap found then fits but may not be the largest. Frame caps are tried one by one: fewer frames can
    /// give each frame more pixels under a total budget, so positions are not monotone in frames.
    /// </summary>
    /// <exception cref="PlanException"><see cref="PlanError.BudgetExceeded"/> when no caps fit (every item at its smallest
    /// usable resolution and 2 frames per video is over budget); bad options; an item whose kind is not a declared member;
    /// an item upstream rejects.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="items"/>.</exception>
    public static QwenRequestPlan Fit(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, Span<QwenItemPlan> destination)
    {
        var plan = Plan(items, options, QwenRequestCaps.None, destination);
        if (plan.Fits) return plan;
        long frameCeiling = 0;
        for (int i = 0; i < items.Length; i++)
            if (items[i].Kind == QwenMediaKind.Video) frameCeiling = Math.Max(frameCeiling, destination[i].Frames);
        QwenRequestCaps? caps = null;
        if (options.Order == QwenFitOrder.FramesFirst && frameCeiling > 2)
        {
            if (LargestFrameCap(items, options, null, frameCeiling, destination) is long frames)
                caps = new QwenRequestCaps(null, frames);
            else if (TryLargestPixelCap(items, options, 2, destination, out long? pixels))
                caps = new QwenRequestCaps(pixels, LargestFrameCap(items, options, pixels, frameCeiling, destination));
        }
        else
        {
            if (TryLargestPixelCap(items, options, null, destination, out long? pixels))
                caps = new QwenRequestCaps(pixels, null);
            else
                for (long frames = frameCeiling - frameCeiling % 2; frames >= 2 && caps is null; frames -= 2)
                    if (TryLargestPixelCap(items, options, frames, destination, out long? p)) caps = new QwenRequestCaps(p, frames);
        }
        if (caps is not QwenRequestCaps found)
        {
            var smallest = Plan(items, options, new QwenRequestCaps(PixelFloor(items, options), frameCeiling > 2 ? 2 : null), destination);
            throw options.Budget.OverBudget($"at their smallest resolution and 2 frames per video, the {items.Length} items"
                + (smallest.EmptyItems > 0 ? $" ({smallest.EmptyItems} of them shrunk to a zero side)" : ""), smallest.VisionTokens);
        }
        return Plan(items, options, found, destination);
    }

    /// <summary>
    /// Whether some pixel cap (with <paramref name="frameCap"/>) fits, and the largest that does in <paramref name="cap"/>:
    /// <c>null</c> when the frame cap alone fits, so that a reported cap always binds some item. Bisects first for the
    /// smallest cap at which no item has a zero side (sides only shrink with the cap), then for the largest cap above it
    /// within budget.
    /// </summary>
    private static bool TryLargestPixelCap(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, long? frameCap,
        Span<QwenItemPlan> scratch, out long? cap)
    {
        cap = null;
        var top = Plan(items, options, new QwenRequestCaps(null, frameCap), scratch);
        if (top.Fits) return true;
        if (top.EmptyItems > 0) return false;
        long ceiling = 1;
        for (int i = 0; i < items.Length; i++) ceiling = Math.Max(ceiling, (long)Math.Min(long.MaxValue / 2, Math.Ceiling(scratch[i].MaxPixels)));
        long floor = Math.Min(PixelFloor(items, options), ceiling);
        long lo = floor, hi = ceiling; // smallest cap without an empty item: hi has none
        while (lo < hi)
        {
            long mid = lo + (hi - lo) / 2;
            if (Plan(items, options, new QwenRequestCaps(mid, frameCap), scratch).EmptyItems == 0) hi = mid;
            else lo = mid + 1;
        }
        if (!Plan(items, options, new QwenRequestCaps(lo, frameCap), scratch).Fits) return false;
        hi = ceiling; // invariant: lo fits; the ceiling (every item's own budget) does not, since the uncapped plan does not
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (Plan(items, options, new QwenRequestCaps(mid, frameCap), scratch).Fits) lo = mid;
            else hi = mid - 1;
        }
        cap = lo;
        return true;
    }

    /// <summary>The largest even frame cap in [2, ceiling] whose plan fits, or <c>null</c> when none does.</summary>
    private static long? LargestFrameCap(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options, long? pixelCap, long ceiling,
        Span<QwenItemPlan> scratch)
    {
        for (long frames = ceiling - ceiling % 2; frames >= 2; frames -= 2)
            if (Plan(items, options, new QwenRequestCaps(pixelCap, frames), scratch).Fits) return frames;
        return null;
    }

    /// <summary>The smallest minimum pixels of any item: no cap below it changes a plan.</summary>
    private static long PixelFloor(ReadOnlySpan<QwenMediaItem> items, in QwenRequestOptions options)
    {
        long floor = long.MaxValue;
        foreach (var item in items) floor = Math.Min(floor, MinPixels(item, options));
        return Math.Max(1, floor);
    }

    private static long MinPixels(in QwenMediaItem item, in QwenRequestOptions options) =>
        item.Kind == QwenMediaKind.Image ? options.Image.MinPixels : item.VideoRequest.MinPixels ?? QwenVideo.DefaultMinPixels;

    private static QwenItemPlan PlanItem(in QwenMediaItem item, in QwenRequestOptions options, in QwenRequestCaps caps)
    {
        if (item.Kind == QwenMediaKind.Image)
        {
            var image = options.Image;
            long maxPixels = image.MaxPixels;
            if (caps.MaxPixels is long cap) maxPixels = Math.Min(maxPixels, Math.Max(cap, image.MinPixels)); // a cap never raises the budget
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

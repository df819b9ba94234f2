using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Whole-request planning: item plans are the strategies' own plans, fitting never exceeds the declared budget and finds
/// the largest cap that fits, and the M-RoPE ids of a planned request behave as §1.7 states.
/// </summary>
public class QwenRequestTests
{
    private static readonly Config Runs = PropertyRuns.Of(250);

    private static Gen<QwenMediaItem> ImageGen => Gen.Frequency(
        (4, from w in Gen.Choose(28, 6000)
            from h in Gen.Choose(Math.Max(28, w / 150), Math.Min(6000, w * 150)) // within the 200:1 aspect upstream accepts
            select QwenMediaItem.Image(w, h)),
        (1, from thin in Gen.Choose(1, 40) // thin items: a side under the factor, or one qwen-vl-utils can shrink to zero
            from wide in Gen.Choose(thin, thin * 190)
            from flip in Gen.Elements(false, true)
            select flip ? QwenMediaItem.Image(thin, wide) : QwenMediaItem.Image(wide, thin)));

    private static Gen<QwenMediaItem> VideoGen =>
        from w in Gen.Choose(64, 3840)
        from h in Gen.Choose(64, 2160)
        from frames in Gen.Choose(16, 4000) // nframes 16 needs 16 frames (upstream rejects fewer)
        from fps in Gen.Elements(24.0, 25.0, 29.97, 30.0, 60.0)
        from request in Gen.Elements(default(QwenVideoRequest), new QwenVideoRequest(fps: 1.0), new QwenVideoRequest(nFrames: 16),
            new QwenVideoRequest(maxPixels: 200_000))
        select QwenMediaItem.Video(w, h, frames, fps, request);

    private static Gen<QwenMediaItem[]> ItemsGen =>
        Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(Gen.Frequency((3, ImageGen), (1, VideoGen)), n));

    private static Gen<QwenRequestOptions> OptionsGen =>
        from context in Gen.OneOf(Gen.Choose(200, 4000), Gen.Choose(4000, 40_000), Gen.Choose(40_000, 200_000))
        from text in Gen.Choose(0, 150)
        from reserved in Gen.Choose(0, 50)
        from order in Gen.Elements(QwenFitOrder.ResolutionFirst, QwenFitOrder.FramesFirst)
        from imageRule in Gen.Elements(QwenResizeRule.Transformers, QwenResizeRule.QwenVlUtils)
        from videoRule in Gen.Elements(QwenVideoRule.QwenVlUtils, QwenVideoRule.QwenVlUtilsV008)
        select new QwenRequestOptions(context, text, reserved, new QwenVisionOptions(14, 2, 56 * 56, 28 * 28 * 16384, imageRule), videoRule, order);

    [Fact]
    public void Item_plans_are_the_strategies_own_plans_and_counts()
    {
        Prop.ForAll(ItemsGen.ToArbitrary(), items =>
        {
            var options = new QwenRequestOptions(32_768);
            var plans = new QwenItemPlan[items.Length];
            var request = QwenRequest.Plan(items, options, plans);
            long sum = 0;
            for (int i = 0; i < items.Length; i++)
            {
                var item = items[i];
                long expected;
                if (item.Kind == QwenMediaKind.Image)
                {
                    var direct = QwenNativeResolution.Plan(item.Width, item.Height, options.Image);
                    expected = QwenNativeResolution.CountTokens(direct);
                    Assert.Equal((direct.ResizedWidth, direct.ResizedHeight, direct.GridH, direct.GridW), (plans[i].ResizedWidth, plans[i].ResizedHeight, (long)plans[i].Grid.H, (long)plans[i].Grid.W));
                }
                else
                {
                    var direct = QwenVideo.Plan(item.TotalFrames, item.VideoFps, item.Width, item.Height, item.VideoRequest);
                    expected = QwenVideo.CountTokens(direct);
                    Assert.Equal((direct.NFrames, direct.GridT, direct.GridH, direct.GridW), (plans[i].Frames, (long)plans[i].Grid.T, (long)plans[i].Grid.H, (long)plans[i].Grid.W));
                }
                Assert.Equal(expected, plans[i].Positions);
                Assert.Equal(plans[i].Tokens + 2, plans[i].Positions);
                sum += expected;
            }
            Assert.Equal(sum, request.VisionTokens);
            Assert.Equal(request.TotalTokens + request.ReservedTokens <= request.ContextLength, request.Fits);
        }).Check(Runs);
    }

    [Fact]
    public void Fitting_never_exceeds_the_budget_and_fails_only_when_the_smallest_plan_is_over_it()
    {
        var gen = from items in ItemsGen from options in OptionsGen select (items, options);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (items, options) = t;
            var plans = new QwenItemPlan[items.Length];
            var asGiven = QwenRequest.Plan(items, options, plans);
            QwenRequestPlan fitted;
            try
            {
                fitted = QwenRequest.Fit(items, options, plans);
            }
            catch (PlanException e) when (e.Error == PlanError.BudgetExceeded)
            {
                Assert.False(asGiven.Fits);
                long floor = Math.Min(options.Image.MinPixels, items.Min(i => i.Kind == QwenMediaKind.Image ? options.Image.MinPixels : 128L * 28 * 28));
                Assert.False(QwenRequest.Plan(items, options, new QwenRequestCaps(floor, 2), plans).Fits);
                return;
            }
            Assert.True(fitted.Fits);
            Assert.True(fitted.TotalTokens + options.ReservedTokens <= options.ContextLength);
            Assert.All(plans, p => Assert.True(p.ResizedWidth > 0 && p.ResizedHeight > 0, "upstream cannot resize to a zero side"));
            if (asGiven.Fits) Assert.Equal(QwenRequestCaps.None, fitted.Caps);
            // The plan written is the plan of the caps reported.
            var again = new QwenItemPlan[items.Length];
            Assert.Equal(fitted.VisionTokens, QwenRequest.Plan(items, options, fitted.Caps, again).VisionTokens);
        }).Check(Runs);
    }

    /// <summary>Positions shrink with the pixel cap for every item (Fit's documentation: both qwen-vl-utils rules, and
    /// transformers' rule for sides of at least the factor), so the caps Fit finds are the largest.</summary>
    private static bool Monotone(QwenMediaItem[] items, QwenRequestOptions options) =>
        options.Image.Rule == QwenResizeRule.QwenVlUtils || items.All(i => Math.Min(i.Width, i.Height) >= options.Image.Factor);

    [Fact]
    public void Fitted_caps_are_the_largest_that_fit_in_their_order()
    {
        var gen = from items in ItemsGen from options in OptionsGen select (items, options);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (items, options) = t;
            var plans = new QwenItemPlan[items.Length];
            QwenRequestPlan fitted;
            try { fitted = QwenRequest.Fit(items, options, plans); }
            catch (PlanException e) when (e.Error == PlanError.BudgetExceeded) { return; }
            var caps = fitted.Caps;
            QwenRequest.Plan(items, options, plans);
            long longest = plans.Where(p => p.Kind == QwenMediaKind.Video).Select(p => p.Frames).DefaultIfEmpty(0).Max();
            if (caps.MaxPixels is long pixels && Monotone(items, options))
                Assert.False(QwenRequest.Plan(items, options, new QwenRequestCaps(pixels + 1, caps.MaxFrames), plans).Fits, $"cap {pixels + 1} fits too: {Describe(items, options, caps)}");
            if (caps.MaxFrames is long frames && frames + 2 <= longest)
            {
                if (options.Order == QwenFitOrder.FramesFirst || caps.MaxPixels is null)
                    Assert.False(QwenRequest.Plan(items, options, new QwenRequestCaps(caps.MaxPixels, frames + 2), plans).Fits);
            }
        }).Check(Runs);
    }

    private static string Describe(QwenMediaItem[] items, QwenRequestOptions options, QwenRequestCaps caps) =>
        $"caps {caps.MaxPixels}/{caps.MaxFrames}, context {options.ContextLength}, text {options.TextTokens}, reserved {options.ReservedTokens}, "
        + $"{options.Order}, {options.Image.Rule}, {options.VideoRule}, items: " + string.Join("; ", items.Select(i => i.Kind == QwenMediaKind.Image
            ? $"image {i.Width}x{i.Height}"
            : $"video {i.Width}x{i.Height} {i.TotalFrames}@{i.VideoFps} fps={i.VideoRequest.Fps} nframes={i.VideoRequest.NFrames} max_pixels={i.VideoRequest.MaxPixels}"));

    [Fact] // review probe: a frame cap that fits alone reports no pixel cap (CI found a cap equal to the video's own budget)
    public void A_reported_pixel_cap_binds()
    {
        // One of the cases the property below found: 2 frames of this video fit 468 - 97 - 35 positions at its own budget.
        var items = new[] { QwenMediaItem.Video(514, 84, 1803, 60) };
        var options = new QwenRequestOptions(468, 97, 35, new QwenVisionOptions(14, 2, 56 * 56, 28 * 28 * 16384, QwenResizeRule.Transformers));
        var plans = new QwenItemPlan[1];
        var fitted = QwenRequest.Fit(items, options, plans);
        Assert.True(fitted.Fits);
        Assert.Null(fitted.Caps.MaxPixels);
        Assert.NotNull(fitted.Caps.MaxFrames);
        Assert.False(QwenRequest.Plan(items, options, new QwenRequestCaps(null, fitted.Caps.MaxFrames + 2), plans).Fits);
    }

    [Fact] // review probe: FramesFirst with no frame count fitting at full resolution must search pixels with 2 frames' budget
    public void Frames_first_fallback_searches_pixels_up_to_the_two_frame_budget()
    {
        var items = new[] { QwenMediaItem.Video(1920, 1080, 108_000, 30) };
        var plans = new QwenItemPlan[1];
        var options = new QwenRequestOptions(721, order: QwenFitOrder.FramesFirst);
        var fitted = QwenRequest.Fit(items, options, plans);
        Assert.True(fitted.Fits);
        Assert.NotNull(fitted.Caps.MaxPixels);
        Assert.False(QwenRequest.Plan(items, options, new QwenRequestCaps(fitted.Caps.MaxPixels + 1, fitted.Caps.MaxFrames), plans).Fits);
    }

    [Fact] // review probe: qwen-vl-utils shrinks a 1000×200 image at a low budget to a zero side, which upstream cannot resize
    public void Fit_never_returns_a_zero_side()
    {
        var items = new[] { QwenMediaItem.Image(1000, 200), QwenMediaItem.Image(4000, 3000) };
        var plans = new QwenItemPlan[2];
        var options = new QwenRequestOptions(8, image: new QwenVisionOptions(rule: QwenResizeRule.QwenVlUtils));
        try
        {
            var fitted = QwenRequest.Fit(items, options, plans);
            Assert.All(plans, p => Assert.True(p.ResizedWidth > 0 && p.ResizedHeight > 0));
            Assert.True(fitted.Fits);
        }
        catch (PlanException e)
        {
            Assert.Equal(PlanError.BudgetExceeded, e.Error);
        }
        // The premise (strategies.md §1.2, qwen-vl-utils: no clamp in the shrink branch): at a cap of 3136 pixels the
        // 1000×200 image's height is floor(200 / sqrt(200000 / 3136) / 28) · 28 = 0.
        var tight = QwenRequest.Plan(items, options, new QwenRequestCaps(3136), plans);
        Assert.Equal(0, plans[0].ResizedHeight);
        Assert.Equal(1, tight.EmptyItems);
        Assert.False(tight.Fits);
    }

    [Fact]
    public void Lowering_the_pixel_cap_never_adds_tokens()
    {
        var gen = from items in ItemsGen
                  from rule in Gen.Elements(QwenResizeRule.Transformers, QwenResizeRule.QwenVlUtils)
                  from a in Gen.Choose(3136, 3_000_000)
                  from b in Gen.Choose(3136, 3_000_000)
                  select (items, rule, Math.Min(a, b), Math.Max(a, b));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (items, rule, low, high) = t;
            var options = new QwenRequestOptions(1_000_000, image: new QwenVisionOptions(14, 2, 56 * 56, 28 * 28 * 16384, rule));
            // transformers clamps a side under the factor up to it, so a thin image can cost more at a lower cap (Fit's
            // documentation); the property is stated where Fit relies on it.
            if (!Monotone(items, options)) return;
            var plans = new QwenItemPlan[items.Length];
            long atHigh = QwenRequest.Plan(items, options, new QwenRequestCaps(high), plans).VisionTokens;
            long atLow = QwenRequest.Plan(items, options, new QwenRequestCaps(low), plans).VisionTokens;
            Assert.True(atLow <= atHigh, $"cap {low}: {atLow} tokens > cap {high}: {atHigh}: {Describe(items, options, default)}");
        }).Check(Runs);
    }

    [Fact]
    public void A_request_that_fits_is_planned_as_given()
    {
        var items = new[] { QwenMediaItem.Image(640, 480), QwenMediaItem.Video(1280, 720, 300, 30) };
        var plans = new QwenItemPlan[2];
        var plan = QwenRequest.Fit(items, new QwenRequestOptions(32_768, textTokens: 40), plans);
        Assert.True(plan.Fits);
        Assert.Equal(QwenRequestCaps.None, plan.Caps);
    }

    [Fact]
    public void Frames_first_keeps_the_resolution_and_samples_fewer_frames()
    {
        // 60 s at 30 fps sampled at 2 fps: 120 frames. A budget a quarter of its size needs fewer frames or fewer pixels.
        var items = new[] { QwenMediaItem.Video(1280, 720, 1800, 30) };
        var plans = new QwenItemPlan[1];
        var full = QwenRequest.Plan(items, new QwenRequestOptions(1_000_000), plans);
        var fullFrame = plans[0];
        long context = full.VisionTokens / 4;
        var framesFirst = QwenRequest.Fit(items, new QwenRequestOptions(context, order: QwenFitOrder.FramesFirst), plans);
        Assert.True(framesFirst.Fits);
        Assert.NotNull(framesFirst.Caps.MaxFrames);
        Assert.True(plans[0].Frames < fullFrame.Frames);
        Assert.True(plans[0].ResizedWidth * plans[0].ResizedHeight >= fullFrame.ResizedWidth * fullFrame.ResizedHeight);
        var resolutionFirst = QwenRequest.Fit(items, new QwenRequestOptions(context), plans);
        Assert.True(resolutionFirst.Fits);
        Assert.Null(resolutionFirst.Caps.MaxFrames);
        Assert.Equal(fullFrame.Frames, plans[0].Frames);
    }

    [Fact]
    public void Impossible_requests_and_bad_arguments_are_typed_errors()
    {
        var items = new[] { QwenMediaItem.Image(4000, 3000), QwenMediaItem.Image(4000, 3000) };
        var plans = new QwenItemPlan[2];
        var e = Assert.Throws<PlanException>(() => QwenRequest.Fit(items, new QwenRequestOptions(5), plans)); // at min_pixels each image is 28×28: 1 pad + 2 markers
        Assert.Equal(PlanError.BudgetExceeded, e.Error);
        Assert.Throws<ArgumentException>(() => QwenRequest.Plan(items, new QwenRequestOptions(32_768), new QwenItemPlan[1]));
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => QwenRequest.Plan(items, new QwenRequestOptions(0), plans)).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => QwenRequest.Plan(items, new QwenRequestOptions(100, textTokens: -1), plans)).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => QwenRequest.Plan(items, new QwenRequestOptions(100), new QwenRequestCaps(maxFrames: 1), plans)).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => QwenRequest.Plan(new[] { QwenMediaItem.Image(0, 10) }, new QwenRequestOptions(100), plans)).Error);
        Assert.Throws<PlanException>(() => QwenRequest.Plan(new[] { QwenMediaItem.Video(640, 480, 1, 30) }, new QwenRequestOptions(100), plans));
    }

    [Fact]
    public void Fitting_allocates_nothing()
    {
        var items = new[] { QwenMediaItem.Image(4000, 3000), QwenMediaItem.Video(1920, 1080, 9000, 30), QwenMediaItem.Image(800, 600) };
        var plans = new QwenItemPlan[3];
        var options = new QwenRequestOptions(8192, textTokens: 300, reservedTokens: 512);
        QwenRequest.Fit(items, options, plans);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = QwenRequest.Fit(items, options, plans);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(plan.Fits);
    }

    [Fact]
    public void Position_ids_of_a_fitted_request_are_monotone_in_text_runs_and_stay_within_the_sequence()
    {
        var gen = from items in ItemsGen
                  from texts in Gen.ArrayOf(Gen.Choose(0, 40), 6)
                  from variant in Gen.Elements(Enum.GetValues<QwenRopeVariant>())
                  select (items, texts, variant);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (items, texts, variant) = t;
            var options = new QwenRequestOptions(16_384, textTokens: texts.Take(items.Length + 1).Sum());
            var plans = new QwenItemPlan[items.Length];
            QwenRequestPlan plan;
            try { plan = QwenRequest.Fit(items, options, plans); }
            catch (PlanException e) when (e.Error == PlanError.BudgetExceeded) { return; }
            var rope = new QwenRopeOptions(variant);
            var ids = new int[plan.TotalTokens];
            var isText = new bool[ids.Length];
            int at = 0;
            for (int i = 0; i <= items.Length; i++)
            {
                for (int k = 0; k < texts[i]; k++) { ids[at] = 100 + k; isText[at++] = true; }
                if (i == items.Length) break;
                int n = QwenRope.WriteBlockIds(plans[i], rope, ids.AsSpan(at));
                isText[at] = true; // <|vision_start|> and <|vision_end|> are text to get_rope_index
                isText[at + n - 1] = true;
                at += n;
            }
            Assert.Equal(ids.Length, at);
            Assert.True(ids.Length <= options.ContextLength);
            var grids = plans.Where(p => p.Kind == QwenMediaKind.Image).Select(p => p.Grid).ToArray();
            var videos = plans.Where(p => p.Kind == QwenMediaKind.Video).ToArray();
            var positions = new long[QwenRope.PositionsLength(ids.Length)];
            long delta = QwenRope.GetRopeIndex(ids, grids, videos.Select(v => v.Grid).ToArray(),
                videos.Select(v => v.SecondPerGridT ?? 1.0).ToArray(), rope, positions);
            int length = ids.Length;
            bool classic = variant is QwenRopeVariant.Qwen2VL or QwenRopeVariant.Qwen25VL or QwenRopeVariant.Qwen25VLIntCast;
            long max = -1;
            for (int i = 0; i < length; i++)
            {
                long p0 = positions[i], p1 = positions[length + i], p2 = positions[2 * length + i];
                if (isText[i])
                {
                    Assert.True(p0 == p1 && p1 == p2, $"text token {i} has positions ({p0}, {p1}, {p2})");
                    if (i > 0 && isText[i - 1]) Assert.Equal(positions[i - 1] + 1, p0); // monotone, step 1, within a text run
                    if (i > 0 && !isText[i - 1] && classic) Assert.Equal(max + 1, p0); // §1.7: text resumes past the block
                }
                max = Math.Max(max, Math.Max(p0, Math.Max(p1, p2)));
            }
            Assert.Equal(max + 1 - length, delta);
            Assert.True(delta <= 0 || variant is QwenRopeVariant.Qwen25VL or QwenRopeVariant.Qwen25VLIntCast or QwenRopeVariant.Qwen25VLUnified,
                "without a time scale no block spans more positions than it has tokens");
        }).Check(Runs);
    }
}

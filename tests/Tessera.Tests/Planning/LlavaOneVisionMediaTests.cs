using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// LLaVA-OneVision multi-image and video (strategies.md §4.4): the documented counts, pad geometry, layouts, the two frame
/// samplers, errors, and allocation-free planning.
/// </summary>
public class LlavaOneVisionMediaTests
{
    private static readonly LlavaOneVisionOptions Ov = LlavaOneVisionOptions.Checkpoint;

    private static readonly Gen<LlavaOneVisionOptions> Configs =
        from crop in Gen.Choose(16, 1024)
        from grid in Gen.Choose(1, 64)
        from pins in LlavaNextGoldenTests.PinpointLists(Gen.Constant(crop))
        from n in Gen.Choose(1, 16)
        from strategy in Gen.Elements(FeatureSelectStrategy.Default, FeatureSelectStrategy.Full)
        from extra in Gen.Choose(0, 2)
        from mean in Gen.Choose(0, 1000).Three()
        select new LlavaOneVisionOptions(pins, crop, Math.Min(grid, crop), n, strategy, extra,
            new[] { mean.Item1 / 1000.0, mean.Item2 / 1000.0, mean.Item3 / 1000.0 });

    private static readonly Gen<int> Side = Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(1, 5000), Gen.Choose(1, 100_000));

    // ---- Documented numbers -------------------------------------------------------------------------------------------

    [Fact] // §4.4: a multi-image sample's image → 729 features + 1 newline = 730; §4.1: pad colour 127,127,127 for mean 0.5
    public void Multi_image_checkpoint_gives_730_tokens_and_grey_127_padding()
    {
        var plan = LlavaOneVision.PlanPaddedSquare(1920, 1080, Ov);
        Assert.Equal(730, LlavaOneVision.CountTokens(plan));
        Assert.Equal(729, plan.BaseFeaturesPlaced);
        Assert.Equal(384, plan.CropSize);
        Assert.Equal(new PadColor(127, 127, 127), plan.PadColor);
    }

    [Fact] // §9 row 26: 2 images in one sample → 730 each, not tiled; tiling 1920×1080 would give 7269 (§4.3 example)
    public void Row26_a_second_image_switches_the_whole_sample_to_padded_squares()
    {
        (int, int)[] one = { (1920, 1080) };
        (int, int)[] two = { (1920, 1080), (1920, 1080) };
        var plans = new LlavaOneVisionImagePlan[2];

        Assert.Equal(1, LlavaOneVision.PlanSample(one, Ov, plans));
        Assert.Equal(LlavaOneVisionImagePolicy.AnyRes, plans[0].Policy);
        Assert.Equal(7269, LlavaOneVision.CountTokens(plans[0]));
        Assert.Equal(7269, LlavaOneVision.CountSampleTokens(one, Ov));

        Assert.Equal(2, LlavaOneVision.PlanSample(two, Ov, plans));
        foreach (var p in plans)
        {
            Assert.Equal(LlavaOneVisionImagePolicy.PaddedSquare, p.Policy);
            Assert.Equal(730, LlavaOneVision.CountTokens(p));
        }
        Assert.Equal(1460, LlavaOneVision.CountSampleTokens(two, Ov));
    }

    [Fact] // §4.1 / §9 row 40: int(mean·255) truncates: CLIP mean → 122,116,104 (rounding would give 123,117,104)
    public void Pad_colour_truncates_the_mean_times_255()
    {
        var clip = new LlavaOneVisionOptions(LlavaOneVisionOptions.DefaultPinpoints(),
            imageMean: new[] { 0.48145466, 0.4578275, 0.40821073 });
        Assert.Equal(new PadColor(122, 116, 104), clip.PadColor);
        Assert.Equal(new PadColor(122, 116, 104), LlavaOneVision.PlanPaddedSquare(10, 20, clip).PadColor);
        // §0: int() truncates toward zero, so a mean slightly below 0 still gives 0.
        Assert.Equal(0, PadColor.FromMean(-0.001, 0, 0).R);
    }

    [Fact] // §4.4: per frame ceil(27/2)² = 14² = 196; one newline per video; §9 row 27: 8 frames → 8·196 + 1 = 1569
    public void Video_counts_196_per_frame_and_one_newline()
    {
        var plan = LlavaOneVisionVideo.Plan(8, Ov);
        Assert.Equal(14, plan.PooledGrid);
        Assert.Equal(196, plan.FeaturesPerFrame);
        Assert.Equal(1569, LlavaOneVisionVideo.CountTokens(plan));
        Assert.Equal(197, LlavaOneVisionVideo.CountTokens(LlavaOneVisionVideo.Plan(1, Ov)));
        Assert.Equal(32 * 196 + 1, LlavaOneVisionVideo.MaxTokens(Ov, 32));
    }

    [Fact] // §0 / §9 row 36: np.linspace(0, 153, 64, dtype=int)[21] = 50 (50.99999999999999 truncated), not 51
    public void Linspace_sampler_keeps_numpy_truncation()
    {
        var sample = LlavaOneVisionVideo.SampleUniform(154, 64);
        var indices = new long[64];
        Assert.Equal(64, LlavaOneVisionVideo.WriteFrameIndices(sample, indices));
        Assert.Equal(50, indices[21]);
        Assert.False(sample.HasOutOfRangeIndex);
    }

    // LLaVA-NeXT llava/utils.py process_video_with_decord: avg_fps = round(vr.get_avg_fps() / data_args.video_fps);
    // frame_idx = range(0, total, avg_fps); if frames_upbound > 0 and (len(frame_idx) > frames_upbound or force_sample):
    // frame_idx = np.linspace(0, total - 1, frames_upbound, dtype=int).

    [Fact]
    public void Decord_loader_steps_at_the_target_fps_and_falls_back_to_linspace_past_the_cap()
    {
        // 300 frames at 29.97 fps, 1 fps wanted: step round(29.97) = 30 → 0, 30, …, 270 (10 frames, under a cap of 32).
        var stepped = LlavaOneVisionVideo.SampleDecord(300, 29.97, 1, framesUpbound: 32);
        Assert.Equal((LlavaOneVisionFrameSampler.LlavaNextStepped, 10L, 30), (stepped.Sampler, stepped.NumFrames, stepped.Step));
        var indices = new long[32];
        Assert.Equal(10, LlavaOneVisionVideo.WriteFrameIndices(stepped, indices));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 30L * i), indices[..10]);
        // force_sample, or more stepped frames than the cap (3000 frames → 100 > 32), switch to linspace of the cap.
        var forced = LlavaOneVisionVideo.SampleDecord(300, 29.97, 1, framesUpbound: 32, forceSample: true);
        var capped = LlavaOneVisionVideo.SampleDecord(3000, 30, 1, framesUpbound: 32);
        foreach (var (sample, total) in new[] { (forced, 300), (capped, 3000) })
        {
            Assert.Equal((LlavaOneVisionFrameSampler.LlavaNextLinspace, 32L), (sample.Sampler, sample.NumFrames));
            Assert.Equal(32, LlavaOneVisionVideo.WriteFrameIndices(sample, indices));
            var uniform = new long[32];
            LlavaOneVisionVideo.WriteFrameIndices(LlavaOneVisionVideo.SampleUniform(total, 32), uniform);
            Assert.Equal(uniform, indices);
        }
        // Without a cap (frames_upbound 0, force_sample ignored) the steps stand however many there are.
        var uncapped = LlavaOneVisionVideo.SampleDecord(3000, 30, 1, framesUpbound: 0, forceSample: true);
        Assert.Equal((LlavaOneVisionFrameSampler.LlavaNextStepped, 100L), (uncapped.Sampler, uncapped.NumFrames));
    }

    [Theory] // Python's round() is half-to-even: 25 / 10 = 2.5 → 2, 35 / 10 = 3.5 → 4, 45 / 10 = 4.5 → 4
    [InlineData(25.0, 2)]
    [InlineData(35.0, 4)]
    [InlineData(45.0, 4)]
    public void Decord_step_rounds_half_to_even(double averageFps, int step)
    {
        var sample = LlavaOneVisionVideo.SampleDecord(100, averageFps, 10);
        Assert.Equal(step, sample.Step);
        Assert.Equal((100 + step - 1) / step, sample.NumFrames); // len(range(0, 100, step))
    }

    [Fact]
    public void Decord_loader_errors_are_where_upstream_raises()
    {
        // round(4 / 10) = 0: range() step 0 (ValueError); video_fps 0: ZeroDivisionError; negative: empty range.
        Assert.Contains("step is zero", Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleDecord(100, 4, 10)).Message);
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleDecord(100, 30, 0));
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleDecord(100, 30, -1));
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleDecord(100, double.NaN, 1));
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleDecord(0, 30, 1));
        var unplanned = new LlavaOneVisionFrameSample(LlavaOneVisionFrameSampler.LlavaNextStepped, 0, 0, 0, step: 0);
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.WriteFrameIndices(unplanned, new long[4]));
        // A step past the video keeps frame 0 alone.
        var single = LlavaOneVisionVideo.SampleDecord(10, 1e300, 1);
        var one = new long[1];
        Assert.Equal(1, LlavaOneVisionVideo.WriteFrameIndices(single, one));
        Assert.Equal(0, one[0]);
    }

    [Fact]
    public void Decord_indices_are_the_python_range_for_every_small_video()
    {
        // Stated invariant: a stepped sample's indices are exactly range(0, total, step), all inside the video.
        var indices = new long[400];
        for (int total = 1; total <= 400; total++)
        for (int fps = 1; fps <= 60; fps += 7)
        {
            var sample = LlavaOneVisionVideo.SampleDecord(total, fps, 1);
            int n = LlavaOneVisionVideo.WriteFrameIndices(sample, indices);
            int expected = 0;
            for (int i = 0; i < total; i += fps) Assert.Equal(i, indices[expected++]);
            Assert.Equal(expected, n);
        }
    }

    [Fact] // §1.6.1 / §9 row 10: total 17, video fps 17, fps 14 → n = 14 and 15 arange values, the last = 17
    public void Transformers_sampler_returns_the_n_plus_1_index_as_upstream_does()
    {
        var sample = LlavaOneVisionVideo.SampleFrames(17, videoFps: 17, fps: 14, numFrames: null);
        Assert.Equal(14, sample.NumFrames);
        Assert.Equal(15, sample.IndexCount);
        Assert.True(sample.HasOutOfRangeIndex);
        var indices = new long[15];
        Assert.Equal(15, LlavaOneVisionVideo.WriteFrameIndices(sample, indices));
        Assert.Equal(17, indices[14]);
        // The same hazard through num_frames.
        Assert.Equal(15, LlavaOneVisionVideo.SampleFrames(17, null, null, 14).IndexCount);
    }

    // ---- Properties ---------------------------------------------------------------------------------------------------

    [Property(MaxTest = 500)]
    public Property Pad_geometry_centres_the_image_in_a_max_side_square() =>
        Prop.ForAll(Arb.From(Side), Arb.From(Side), (w, h) =>
        {
            var p = LlavaOneVision.PlanPaddedSquare(w, h, Ov);
            var box = p.ImageBox;
            int side = Math.Max(w, h);
            bool geometry = p.Side == side
                && p.PadX == (side - w) / 2 && p.PadY == (side - h) / 2
                && box.X >= 0 && box.Y >= 0 && box.X + box.Width <= side && box.Y + box.Height <= side
                && box.Width == w && box.Height == h;
            // Only the short axis is padded; the far margin is the near one or one more.
            long farX = side - box.X - w, farY = side - box.Y - h;
            bool centred = farX - box.X is 0 or 1 && farY - box.Y is 0 or 1 && (w >= h ? p.PadX == 0 : p.PadY == 0);
            return geometry && centred;
        });

    [Property(MaxTest = 300)]
    public Property Sample_layouts_match_counts_and_stay_within_the_worst_case() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(Gen.Choose(1, 4)), Arb.From(Side.Two().ArrayOf()), (options, count, sizes) =>
        {
            var images = new (int Width, int Height)[count];
            for (int i = 0; i < count; i++) images[i] = i < sizes.Length ? sizes[i] : (1 + i, 7 * i + 1);
            var plans = new LlavaOneVisionImagePlan[count];
            int n = LlavaOneVision.PlanSample(images, options, plans);
            long sum = 0;
            bool ok = n == count;
            foreach (var plan in plans)
            {
                var segments = new LayoutSegment[LlavaOneVision.LayoutSegmentCount(plan)];
                int written = LlavaOneVision.WriteLayout(plan, segments);
                long tokens = LlavaOneVision.CountTokens(plan);
                sum += tokens;
                ok &= LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, tokens)
                    && tokens <= LlavaOneVision.MaxTokens(options)
                    && plan.Policy == (count == 1 ? LlavaOneVisionImagePolicy.AnyRes : LlavaOneVisionImagePolicy.PaddedSquare);
                // A square ends with its one newline (an AnyRes grid shrunk to no rows has none).
                if (plan.Policy == LlavaOneVisionImagePolicy.PaddedSquare)
                    ok &= tokens == (long)options.FeatureGrid * options.FeatureGrid + options.NumAdditionalImageTokens + 1
                        - (options.Strategy == FeatureSelectStrategy.Default ? 1 : 0)
                        && segments[written - 1].Kind == SegmentKind.Separator
                        && plan.Square.PadColor.Equals(options.PadColor);
            }
            return ok && sum == LlavaOneVision.CountSampleTokens(images, options);
        });

    [Property(MaxTest = 300)]
    public Property Video_layout_length_is_the_count() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(Gen.Choose(1, 400)), (options, frames) =>
        {
            var plan = LlavaOneVisionVideo.Plan(frames, options);
            var segments = new LayoutSegment[LlavaOneVisionVideo.LayoutSegmentCount(plan)];
            int written = LlavaOneVisionVideo.WriteLayout(plan, segments);
            long pooled = (options.FeatureGrid + 1) / 2;
            bool framesInOrder = true;
            for (int f = 0; f < frames; f++)
                framesInOrder &= segments[f].Role == PieceRole.Frame && segments[f].Piece == f && segments[f].Count == pooled * pooled;
            return LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, LlavaOneVisionVideo.CountTokens(plan))
                && framesInOrder
                && segments[written - 1].Kind == SegmentKind.Separator && segments[written - 1].Count == 1
                && 2 * pooled - 1 <= options.FeatureGrid && options.FeatureGrid <= 2 * pooled // pooled = ceil(grid / 2)
                && LlavaOneVisionVideo.CountTokens(plan) <= LlavaOneVisionVideo.MaxTokens(options, 400);
        });

    private static readonly Gen<(int Total, int N)> ArangeInputs =
        from total in Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(1, 5000), Gen.Choose(1, 200_000))
        from n in Gen.OneOf(Gen.Choose(1, Math.Min(total, 64)), Gen.Choose(1, total))
        select (total, n);

    [Property(MaxTest = 1000)]
    public Property Arange_sampler_is_increasing_and_in_range_but_for_the_documented_extra_index() =>
        Prop.ForAll(Arb.From(ArangeInputs), t =>
        {
            var sample = LlavaOneVisionVideo.SampleFrames(t.Total, null, null, t.N);
            var indices = new long[t.N + 1];
            int count = LlavaOneVisionVideo.WriteFrameIndices(sample, indices);
            bool ok = sample.NumFrames == t.N && count == sample.IndexCount
                && (count == t.N || (count == t.N + 1 && sample.HasOutOfRangeIndex && indices[t.N] == t.Total))
                && indices[0] == 0;
            for (int i = 1; i < count; i++) ok &= indices[i] > indices[i - 1];
            for (int i = 0; i < t.N; i++) ok &= indices[i] < t.Total;
            return ok;
        });

    [Property(MaxTest = 1000)]
    public Property Arange_sampler_fps_count_is_the_truncated_rate() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 20_000)), Arb.From(Gen.Elements(1.0, 8.0, 23.976, 24.0, 25.0, 29.97, 30.0, 60.0)),
            Arb.From(Gen.Choose(1, 400)), (total, videoFps, centiFps) =>
        {
            double fps = centiFps / 100.0;
            double rate = total / videoFps * fps;
            if (rate < 1 || rate >= total + 1)
                return Throws(() => LlavaOneVisionVideo.SampleFrames(total, videoFps, fps, null));
            var sample = LlavaOneVisionVideo.SampleFrames(total, videoFps, fps, null);
            // int(x) for positive x: the largest integer not above it.
            return sample.NumFrames <= rate && rate < sample.NumFrames + 1 && sample.IndexCount - sample.NumFrames is 0 or 1;
        });

    [Property(MaxTest = 1000)]
    public Property Linspace_sampler_counts_orders_and_stays_in_range() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 200_000)), Arb.From(Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(1, 3000))), (total, k) =>
        {
            var sample = LlavaOneVisionVideo.SampleUniform(total, k);
            var indices = new long[k];
            int count = LlavaOneVisionVideo.WriteFrameIndices(sample, indices);
            bool ok = count == k && sample.IndexCount == k && !sample.HasOutOfRangeIndex && indices[0] == 0
                && (k == 1 || indices[k - 1] == total - 1);
            for (int i = 0; i < k; i++) ok &= indices[i] >= 0 && indices[i] <= total - 1;
            for (int i = 1; i < k; i++) ok &= k <= total ? indices[i] > indices[i - 1] : indices[i] >= indices[i - 1];
            return ok;
        });

    // ---- Errors -------------------------------------------------------------------------------------------------------

    [Fact]
    public void Bad_inputs_are_plan_errors()
    {
        var pins = LlavaOneVisionOptions.DefaultPinpoints();
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => LlavaOneVision.PlanPaddedSquare(0, 10, Ov)).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => LlavaOneVision.PlanImage(10, -1, 2, Ov)).Error);
        Assert.Throws<PlanException>(() => LlavaOneVision.PlanImage(10, 10, 0, Ov));
        Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(pins, imageMean: new[] { 0.5, 0.5 }));
        Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(pins, imageMean: new[] { 0.5, 1.01, 0.5 })); // 257
        Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(pins, imageMean: new[] { 0.5, double.NaN, 0.5 }));
        Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(pins, imageMean: new[] { -0.004, 0.5, 0.5 })); // int(-1.02)
        Assert.Throws<ArgumentException>(() => LlavaOneVision.PlanSample(new[] { (1, 1), (2, 2) }, Ov, new LlavaOneVisionImagePlan[1]));

        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.Plan(0, Ov));
        Assert.Equal(PlanError.Overflow, Assert.Throws<PlanException>(() => LlavaOneVisionVideo.Plan(long.MaxValue / 100, Ov)).Error);
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleUniform(0, 4));
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleUniform(10, 0));
    }

    [Fact] // processing_llava_onevision.py: patches_height_width = int(math.sqrt(self.num_image_tokens)) for videos (and
           // single images), while the model pools image_size // patch_size: the two agree while additional < 2·grid + 1
    public void Additional_tokens_that_move_the_processors_square_root_are_refused()
    {
        var pins = LlavaOneVisionOptions.DefaultPinpoints();
        for (int grid = 1; grid <= 40; grid++)
        {
            var edge = new LlavaOneVisionOptions(pins, featureGrid: grid, numAdditionalImageTokens: 2 * grid);
            Assert.Equal(grid, (int)Math.Sqrt((double)grid * grid + edge.NumAdditionalImageTokens));
            var e = Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(pins, featureGrid: grid, numAdditionalImageTokens: 2 * grid + 1));
            Assert.Equal(PlanError.InvalidConfiguration, e.Error);
            Assert.Contains($"is {grid + 1}, not {grid}", e.Message);
        }
    }

    [Fact] // The upstream sample_frames errors (ValueError / TypeError / ZeroDivisionError / torch RuntimeError), §1.6.1 style
    public void Transformers_sampler_errors()
    {
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, 10, fps: 2, numFrames: 4)); // both
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, 10, null, null));           // neither
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, null, fps: 2, null));       // no metadata fps
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, 0.0, fps: 2, null));        // total / 0.0
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, 1, fps: 2, null));          // 20 > 10, no clamp
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(1, 30, fps: 2, null));          // int(0.066…) = 0
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, double.NaN, fps: 2, null)); // int(nan)
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, null, null, 11));           // exceeds
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, null, null, 0));            // total / 0
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(10, null, null, -2));           // negative step
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.SampleFrames(0, null, null, 0));
        Assert.Throws<ArgumentException>(() => LlavaOneVisionVideo.WriteFrameIndices(
            LlavaOneVisionVideo.SampleFrames(17, null, null, 14), new long[14])); // needs 15
        Assert.Throws<PlanException>(() => LlavaOneVisionVideo.WriteFrameIndices(default, new long[4]));
    }

    [Fact]
    public void Reading_the_other_policy_of_an_image_plan_is_an_error()
    {
        var single = LlavaOneVision.PlanImage(100, 50, 1, Ov);
        var multi = LlavaOneVision.PlanImage(100, 50, 3, Ov);
        Assert.Throws<InvalidOperationException>(() => single.Square);
        Assert.Throws<InvalidOperationException>(() => multi.AnyRes);
        Assert.Equal(LlavaOneVision.CountTokens(LlavaOneVision.Plan(100, 50, Ov)), LlavaOneVision.CountTokens(single));
    }

    // ---- Allocation ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Planning_counting_layout_and_sampling_do_not_allocate()
    {
        var segments = new LayoutSegment[4096];
        var plans = new LlavaOneVisionImagePlan[3];
        var indices = new long[1024];
        var sample = new (int Width, int Height)[3];
        long sink = Run(segments, plans, indices, sample); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        sink += Run(segments, plans, indices, sample);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink > 0);
        Assert.Equal(0, allocated);
    }

    private static long Run(LayoutSegment[] segments, LlavaOneVisionImagePlan[] plans, long[] indices, (int Width, int Height)[] sample)
    {
        long sum = 0;
        for (int w = 1; w < 5000; w += 397)
        {
            for (int h = 1; h < 5000; h += 401)
            {
                var square = LlavaOneVision.PlanPaddedSquare(w, h, Ov);
                sum += LlavaOneVision.WriteLayout(square, segments) + LlavaOneVision.CountTokens(square) + square.ImageBox.X;
                sample[0] = (w, h);
                sample[1] = (h, w);
                sample[2] = (w + 1, h);
                int n = LlavaOneVision.PlanSample(sample.AsSpan(0, 1 + w % 3), Ov, plans);
                for (int i = 0; i < n; i++)
                    sum += LlavaOneVision.WriteLayout(plans[i], segments) + LlavaOneVision.CountTokens(plans[i]);
                sum += LlavaOneVision.CountSampleTokens(sample, Ov);
            }
        }
        for (int frames = 13; frames < 1000; frames += 37)
        {
            var video = LlavaOneVisionVideo.Plan(frames, Ov);
            sum += LlavaOneVisionVideo.WriteLayout(video, segments) + LlavaOneVisionVideo.CountTokens(video);
            var arange = LlavaOneVisionVideo.SampleFrames(frames, 30.0, 2.5, null);
            sum += LlavaOneVisionVideo.WriteFrameIndices(arange, indices);
            var byCount = LlavaOneVisionVideo.SampleFrames(frames, null, null, 1 + frames / 3);
            sum += LlavaOneVisionVideo.WriteFrameIndices(byCount, indices);
            var uniform = LlavaOneVisionVideo.SampleUniform(frames, 32);
            sum += LlavaOneVisionVideo.WriteFrameIndices(uniform, indices);
            var decord = LlavaOneVisionVideo.SampleDecord(frames, 29.97, 1, framesUpbound: 16);
            sum += LlavaOneVisionVideo.WriteFrameIndices(decord, indices);
        }
        return sum;
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (PlanException)
        {
            return true;
        }
    }
}

using System;
using System.Collections.Generic;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>Oryx planning (strategies.md §6): the computed examples, the crash points turned into errors, and invariants.</summary>
public class OryxTests
{
    private static readonly Config Runs = PropertyRuns.Of(400);

    private static readonly Dictionary<string, string> ScriptEnvironment = new()
    {
        // strategies.md §6.1, "Value in every shipped script".
        ["HIGHRES_BASE"] = "0x32",
        ["LOWRES_RESIZE"] = "384x32",
        ["VIDEO_RESIZE"] = "0x64",
        ["MAXRES"] = "1536",
        ["MINRES"] = "0",
        ["VIDEO_MAXRES"] = "480",
        ["VIDEO_MINRES"] = "288",
    };

    // strategies.md §6.2 examples (computed with the upstream functions and the script environment).
    [Theory]
    [InlineData(1920, 1080, 1920, 1056, 512, 256, 8517)]
    [InlineData(4000, 4000, 1536, 1536, -1, -1, 9915)]
    [InlineData(20, 20, 64, 64, 384, 384, 623)]
    public void Image_examples_of_section_6_2(int w, int h, int highW, int highH, int lowW, int lowH, long tokens)
    {
        var plan = Oryx.PlanImage(w, h, OryxOptions.Scripts);
        Assert.Equal((highW, highH), (plan.HighResWidth, plan.HighResHeight));
        if (lowW > 0) Assert.Equal((lowW, lowH), (plan.LowResWidth, plan.LowResHeight));
        Assert.Equal(tokens, Oryx.CountTokens(plan));
    }

    // strategies.md §6.2: 1080×1920 → 8587; 448×448 → 1415; 640×480 → 1773.
    [Theory]
    [InlineData(1080, 1920, 8587)]
    [InlineData(448, 448, 1415)]
    [InlineData(640, 480, 1773)]
    public void Image_token_examples_of_section_6_2(int w, int h, long tokens) =>
        Assert.Equal(tokens, Oryx.CountTokens(Oryx.PlanImage(w, h, OryxOptions.Scripts)));

    [Fact]
    public void Portrait_keeps_width_and_height_apart()
    {
        // strategies.md §9 trap 35: 1080×1920 → high-res 1056×1920 (W×H), 8587; swapping the axes gives 8517.
        var plan = Oryx.PlanImage(1080, 1920, OryxOptions.Scripts);
        Assert.Equal((1056, 1920), (plan.HighResWidth, plan.HighResHeight));
        Assert.Equal(8587, Oryx.CountTokens(plan));
    }

    [Fact]
    public void A_side_truncated_to_zero_is_an_error_not_a_clamp()
    {
        // strategies.md §6.2 / §9 trap 37: 100000×40 truncates a side to 0 and PIL raises.
        var e = Assert.Throws<PlanException>(() => Oryx.PlanImage(100000, 40, OryxOptions.Scripts));
        Assert.Equal(PlanError.AspectRatioTooLarge, e.Error);
        Assert.Contains("0", e.Message);
    }

    // strategies.md §6.3 step 1: 1920×1080 → 640×320; 448×448 → 448×448; 20×20 → 256×256.
    [Theory]
    [InlineData(1920, 1080, 640, 320)]
    [InlineData(448, 448, 448, 448)]
    [InlineData(20, 20, 256, 256)]
    public void Video_frame_sizes_of_section_6_3(int w, int h, int fw, int fh)
    {
        var plan = Oryx.PlanVideo(100, w, h, OryxOptions.Scripts);
        Assert.Equal((fw, fh), (plan.FrameWidth, plan.FrameHeight));
        Assert.Equal(4, plan.Compression); // §6.3 step 5: video 4×
    }

    [Fact]
    public void Sixty_four_frames_of_1080p_take_13506_positions()
    {
        // strategies.md §6.3 step 4: 64 frames of 1920×1080 → 64·211 + 2 = 13 506.
        var plan = Oryx.PlanVideo(1000, 1920, 1080, OryxOptions.Scripts);
        Assert.Equal(64, plan.Frames);
        Assert.Equal(211, plan.TokensPerFrame);
        Assert.Equal(13506, Oryx.CountTokens(plan));
    }

    [Fact]
    public void Long_video_pools_four_by_four()
    {
        // strategies.md §6.3 steps 3 and 5: video_long uses patch 128 and 4×4 pooling (16×).
        var plan = Oryx.PlanVideo(1000, 1920, 1080, OryxOptions.Scripts, modality: OryxModality.VideoLong);
        Assert.Equal(16, plan.Compression);
        Assert.Equal(0, plan.FrameWidth % 128);
        Assert.Equal(0, plan.FrameHeight % 128);
        Assert.Equal(plan.FrameHeight / 64, plan.PooledRows);
    }

    [Fact]
    public void Linspace_index_21_of_154_frames_is_50()
    {
        // strategies.md §0 and §6.4: np.linspace(0, 153, 64, dtype=int)[21] is 50, not the exact floor 51.
        var plan = Oryx.PlanVideo(154, 640, 360, OryxOptions.Scripts);
        Span<long> indices = new long[plan.Frames];
        Assert.Equal(64, Oryx.WriteFrameIndices(plan, indices));
        Assert.Equal(50, indices[21]);
    }

    [Fact]
    public void Inference_takes_frames_upbound_frames_with_repeats_training_takes_a_short_clip_whole()
    {
        // strategies.md §6.4: inference exactly K frames (duplicates when total < K); training all frames when total ≤ K.
        for (int total = 1; total <= 130; total += 7)
        {
            var inference = Oryx.PlanVideo(total, 640, 360, OryxOptions.Scripts);
            Assert.Equal(64, inference.Frames);
            Span<long> idx = new long[inference.Frames];
            Oryx.WriteFrameIndices(inference, idx);
            for (int i = 0; i < idx.Length; i++)
            {
                Assert.InRange(idx[i], 0, total - 1);
                if (i > 0) Assert.True(idx[i] >= idx[i - 1]);
            }
            Assert.Equal(total - 1, idx[^1]);

            var training = Oryx.PlanVideo(total, 640, 360, new OryxOptions(frameSampling: OryxFrameSampling.Training));
            Assert.Equal(Math.Min(total, 64), training.Frames);
            if (total <= 64)
            {
                Span<long> all = new long[training.Frames];
                Oryx.WriteFrameIndices(training, all);
                for (int i = 0; i < total; i++) Assert.Equal(i, all[i]);
            }
        }
        Assert.Equal(32, Oryx.PlanVideo(500, 640, 360, OryxOptions.Scripts, frames: 32).Frames);
    }

    [Fact]
    public void Scripts_are_the_environment_of_the_shipped_scripts()
    {
        var parsed = OryxOptions.FromEnvironment(ScriptEnvironment);
        var s = OryxOptions.Scripts;
        Assert.Equal((s.HighResBase, s.HighResPatch, s.LowResSize, s.LowResPatch, s.VideoBase, s.VideoPatch),
            (parsed.HighResBase, parsed.HighResPatch, parsed.LowResSize, parsed.LowResPatch, parsed.VideoBase, parsed.VideoPatch));
        Assert.Equal((s.MaxRes, s.MinRes, s.VideoMaxRes, s.VideoMinRes, s.PadToStride),
            (parsed.MaxRes, parsed.MinRes, parsed.VideoMaxRes, parsed.VideoMinRes, parsed.PadToStride));
        Assert.Equal((0, 32, 384, 32, 0, 64), (s.HighResBase, s.HighResPatch, s.LowResSize, s.LowResPatch, s.VideoBase, s.VideoPatch));
        Assert.Equal((1536, 0, 480, 288, false), (s.MaxRes, s.MinRes, s.VideoMaxRes, s.VideoMinRes, s.PadToStride));
    }

    [Fact]
    public void An_empty_environment_gives_the_module_defaults()
    {
        // strategies.md §6.1, "Default if unset".
        var o = OryxOptions.FromEnvironment(new Dictionary<string, string>());
        Assert.Null(o.HighResBase);
        Assert.Null(o.LowResSize);
        Assert.Null(o.VideoBase);
        Assert.Null(o.VideoMinRes);
        Assert.Equal((1536, 0, 1536, false), (o.MaxRes, o.MinRes, o.VideoMaxRes, o.PadToStride));
        // Without LOWRES_RESIZE the low-res view is a plain 384×384 resize; without HIGHRES_BASE the image itself is the
        // high-res view, which the ViT takes only in whole 16-px patches (see High_res_views_must_be_whole_vit_patches).
        var plan = Oryx.PlanImage(1008, 704, o);
        Assert.Equal((384, 384), (plan.LowResWidth, plan.LowResHeight));
        Assert.Equal((1008, 704), (plan.HighResWidth, plan.HighResHeight));
        Assert.Throws<PlanException>(() => Oryx.PlanImage(1000, 700, o));
    }

    [Fact]
    public void High_res_views_must_be_whole_vit_patches()
    {
        // oryx_vit.py create_siglip_vit builds timm's PatchEmbed with img_size 2048, dynamic_img_pad=False and
        // strict_img_size=False, and forward_features (the high-res tensor, video frames) does not pad: timm asserts that
        // both sides divide by the 16-px patch. Only the low-res list (forward_features_list) is padded up.
        var unset = OryxOptions.FromEnvironment(new Dictionary<string, string>());
        var e = Assert.Throws<PlanException>(() => Oryx.PlanImage(3, 4, unset)); // the tiny guard gives 64×85
        Assert.Equal(PlanError.InvalidConfiguration, e.Error);
        Assert.Contains("64×85", e.Message);
        var base40 = new OryxOptions(highResPatch: 40);
        Assert.Contains("1560×600, not a whole number", Assert.Throws<PlanException>(() => Oryx.PlanImage(1573, 607, base40)).Message);
        Assert.Equal((1600, 800), (Oryx.PlanImage(1600, 800, base40).HighResWidth, Oryx.PlanImage(1600, 800, base40).HighResHeight));
        var base48 = new OryxOptions(highResPatch: 48);
        var fine = Oryx.PlanImage(1573, 607, base48);
        Assert.Equal(0, fine.HighResWidth % 16 + fine.HighResHeight % 16);
        var video40 = new OryxOptions(videoPatch: 40);
        Assert.Contains("320×200 is not a whole number of 16-px", Assert.Throws<PlanException>(() => Oryx.PlanVideo(64, 48, 32, video40)).Message);
        Assert.Contains("392×584 is not a whole number of 16-px",
            Assert.Throws<PlanException>(() => Oryx.PlanVideo(64, 1488, 2219, new OryxOptions(videoPatch: 8))).Message);
    }

    [Fact]
    public void Minres_is_discarded_without_video_minres_as_upstream_resets_it()
    {
        // strategies.md §6.1: when VIDEO_MINRES is unset, its else branch assigns MINRES = 0 (after MINRES was read).
        var env = new Dictionary<string, string>(ScriptEnvironment) { ["MINRES"] = "1024" };
        env.Remove("VIDEO_MINRES");
        var o = OryxOptions.FromEnvironment(env);
        Assert.Equal(0, o.MinRes);
        Assert.Null(o.VideoMinRes);
        // §6.2 example with the scripts' environment: 448×448 stays 448×448 (1415 positions), as MINRES 0 leaves it.
        Assert.Equal(1415, Oryx.CountTokens(Oryx.PlanImage(448, 448, o)));
        env["VIDEO_MINRES"] = "288";
        Assert.Equal(1024, OryxOptions.FromEnvironment(env).MinRes);
    }

    [Fact]
    public void Eval_large_does_not_change_planning_and_pad2stride_is_read_by_presence()
    {
        var env = new Dictionary<string, string>(ScriptEnvironment) { ["EVAL_LARGE"] = "1", ["PAD2STRIDE"] = "" };
        var o = OryxOptions.FromEnvironment(env);
        Assert.True(o.PadToStride);
        var plan = Oryx.PlanImage(1000, 700, o);
        // strategies.md §6.2 step 2: unscaled views are padded up to multiples of 32, grey, centred with a floor(diff / 2) offset.
        int paddedWidth = (1000 + 31) / 32 * 32, paddedHeight = (700 + 31) / 32 * 32;
        Assert.Equal((paddedWidth, paddedHeight), (plan.HighResWidth, plan.HighResHeight));
        Assert.Equal(((paddedWidth - 1000) / 2, (paddedHeight - 700) / 2), (plan.HighRes.PadLeft, plan.HighRes.PadTop));
    }

    [Fact]
    public void Unset_video_resize_or_minres_are_errors_where_upstream_raises_NameError()
    {
        // strategies.md §6.1 / §6.5.
        var noVideo = new OryxOptions(videoBase: null);
        var e = Assert.Throws<PlanException>(() => Oryx.PlanVideo(10, 640, 360, noVideo));
        Assert.Equal(PlanError.InvalidConfiguration, e.Error);
        Assert.Contains("VIDEO_RESIZE", e.Message);
        Assert.Equal(0, Oryx.MaxTokens(noVideo, OryxModality.Video));

        var noMin = new OryxOptions(videoMinRes: null);
        e = Assert.Throws<PlanException>(() => Oryx.PlanVideo(10, 480, 480, noMin)); // area = VIDEO_MAXRES²: the elif runs
        Assert.Contains("VIDEO_MINRES", e.Message);
        Assert.Equal(0, Oryx.PlanVideo(10, 481, 480, noMin).FrameWidth % 64); // above VIDEO_MAXRES² the name is never read
    }

    [Theory]
    [InlineData("LOWRES_RESIZE", "384")]   // bare int: upstream TypeError on the first image (§6.1)
    [InlineData("HIGHRES_BASE", "32")]     // no 'x': unpacking one value (ValueError)
    [InlineData("VIDEO_RESIZE", "0x64x2")] // too many values
    [InlineData("MAXRES", "15.36")]        // int('15.36') raises
    [InlineData("HIGHRES_BASE", "-1x32")]  // negative base: refused
    [InlineData("LOWRES_RESIZE", "384x0")] // patch 0: upstream divides by it
    public void Bad_environment_values_are_configuration_errors(string name, string value)
    {
        var env = new Dictionary<string, string>(ScriptEnvironment) { [name] = value };
        var e = Assert.Throws<PlanException>(() => OryxOptions.FromEnvironment(env));
        Assert.Equal(PlanError.InvalidConfiguration, e.Error);
    }

    [Fact]
    public void Python_int_spellings_are_accepted()
    {
        var env = new Dictionary<string, string>(ScriptEnvironment) { ["MAXRES"] = " 1_536 ", ["HIGHRES_BASE"] = "+0x 32" };
        var o = OryxOptions.FromEnvironment(env);
        Assert.Equal(1536, o.MaxRes);
        Assert.Equal((0, 32), (o.HighResBase, o.HighResPatch));
    }

    [Fact]
    public void Bad_sizes_options_and_modalities_are_rejected()
    {
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => Oryx.PlanImage(0, 10, OryxOptions.Scripts)).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => Oryx.PlanVideo(5, 10, -1, OryxOptions.Scripts)).Error);
        Assert.Throws<PlanException>(() => Oryx.PlanVideo(0, 640, 360, OryxOptions.Scripts));
        Assert.Throws<PlanException>(() => Oryx.PlanVideo(10, 640, 360, OryxOptions.Scripts, frames: 0));
        Assert.Throws<PlanException>(() => Oryx.PlanVideo(10, 640, 360, OryxOptions.Scripts, modality: OryxModality.Image));
        Assert.Throws<PlanException>(() => new OryxOptions(highResPatch: 0));
        Assert.Throws<PlanException>(() => new OryxOptions(maxRes: -1));
        Assert.Throws<PlanException>(() => new OryxOptions(framesUpbound: 0));
        Assert.Throws<PlanException>(() => new OryxOptions(modelMaxLength: 0));
        // MINRES beside an unset VIDEO_MINRES: upstream's import resets it to 0, so only FromEnvironment's reset is real.
        Assert.Throws<PlanException>(() => new OryxOptions(minRes: 448, videoMinRes: null));
        Assert.Equal(0, new OryxOptions(minRes: 0, videoMinRes: null).MinRes);
        // Python's int() reads Arabic-Indic digits; Tessera says it does not, rather than calling them unparseable.
        var arabic = new Dictionary<string, string>(ScriptEnvironment) { ["MAXRES"] = "\u0661\u0665\u0663\u0666" };
        Assert.Contains("beyond ASCII", Assert.Throws<PlanException>(() => OryxOptions.FromEnvironment(arabic)).Message);
        // A 48-px video patch gives odd grids for some sizes: 2×2 pooling cannot split them (upstream's reshape fails).
        var odd = new OryxOptions(videoPatch: 48);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => Oryx.PlanVideo(5, 480, 48, odd)).Error);
    }

    [Fact]
    public void The_sequence_cap_reports_what_upstream_cuts_silently()
    {
        // strategies.md §6.4: embeddings are cut to model_max_length, 16384 in the scripts.
        var under = Oryx.CapSequence(16384, OryxOptions.Scripts);
        Assert.False(under.IsTruncated);
        Assert.Equal(0, under.Dropped);
        var over = Oryx.CapSequence(16385 + 99, OryxOptions.Scripts);
        Assert.True(over.IsTruncated);
        Assert.Equal(16384, over.Kept);
        Assert.Equal(100, over.Dropped);
        Assert.False(Oryx.CapSequence(1_000_000, new OryxOptions(modelMaxLength: null)).IsTruncated);
    }

    [Fact]
    public void Image_layout_is_begin_low_rows_sep_high_rows_end()
    {
        var plan = Oryx.PlanImage(640, 480, OryxOptions.Scripts);
        Span<LayoutSegment> segments = new LayoutSegment[Oryx.LayoutSegmentCount(plan)];
        int n = Oryx.WriteLayout(plan, segments);
        Assert.Equal(segments.Length, n);
        Assert.Equal(Oryx.Begin, segments[0].Token);
        Assert.Equal(Oryx.End, segments[n - 1].Token);
        int sep = 1 + 2 * plan.LowResRows;
        Assert.Equal(Oryx.Sep, segments[sep].Token);
        for (int r = 0; r < plan.LowResRows; r++)
        {
            Assert.Equal(new LayoutSegment(SegmentKind.Context, Oryx.Feature, plan.LowResColumns, PieceRole.Overview, r), segments[1 + 2 * r]);
            Assert.Equal(Oryx.Newline, segments[2 + 2 * r].Token);
        }
        for (int r = 0; r < plan.HighResRows; r++)
        {
            Assert.Equal(new LayoutSegment(SegmentKind.Context, Oryx.Feature, plan.HighResColumns, PieceRole.Image, r), segments[sep + 1 + 2 * r]);
            Assert.Equal(Oryx.Newline, segments[sep + 2 + 2 * r].Token);
        }
    }

    [Fact]
    public void Image_layout_length_is_the_count_and_within_the_worst_case()
    {
        var gen =
            from w in Side
            from h in Side
            from o in Options
            select (w, h, o);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, o) = t;
            OryxImagePlan plan;
            try
            {
                plan = Oryx.PlanImage(w, h, o);
            }
            catch (PlanException e)
            {
                Assert.NotEqual(PlanError.InvalidSize, e.Error);
                return;
            }
            Span<LayoutSegment> segments = new LayoutSegment[Oryx.LayoutSegmentCount(plan)];
            int n = Oryx.WriteLayout(plan, segments);
            Assert.True(LayoutAssert.Consistent(segments[..n], segments.Length, Oryx.CountTokens(plan)));
            Assert.InRange(Oryx.CountTokens(plan), 5, Oryx.MaxTokens(o));
            if (o.HighResBase.HasValue)
            {
                Assert.Equal(0, plan.HighResWidth % o.HighResPatch);
                Assert.Equal(0, plan.HighResHeight % o.HighResPatch);
            }
        }).Check(Runs);
    }

    [Fact]
    public void Video_layout_length_is_the_count_and_within_the_worst_case()
    {
        var gen =
            from w in Side
            from h in Side
            from o in Options
            from total in Gen.Choose(1, 300)
            from longVideo in Gen.Elements(false, true)
            select (w, h, o, total, longVideo ? OryxModality.VideoLong : OryxModality.Video);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, o, total, modality) = t;
            OryxVideoPlan plan;
            try
            {
                plan = Oryx.PlanVideo(total, w, h, o, modality: modality);
            }
            catch (PlanException e)
            {
                Assert.NotEqual(PlanError.InvalidSize, e.Error);
                return;
            }
            Span<LayoutSegment> segments = new LayoutSegment[Oryx.LayoutSegmentCount(plan)];
            int n = Oryx.WriteLayout(plan, segments);
            Assert.True(LayoutAssert.Consistent(segments[..n], segments.Length, Oryx.CountTokens(plan)));
            Assert.InRange(Oryx.CountTokens(plan), 2 + plan.Frames, Oryx.MaxTokens(o, modality));
            Assert.InRange(plan.Frames, 1, o.FramesUpbound);
        }).Check(Runs);
    }

    [Fact]
    public void Plan_count_and_layout_do_not_allocate()
    {
        var o = OryxOptions.Scripts;
        var buffer = new LayoutSegment[16384];
        var indices = new long[64];
        long sink = Run(o, buffer, indices); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        sink += Run(o, buffer, indices);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink > 0);
        Assert.Equal(0, allocated);
    }

    private static long Run(OryxOptions o, LayoutSegment[] buffer, long[] indices)
    {
        long sum = 0;
        // Aspect ratios up to 25: every size plans under the scripts' settings (no exception, which would allocate).
        for (int w = 200; w < 5000; w += 397)
        {
            for (int h = 200; h < 5000; h += 401)
            {
                var image = Oryx.PlanImage(w, h, o);
                sum += Oryx.WriteLayout(image, buffer) + Oryx.CountTokens(image) + Oryx.MaxTokens(o);
                var video = Oryx.PlanVideo(100, w, h, o);
                sum += Oryx.WriteLayout(video, buffer) + Oryx.CountTokens(video) + Oryx.WriteFrameIndices(video, indices);
                sum += Oryx.CapSequence(sum & 0xFFFF, o).Kept;
            }
        }
        return sum;
    }

    private static Gen<int> Side => Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(1, 4000), Gen.Choose(1, 200_000));

    private static Gen<int?> Maybe(Gen<int> gen) =>
        Gen.Frequency((1, Gen.Constant<int?>(null)), (4, gen.Select(x => (int?)x)));

    private static Gen<OryxOptions> Options =>
        from highBase in Maybe(Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 3000)))
        from highPatch in Gen.OneOf(Gen.Constant(32), Gen.Choose(1, 128))
        from lowSize in Maybe(Gen.OneOf(Gen.Constant(384), Gen.Constant(0), Gen.Choose(1, 2000)))
        from lowPatch in Gen.OneOf(Gen.Constant(32), Gen.Choose(1, 128))
        from videoBase in Maybe(Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 2000)))
        from videoPatch in Gen.OneOf(Gen.Constant(64), Gen.Constant(32), Gen.Choose(1, 200))
        from maxRes in Gen.OneOf(Gen.Constant(1536), Gen.Choose(0, 4000))
        from minRes in Gen.OneOf(Gen.Constant(0), Gen.Choose(0, 3000))
        from videoMaxRes in Gen.OneOf(Gen.Constant(480), Gen.Choose(0, 3000))
        from videoMinRes in Maybe(Gen.OneOf(Gen.Constant(288), Gen.Choose(0, 3000)))
        from pad in Gen.Elements(false, true)
        from frames in Gen.Choose(1, 80)
        from sampling in Gen.Elements(OryxFrameSampling.Inference, OryxFrameSampling.Training)
        from vit in Gen.Elements(16, 14, 8)
        // MINRES survives only beside VIDEO_MINRES (upstream's import resets it otherwise).
        select new OryxOptions(highBase, highPatch, lowSize, lowPatch, videoBase, videoPatch, maxRes, videoMinRes is null ? 0 : minRes,
            videoMaxRes, videoMinRes, pad, frames, sampling, vit);
}

using System;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// The traps table at the end of ../shared/docs/strategies.md (§9) and the worked examples it cites. Each expected value
/// is quoted from the row named in the test.
/// </summary>
public class QwenAndInternVLTrapTests
{
    private static (long H, long W, long Tokens) Qwen(int h, int w, QwenVisionOptions o)
    {
        var p = QwenNativeResolution.Plan(w, h, o);
        return (p.ResizedHeight, p.ResizedWidth, p.Tokens);
    }

    [Fact] // §9 row 1: h=182, w=182 (default HF) → 168×168, 36 tokens (half-away ports: 196×196, 49)
    public void Row1_half_to_even_rounding() => Assert.Equal((168L, 168L, 36L), Qwen(182, 182, QwenVisionOptions.ProcessorDefaults));

    [Fact] // §9 row 2: 19×19 → 84×84, 9 tokens (float ceil overshoot in the min branch)
    public void Row2_float_ceil_overshoot() => Assert.Equal((84L, 84L, 9L), Qwen(19, 19, QwenVisionOptions.ProcessorDefaults));

    [Fact] // §9 row 3: 1×1 → current HF 56×56 (4 tokens); HF before #38706 raises
    public void Row3_tiny_images()
    {
        Assert.Equal((56L, 56L, 4L), Qwen(1, 1, QwenVisionOptions.ProcessorDefaults));
        var legacy = new QwenVisionOptions(rule: QwenResizeRule.TransformersLegacy);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => QwenNativeResolution.Plan(1, 1, legacy)).Error);
    }

    [Fact] // §9 row 4: h=1,w=200 → 28×812; h=1,w=201 and h=2,w=401 (200.5) raise
    public void Row4_aspect_limit_is_strict()
    {
        Assert.Equal((28L, 812L, 29L), Qwen(1, 200, QwenVisionOptions.ProcessorDefaults));
        Assert.Equal(PlanError.AspectRatioTooLarge, Assert.Throws<PlanException>(() => Qwen(1, 201, QwenVisionOptions.ProcessorDefaults)).Error);
        Assert.Equal(PlanError.AspectRatioTooLarge, Assert.Throws<PlanException>(() => Qwen(2, 401, QwenVisionOptions.ProcessorDefaults)).Error);
    }

    [Fact] // §9 row 5: h=1, w=200: HF 28×812 (29 tokens), qwen-vl-utils 28×196 (7 tokens)
    public void Row5_clamp_up_front_in_qwen_vl_utils()
    {
        var utils = new QwenVisionOptions(rule: QwenResizeRule.QwenVlUtils);
        Assert.Equal((28L, 196L, 7L), Qwen(1, 200, utils));
    }

    [Fact] // §9 row 6: h=100, w=20000, max 100352: current HF 28×4480; qwen-vl-utils and legacy HF 0×4480
    public void Row6_missing_clamp_returns_zero()
    {
        Assert.Equal((28L, 4480L), Take2(Qwen(100, 20000, new QwenVisionOptions(maxPixels: 100352))));
        Assert.Equal((0L, 4480L), Take2(Qwen(100, 20000, new QwenVisionOptions(maxPixels: 100352, rule: QwenResizeRule.QwenVlUtils))));
        Assert.Equal((0L, 4480L), Take2(Qwen(100, 20000, new QwenVisionOptions(maxPixels: 100352, rule: QwenResizeRule.TransformersLegacy))));
        static (long, long) Take2((long H, long W, long T) r) => (r.H, r.W);
    }

    [Fact] // §9 row 7: h=3, w=19, min 3136, clamp-up-front variant → 28×168 (C++ ports 28×140)
    public void Row7_no_int64_truncation_before_ceil()
    {
        var r = Qwen(3, 19, new QwenVisionOptions(rule: QwenResizeRule.QwenVlUtils));
        Assert.Equal((28L, 168L), (r.H, r.W));
    }

    [Fact] // §9 row 8: width 1, height 7 → 168×28 (h×w); transformers.js 196×28
    public void Row8_no_pre_upscale()
    {
        var r = Qwen(7, 1, QwenVisionOptions.ProcessorDefaults);
        Assert.Equal((168L, 28L), (r.H, r.W));
    }

    [Fact] // §9 row 9: 1920×1080 → checkpoint 1092×1932, 2691 tokens; class default 728×1316, 1222 tokens
    public void Row9_class_versus_checkpoint_max_pixels()
    {
        Assert.Equal((1092L, 1932L, 2691L), Qwen(1080, 1920, QwenVisionOptions.Checkpoint));
        Assert.Equal((728L, 1316L, 1222L), Qwen(1080, 1920, QwenVisionOptions.ProcessorDefaults));
    }

    [Theory] // §9 row 17: 633×633 → 1 tile (256); 634×634 → 5 tiles (1280). §2.3: 950 → (2,2), 951 → (3,3)+thumb = 10
    [InlineData(633, 1, 1, 1)]
    [InlineData(634, 2, 2, 5)]
    [InlineData(950, 2, 2, 5)]
    [InlineData(951, 3, 3, 10)]
    public void Row17_strict_area_tie_break(int side, int cols, int rows, int images)
    {
        foreach (var order in new[] { InternVLCandidateOrder.Official, InternVLCandidateOrder.Transformers })
        {
            var plan = InternVLDynamicTiling.Plan(side, side, new InternVLOptions(order: order));
            Assert.Equal(new GridShape(cols, rows), plan.Grid);
            Assert.Equal(images, plan.NumImages);
            Assert.Equal(256L * images, plan.ContextTokens);
        }
    }

    [Fact] // §9 row 18: 17×8 → (2,1) + thumbnail = 3 tiles, 768 (+2) tokens
    public void Row18_small_non_square_images_are_upscaled_into_tiles()
    {
        var plan = InternVLDynamicTiling.Plan(17, 8, InternVLOptions.ModelCard);
        Assert.Equal(new GridShape(2, 1), plan.Grid);
        Assert.Equal(770L, InternVLDynamicTiling.CountTokens(plan));
    }

    [Fact] // §9 row 19: the thumbnail comes last
    public void Row19_thumbnail_is_last_in_the_layout()
    {
        var plan = InternVLDynamicTiling.Plan(2000, 1000, InternVLOptions.ModelCard);
        Span<LayoutSegment> segments = new LayoutSegment[InternVLDynamicTiling.LayoutSegmentCount(plan)];
        int n = InternVLDynamicTiling.WriteLayout(plan, segments);
        Assert.Equal(InternVLDynamicTiling.ImageEnd, segments[n - 1].Token);
        Assert.Equal(PieceRole.Overview, segments[n - 2].Role);
        Assert.All(segments[1..(n - 2)].ToArray(), s => Assert.Equal(PieceRole.Tile, s.Role));
    }

    [Fact] // §2.3: on an exact tie the earlier candidate keeps the title unless the image covers more than half of the
           // later canvas. With min = max = 4, a 5×2 image (aspect 2.5) ties (2,2) and (4,1) exactly (|2.5−1| = |2.5−4|);
           // the two variants list equal-product grids in different orders (checked against upstream in
           // InternVLCandidateOrderTests), so each must pick the first tied grid of its own list.
    public void Exact_ties_go_to_the_first_listed_candidate_of_each_variant()
    {
        Assert.Equal(Math.Abs(2.5 - 1.0), Math.Abs(2.5 - 4.0));
        foreach (var order in new[] { InternVLCandidateOrder.Official, InternVLCandidateOrder.Transformers })
        {
            var options = new InternVLOptions(minTiles: 4, maxTiles: 4, order: order);
            GridShape firstTied = default;
            foreach (var c in options.Candidates)
            {
                if (c.Equals(new GridShape(2, 2)) || c.Equals(new GridShape(4, 1))) { firstTied = c; break; }
            }
            Assert.Equal(firstTied, InternVLDynamicTiling.Plan(5, 2, options).Grid);
        }
        Assert.NotEqual(
            InternVLDynamicTiling.Plan(5, 2, new InternVLOptions(minTiles: 4, maxTiles: 4)).Grid,
            InternVLDynamicTiling.Plan(5, 2, new InternVLOptions(minTiles: 4, maxTiles: 4, order: InternVLCandidateOrder.Transformers)).Grid);
    }
}

/// <summary>§7 (documented OpenAI examples) and §8 / §9 rows 38–40.</summary>
public class GptAndFixedTrapTests
{
    [Theory] // §7: 1024×1024 high → 765; 2048×4096 high → 1105; 512×512 → 255 (row 39); 800×600 → 765; 1920×1080 → 1105
    [InlineData(1024, 1024, 765)]
    [InlineData(2048, 4096, 1105)]
    [InlineData(512, 512, 255)]
    [InlineData(800, 600, 765)]
    [InlineData(1920, 1080, 1105)]
    public void Documented_high_detail_examples(int w, int h, long tokens)
    {
        foreach (var rounding in new[] { GptScaledSizeRounding.Exact, GptScaledSizeRounding.Floor })
            Assert.Equal(tokens, GptDetailCost.Plan(w, h, new GptDetailOptions(rounding: rounding)).Tokens);
    }

    [Fact] // §7 / row 38: 1366×1024 → 1105 keeping fractions, 765 truncating
    public void Row38_rounding_rule_is_explicit()
    {
        Assert.Equal(1105, GptDetailCost.Plan(1366, 1024, new GptDetailOptions()).Tokens);
        Assert.Equal(765, GptDetailCost.Plan(1366, 1024, new GptDetailOptions(rounding: GptScaledSizeRounding.Floor)).Tokens);
    }

    [Fact] // §7: 4096×8192 low → 85
    public void Low_detail_is_flat() => Assert.Equal(85, GptDetailCost.Plan(4096, 8192, new GptDetailOptions(GptDetail.Low)).Tokens);

    [Fact] // §8: CLIP ViT-B/16 196, ViT-L/14 @224 256, @336 576, LLaVA-1.5 576
    public void Fixed_resolution_counts()
    {
        Assert.Equal(196, FixedResolution.CountTokens(FixedResolution.Plan(640, 480, FixedResolutionOptions.ClipVitB16)));
        Assert.Equal(256, FixedResolution.CountTokens(FixedResolution.Plan(640, 480, FixedResolutionOptions.ClipVitL14)));
        Assert.Equal(576, FixedResolution.CountTokens(FixedResolution.Plan(640, 480, FixedResolutionOptions.ClipVitL14At336)));
        var llava = FixedResolution.Plan(641, 480, FixedResolutionOptions.Llava15);
        Assert.Equal(576, FixedResolution.CountTokens(llava));
        // §8: original centred at floor(diff/2), the extra row/column at the bottom/right.
        Assert.Equal((641, 0, 80), (llava.PaddedSide, llava.PadLeft, llava.PadTop));
    }
}

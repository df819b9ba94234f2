using System;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Invariants over random sizes and configurations: the layout's length is the strategy's token count, counts never
/// exceed the configuration's worst case, and tiles cover the resized image exactly.
/// </summary>
public class PlanPropertyTests
{
    private static readonly Config Runs = PropertyRuns.Of(400);

    private static Gen<int> Side => Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(1, 4000), Gen.Choose(1, 20000));

    private static long LayoutLength(ReadOnlySpan<LayoutSegment> segments)
    {
        long total = 0;
        foreach (var s in segments) total += s.Count;
        return total;
    }

    [Fact]
    public void Qwen_layout_length_is_the_count_and_within_the_worst_case()
    {
        var gen =
            from w in Side
            from h in Side
            from patch in Gen.Choose(1, 32)
            from merge in Gen.Choose(1, 4)
            from min in Gen.Choose(0, 200_000)
            from extra in Gen.Choose(1, 20_000_000)
            from rule in Gen.Elements(QwenResizeRule.Transformers, QwenResizeRule.QwenVlUtils)
            select (w, h, new QwenVisionOptions(patch, merge, min, min + extra, rule));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, o) = t;
            if ((double)Math.Max(w, h) / Math.Min(w, h) > 200)
            {
                Assert.Throws<PlanException>(() => QwenNativeResolution.Plan(w, h, o));
                return;
            }
            var plan = QwenNativeResolution.Plan(w, h, o);
            Span<LayoutSegment> segments = new LayoutSegment[QwenNativeResolution.LayoutSegmentCount(plan)];
            int n = QwenNativeResolution.WriteLayout(plan, segments);
            Assert.Equal(QwenNativeResolution.CountTokens(plan), LayoutLength(segments[..n]));
            Assert.InRange(QwenNativeResolution.CountTokens(plan), 2, QwenNativeResolution.MaxTokens(o));
            Assert.Equal(0, plan.ResizedWidth % o.Factor);
            Assert.Equal(0, plan.ResizedHeight % o.Factor);
        }).Check(Runs);
    }

    [Fact]
    public void InternVL_layout_length_is_the_count_tiles_cover_the_canvas_and_counts_stay_within_the_worst_case()
    {
        var gen =
            from w in Side
            from h in Side
            from tile in Gen.Choose(1, 1024)
            from min in Gen.Choose(1, 8)
            from span in Gen.Choose(0, 40)
            from thumb in Gen.Elements(true, false)
            from tpt in Gen.Choose(0, 512)
            from order in Gen.Elements(InternVLCandidateOrder.Official, InternVLCandidateOrder.Transformers)
            select (w, h, new InternVLOptions(tile, min, min + span, thumb, tpt, order));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, o) = t;
            var plan = InternVLDynamicTiling.Plan(w, h, o);
            Span<LayoutSegment> segments = new LayoutSegment[InternVLDynamicTiling.LayoutSegmentCount(plan)];
            int n = InternVLDynamicTiling.WriteLayout(plan, segments);
            Assert.Equal(InternVLDynamicTiling.CountTokens(plan), LayoutLength(segments[..n]));
            Assert.InRange(InternVLDynamicTiling.CountTokens(plan), 2, InternVLDynamicTiling.MaxTokens(o));
            Assert.InRange(plan.Blocks, o.MinTiles, o.MaxTiles);
            // Row-major tiles of side S over a (S·cols)×(S·rows) canvas cover it exactly, without overlap.
            Assert.Equal(plan.ResizedWidth * plan.ResizedHeight, (long)plan.Blocks * o.TileSize * o.TileSize);
            Assert.Equal(plan.Thumbnail, o.UseThumbnail && plan.Blocks > 1);
        }).Check(Runs);
    }

    [Fact]
    public void Gpt_and_fixed_layouts_are_their_counts()
    {
        var gen =
            from w in Side
            from h in Side
            from rounding in Gen.Elements(GptScaledSizeRounding.Exact, GptScaledSizeRounding.Floor)
            from detail in Gen.Elements(GptDetail.High, GptDetail.Low)
            select (w, h, new GptDetailOptions(detail, rounding: rounding));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (w, h, o) = t;
            var plan = GptDetailCost.Plan(w, h, o);
            Span<LayoutSegment> segments = new LayoutSegment[GptDetailCost.LayoutSegmentCount(plan)];
            int n = GptDetailCost.WriteLayout(plan, segments);
            Assert.Equal(GptDetailCost.CountTokens(plan), LayoutLength(segments[..n]));
            Assert.InRange(plan.Tokens, o.BaseTokens, GptDetailCost.MaxTokens(o));
            foreach (var fixedOptions in new[] { FixedResolutionOptions.ClipVitB16, FixedResolutionOptions.Llava15 })
            {
                var f = FixedResolution.Plan(w, h, fixedOptions);
                Span<LayoutSegment> fs = new LayoutSegment[FixedResolution.LayoutSegmentCount(f)];
                int fn = FixedResolution.WriteLayout(f, fs);
                Assert.Equal(FixedResolution.CountTokens(f), LayoutLength(fs[..fn]));
                Assert.Equal(FixedResolution.MaxTokens(fixedOptions), FixedResolution.CountTokens(f));
                Assert.Equal(fixedOptions.ShortestEdge, Math.Min(f.ResizedWidth, f.ResizedHeight));
            }
        }).Check(Runs);
    }
}

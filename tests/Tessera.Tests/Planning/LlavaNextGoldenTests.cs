using System;
using System.Linq;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>LLaVA-NeXT AnyRes: goldens through the CLI path, strategies.md §9 rows 20–24, and properties.</summary>
public class LlavaNextGoldenTests
{
    private const string File = "llava_next.select_best_resolution.jsonl";

    [Fact]
    public void Trap20_int_truncation_in_effective_area_picks_672x336()
    {
        // strategies.md §9 row 20 (and §3.2): W=570, H=1141 → (672, 336) as (h, w); a rounding port picks (1008, 336).
        var plan = LlavaNextAnyRes.Plan(570, 1141, LlavaNextOptions.V16);
        Assert.Equal(new Pinpoint(672, 336), plan.Canvas);
    }

    [Fact]
    public void Trap21_pinpoints_are_read_height_first()
    {
        // strategies.md §9 row 21 (§3.3): 200×100 → HF canvas 336 high × 672 wide, 1 row × 2 cols, 1752 tokens; the golden
        // line for 200×100 carries the same values.
        var plan = LlavaNextAnyRes.Plan(200, 100, LlavaNextOptions.V16);
        Assert.Equal((1, 2), (plan.Rows, plan.Columns));
        Assert.Equal(1752, LlavaNextAnyRes.CountTokens(plan));
        var golden = GoldenComparer.Line(File, 200, 100)!["result"]!;
        Assert.Equal((long)golden["num_image_tokens"]!, LlavaNextAnyRes.CountTokens(plan));
        Assert.Equal((int)golden["grid"]![1]!, plan.Columns);
    }

    [Fact]
    public void Trap22_round7_before_int_in_unpadding()
    {
        // strategies.md §9 row 22 (§3.5): W=110, H=176 → 984 tokens; plain int(H·(CW/W)) would give 936.
        Assert.Equal(984, LlavaNextAnyRes.CountTokens(LlavaNextAnyRes.Plan(110, 176, LlavaNextOptions.V16)));
    }

    [Fact]
    public void Trap23_kept_rows_are_ch_minus_twice_the_floored_half_padding()
    {
        // strategies.md §9 row 23 (§3.5 step 2): W=641, H=480 → new = 35 but 36 rows kept → 2340 tokens (not 2291).
        var plan = LlavaNextAnyRes.Plan(641, 480, LlavaNextOptions.V16);
        Assert.Equal(36, plan.FeatureRows);
        Assert.Equal(2340, LlavaNextAnyRes.CountTokens(plan));
    }

    [Fact]
    public void Trap24_cls_adjustment_needs_num_additional_image_tokens()
    {
        // strategies.md §9 row 24 (§3.5 step 4–5): 1920×1080 → 1948 with num_additional_image_tokens = 1 (also the
        // golden line), 1947 when a processor config lacks the field (it defaults to 0).
        var with = LlavaNextAnyRes.Plan(1920, 1080, LlavaNextOptions.V16);
        Assert.Equal(1948, LlavaNextAnyRes.CountTokens(with));
        Assert.Equal((long)GoldenComparer.Line(File, 1920, 1080)!["result"]!["num_image_tokens"]!, LlavaNextAnyRes.CountTokens(with));
        var without = new LlavaNextOptions(LlavaNextOptions.V16.Pinpoints.ToArray(), 336, 14, FeatureSelectStrategy.Default, 0);
        Assert.Equal(1947, LlavaNextAnyRes.CountTokens(LlavaNextAnyRes.Plan(1920, 1080, without)));
    }

    [Fact]
    public void Bad_configs_are_typed_errors()
    {
        var pins = LlavaNextOptions.V16.Pinpoints.ToArray();
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => new LlavaNextOptions(System.Array.Empty<Pinpoint>())).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => new LlavaNextOptions(pins, 335, 14)).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => new LlavaNextOptions(new[] { new Pinpoint(336, 500) })).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => new LlavaNextOptions(new[] { new Pinpoint(0, 336) })).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => LlavaNextAnyRes.Plan(0, 10, LlavaNextOptions.V16)).Error);
        var config = GoldenComparer.FirstConfig(File);
        config["vision_feature_select_strategy"] = "cls_patch";
        var request = new JsonObject { ["strategy"] = "llava_next.select_best_resolution", ["config"] = config, ["width"] = 10, ["height"] = 10 };
        Assert.Contains("\"error\"", Tessera.Cli.Conformance.PlanConformance.ProcessLine(request.ToJsonString()));
    }

    [Fact]
    public void Largest_sizes_do_not_overflow()
    {
        var plan = LlavaNextAnyRes.Plan(int.MaxValue, int.MaxValue, LlavaNextOptions.V16);
        Assert.InRange(LlavaNextAnyRes.CountTokens(plan), 1, LlavaNextAnyRes.MaxTokens(LlavaNextOptions.V16));
        plan = LlavaNextAnyRes.Plan(1, int.MaxValue, LlavaNextOptions.V16);
        Assert.InRange(LlavaNextAnyRes.CountTokens(plan), 1, LlavaNextAnyRes.MaxTokens(LlavaNextOptions.V16));
    }

    internal static Gen<Pinpoint[]> PinpointLists(Gen<int> crop) =>
        from c in crop
        from n in Gen.Choose(1, 8)
        from pairs in Gen.ArrayOf(Gen.Choose(1, 6).Two(), n)
        select pairs.Select(p => new Pinpoint(p.Item1 * c, p.Item2 * c)).ToArray();

    private static readonly Gen<LlavaNextOptions> Configs =
        from patch in Gen.Choose(1, 32)
        from k in Gen.Choose(1, 40)
        from pins in PinpointLists(Gen.Constant(patch * k))
        from strategy in Gen.Elements(FeatureSelectStrategy.Default, FeatureSelectStrategy.Full)
        from extra in Gen.Choose(0, 2)
        select new LlavaNextOptions(pins, patch * k, patch, strategy, extra);

    internal static readonly Gen<(int, int)> Sizes = Gen.Choose(1, 20000).Two().Select(t => (t.Item1, t.Item2));

    [Property(MaxTest = 400)]
    public Property Layout_matches_count_within_worst_case_and_crops_tile_the_canvas() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(Sizes), (options, size) =>
        {
            var plan = LlavaNextAnyRes.Plan(size.Item1, size.Item2, options);
            var segments = new LayoutSegment[LlavaNextAnyRes.LayoutSegmentCount(plan)];
            int written = LlavaNextAnyRes.WriteLayout(plan, segments);
            long tokens = LlavaNextAnyRes.CountTokens(plan);
            return LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, tokens)
                && tokens == plan.NumImageTokens
                && tokens <= LlavaNextAnyRes.MaxTokens(options)
                && (long)plan.Rows * options.CropSize == plan.Canvas.Height
                && (long)plan.Columns * options.CropSize == plan.Canvas.Width
                && plan.ResizedWidth <= plan.Canvas.Width && plan.ResizedHeight <= plan.Canvas.Height
                && options.Pinpoints.ToArray().Contains(plan.Canvas);
        });
}

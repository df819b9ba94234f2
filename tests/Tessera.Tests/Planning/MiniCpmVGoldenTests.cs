using System;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>MiniCPM-V 2.6 slicing: goldens through the CLI path, strategies.md §9 rows 28–30, layout, properties.</summary>
public class MiniCpmVGoldenTests
{
    private const string File = "minicpmv.slice.jsonl";

    [Fact]
    public void Trap28_half_even_ensure_divide()
    {
        // strategies.md §9 row 28 (§5.2): 200×207 → overview 434×448 (int(448/√r) = 455 = 14·32.5 rounds to even 32);
        // std::round ports get 434×462.
        var plan = MiniCpmVSlicing.Plan(200, 207, MiniCpmVOptions.MiniCpmV26);
        Assert.Equal((434L, 448L), (plan.SourceWidth, plan.SourceHeight));
    }

    [Fact]
    public void Trap29_last_bit_log_tie_picks_8x1()
    {
        // strategies.md §9 row 29 (§5.2): 4000×1000 → grid [8, 1], 8 slices, 597 tokens with image id 0; the golden line
        // for 4000×1000 says the same.
        var plan = MiniCpmVSlicing.Plan(4000, 1000, MiniCpmVOptions.MiniCpmV26);
        Assert.Equal(new GridShape(8, 1), plan.Grid);
        Assert.Equal(597, MiniCpmVSlicing.CountTokens(plan));
        var golden = GoldenComparer.Line(File, 4000, 1000)!["result"]!;
        Assert.Equal((long)golden["placeholder"]!["total_if_markers_newlines_digits_are_single_tokens"]!, MiniCpmVSlicing.CountTokens(plan));
    }

    [Fact]
    public void Trap30_round_versus_floor_between_minicpm_and_the_uhd_branch()
    {
        // strategies.md §9 row 30 (§5.2): 1920×1080 at S=448, max 9 → MiniCPM overview 602×336, refine 1680×952;
        // v1 branch (floor) 588×336, refine 1680×924.
        var round = MiniCpmVSlicing.Plan(1920, 1080, MiniCpmVOptions.MiniCpmV26);
        Assert.Equal((602L, 336L, 1680L, 952L), (round.SourceWidth, round.SourceHeight, round.RefineWidth, round.RefineHeight));
        var floor = MiniCpmVSlicing.Plan(1920, 1080, new MiniCpmVOptions(448, 14, 9, rule: EnsureDivideRule.Floor, schema: SliceTokenSchema.CommaNewline));
        Assert.Equal((588L, 336L, 1680L, 924L), (floor.SourceWidth, floor.SourceHeight, floor.RefineWidth, floor.RefineHeight));
    }

    [Fact]
    public void Layout_of_1920x1080_is_id_overview_then_two_rows_of_four_slices()
    {
        // strategies.md §5.2: grid [4, 2] → 3 + 66 + 528 + 1 = 598 positions.
        var plan = MiniCpmVSlicing.Plan(1920, 1080, MiniCpmVOptions.MiniCpmV26, imageIndex: 0);
        var segments = new LayoutSegment[MiniCpmVSlicing.LayoutSegmentCount(plan)];
        MiniCpmVSlicing.WriteLayout(plan, segments);
        Assert.Equal(new LayoutSegment(SegmentKind.Marker, "<image_id>", 1), segments[0]);
        Assert.Equal(new LayoutSegment(SegmentKind.Text, "0", 1), segments[1]);
        Assert.Equal(new LayoutSegment(SegmentKind.Marker, "</image_id>", 1), segments[2]);
        Assert.Equal(new LayoutSegment(SegmentKind.Context, "<unk>", 64, PieceRole.Overview), segments[4]);
        Assert.Equal(new LayoutSegment(SegmentKind.Separator, "\n", 1), segments[6 + 4 * 3]);
        Assert.Equal(598, MiniCpmVSlicing.CountTokens(plan));
        long sum = 0;
        foreach (var s in segments) sum += s.Count;
        Assert.Equal(598, sum);
    }

    [Fact]
    public void Image_id_digits_are_one_position_each()
    {
        var plan = MiniCpmVSlicing.Plan(100, 100, MiniCpmVOptions.MiniCpmV26, imageIndex: 305);
        var segments = new LayoutSegment[MiniCpmVSlicing.LayoutSegmentCount(plan)];
        MiniCpmVSlicing.WriteLayout(plan, segments);
        Assert.Equal(new[] { "3", "0", "5" }, new[] { segments[1].Token, segments[2].Token, segments[3].Token });
        Assert.Equal(2 + 3 + 66, MiniCpmVSlicing.CountTokens(plan));
    }

    [Fact]
    public void Bad_configs_and_sizes_are_typed_errors()
    {
        Assert.Equal(PlanError.InvalidConfiguration,
            Assert.Throws<PlanException>(() => MiniCpmVSlicing.Plan(10, 10, new MiniCpmVOptions(maxSliceNums: 0))).Error);
        Assert.Equal(PlanError.InvalidConfiguration,
            Assert.Throws<PlanException>(() => MiniCpmVSlicing.Plan(10, 10, new MiniCpmVOptions(scaleResolution: 0))).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => MiniCpmVSlicing.Plan(0, 10, MiniCpmVOptions.MiniCpmV26)).Error);
        var config = GoldenComparer.FirstConfig(File);
        config["max_slice_nums"] = -1;
        var request = new JsonObject { ["strategy"] = "minicpmv.slice", ["config"] = config, ["width"] = 10, ["height"] = 10 };
        Assert.Contains("\"error\"", Tessera.Cli.Conformance.PlanConformance.ProcessLine(request.ToJsonString()));
    }

    [Fact]
    public void Largest_sizes_do_not_overflow()
    {
        var o = MiniCpmVOptions.MiniCpmV26;
        foreach (var (w, h) in new[] { (int.MaxValue, int.MaxValue), (int.MaxValue, 1), (1, int.MaxValue) })
        {
            var plan = MiniCpmVSlicing.Plan(w, h, o);
            Assert.InRange(MiniCpmVSlicing.CountTokens(plan), 1, MiniCpmVSlicing.MaxTokens(o));
        }
    }

    internal static readonly Gen<MiniCpmVOptions> Configs =
        from s in Gen.Choose(28, 1024)
        from patch in Gen.Choose(1, 32)
        from max in Gen.Choose(1, 16)
        from flags in Gen.Choose(0, 7)
        from q in Gen.Choose(0, 128)
        from rule in Gen.Elements(EnsureDivideRule.RoundHalfEven, EnsureDivideRule.Floor)
        from schema in Gen.Elements(SliceTokenSchema.MiniCpmV26, SliceTokenSchema.CommaNewline)
        select new MiniCpmVOptions(s, patch, max, neverSplit: flags == 7, q, useImageId: (flags & 1) == 0, sliceMode: flags != 6, rule, schema);

    [Property(MaxTest = 500)]
    public Property Layout_matches_count_within_worst_case_and_slices_tile_the_refine_image() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(LlavaNextGoldenTests.Sizes), Arb.From(Gen.Choose(0, 100000)), (options, size, index) =>
        {
            var plan = MiniCpmVSlicing.Plan(size.Item1, size.Item2, options, index);
            var segments = new LayoutSegment[MiniCpmVSlicing.LayoutSegmentCount(plan)];
            int written = MiniCpmVSlicing.WriteLayout(plan, segments);
            long tokens = MiniCpmVSlicing.CountTokens(plan);
            bool ok = LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, tokens)
                && tokens <= MiniCpmVSlicing.MaxTokens(options, index)
                && plan.SourceWidth > 0 && plan.SourceHeight > 0;
            if (!plan.IsSliced) return ok && plan.NumSlices == 0;
            // Row-major boxes: each starts where the previous one in its row ends, rows stack, and the last ones reach the edges.
            for (int k = 0; k < plan.NumSlices; k++)
            {
                var box = MiniCpmVSlicing.SliceBox(plan, k);
                int col = k % plan.Grid.Columns, row = k / plan.Grid.Columns;
                var left = col == 0 ? 0 : MiniCpmVSlicing.SliceBox(plan, k - 1).X + MiniCpmVSlicing.SliceBox(plan, k - 1).Width;
                var top = row == 0 ? 0 : MiniCpmVSlicing.SliceBox(plan, k - plan.Grid.Columns).Y + MiniCpmVSlicing.SliceBox(plan, k - plan.Grid.Columns).Height;
                ok &= box.X == left && box.Y == top && box.Width > 0 && box.Height > 0
                    && (col != plan.Grid.Columns - 1 || box.X + box.Width == plan.RefineWidth)
                    && (row != plan.Grid.Rows - 1 || box.Y + box.Height == plan.RefineHeight)
                    && box.Width % options.PatchSize == 0 && box.Height % options.PatchSize == 0;
            }
            return ok && plan.NumSlices <= options.MaxSliceNums && plan.NumSlices >= 2;
        });
}

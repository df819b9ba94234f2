using System;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>LLaVA-UHD v1 <c>slice_logic.py</c> and the v1 branch's <c>slice_image_minicpm</c>: goldens through the CLI path,
/// strategies.md §9 rows 32–33, layout, properties.</summary>
public class LlavaUhdGoldenTests
{
    [Fact]
    public void Trap32_adapt_size_float_floor()
    {
        // strategies.md §9 row 32 (§5.1): 337×337 → 23×23 patches (322 px) because scale·337/14 evaluates to 23.999…;
        // the golden line for 337×337 carries the same abstract size.
        var plan = LlavaUhd.Plan(337, 337, LlavaUhdOptions.V1);
        Assert.Equal((23L, 23L), (plan.AbstractPatchesWidth, plan.AbstractPatchesHeight));
        Assert.Equal(322L, plan.AbstractResizedWidth);
        var golden = GoldenComparer.Line("llava_uhd.slice.jsonl", 337, 337)!["result"]!;
        Assert.Equal((long)golden["abstract_patches"]![0]!, plan.AbstractPatchesWidth);
    }

    [Fact]
    public void Trap33_tiny_images_are_sliced()
    {
        // strategies.md §9 row 33 (§5.1): 100×50 → 2×1 slices plus the overview (scale 1 admits the 2-slice grids).
        var plan = LlavaUhd.Plan(100, 50, LlavaUhdOptions.V1);
        Assert.Equal(new GridShape(2, 1), plan.Grid);
        Assert.Equal(3, plan.NumImages);
        // The MiniCPM-style branch does not slice it (§5.3 "small images").
        Assert.False(MiniCpmVSlicing.Plan(100, 50, MiniCpmVOptions.LlavaUhdV1Branch).IsSliced);
    }

    [Fact]
    public void Layout_is_slices_with_comma_and_newline_then_overview_last()
    {
        // strategies.md §5.1: ',' after each slice except the last in a row, '\n' at each row end, overview last.
        var plan = LlavaUhd.Plan(1920, 1080, LlavaUhdOptions.V1); // grid [3, 2] in the golden line
        Assert.Equal(new GridShape(3, 2), plan.Grid);
        var segments = new LayoutSegment[LlavaUhd.LayoutSegmentCount(plan)];
        LlavaUhd.WriteLayout(plan, segments);
        var separators = new System.Collections.Generic.List<string>();
        foreach (var s in segments) if (s.Kind == SegmentKind.Separator) separators.Add(s.Token);
        Assert.Equal(new[] { ",", ",", "\n", ",", ",", "\n" }, separators);
        Assert.Equal(PieceRole.Overview, segments[^1].Role);
        Assert.Equal(64L * 7 + 6, LlavaUhd.CountTokens(plan));
    }

    [Fact]
    public void Uhd_branch_layout_is_overview_first_then_slices_with_ind_tokens()
    {
        var plan = MiniCpmVSlicing.Plan(1920, 1080, MiniCpmVOptions.LlavaUhdV1Branch);
        var segments = new LayoutSegment[MiniCpmVSlicing.LayoutSegmentCount(plan)];
        MiniCpmVSlicing.WriteLayout(plan, segments);
        Assert.Equal(PieceRole.Overview, segments[0].Role);
        int separators = 0;
        foreach (var s in segments) if (s.Kind == SegmentKind.Separator) separators++;
        Assert.Equal(plan.SeparatorTokens, separators);
        Assert.Equal(plan.NumSlices, separators);
    }

    [Fact]
    public void Bad_configs_and_sizes_are_typed_errors()
    {
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => LlavaUhd.Plan(10, 10, new LlavaUhdOptions(335, 14))).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => LlavaUhd.Plan(10, 10, new LlavaUhdOptions(336, 14, 0))).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => LlavaUhd.Plan(10, 0, LlavaUhdOptions.V1)).Error);
        var config = GoldenComparer.FirstConfig("llava_uhd.slice.jsonl");
        config["max_patches"] = 577;
        var request = new System.Text.Json.Nodes.JsonObject { ["strategy"] = "llava_uhd.slice", ["config"] = config, ["width"] = 10, ["height"] = 10 };
        Assert.Contains("\"error\"", Tessera.Cli.Conformance.PlanConformance.ProcessLine(request.ToJsonString()));
    }

    [Fact]
    public void Largest_sizes_do_not_overflow()
    {
        foreach (var (w, h) in new[] { (int.MaxValue, int.MaxValue), (int.MaxValue, 1), (1, int.MaxValue) })
        {
            var plan = LlavaUhd.Plan(w, h, LlavaUhdOptions.V1);
            Assert.InRange(LlavaUhd.CountTokens(plan), 1, LlavaUhd.MaxTokens(LlavaUhdOptions.V1));
        }
    }

    private static readonly Gen<LlavaUhdOptions> Configs =
        from patch in Gen.Choose(1, 32)
        from k in Gen.Choose(1, 40)
        from max in Gen.Choose(1, 12)
        from q in Gen.Choose(0, 128)
        select new LlavaUhdOptions(patch * k, patch, max, q);

    [Property(MaxTest = 500)]
    public Property Layout_matches_count_within_worst_case_and_slices_tile_the_image() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(LlavaNextGoldenTests.Sizes), (options, size) =>
        {
            LlavaUhdPlan plan;
            try
            {
                plan = LlavaUhd.Plan(size.Item1, size.Item2, options);
            }
            catch (PlanException e)
            {
                // Only a slice narrower than a pixel may fail (upstream divides by zero there).
                var grid = LlavaUhd.SliceGrid(size.Item1, size.Item2, options.VitSize, options.MaxSlices);
                return e.Error == PlanError.InvalidSize && (size.Item1 < grid.Columns || size.Item2 < grid.Rows);
            }
            var segments = new LayoutSegment[LlavaUhd.LayoutSegmentCount(plan)];
            int written = LlavaUhd.WriteLayout(plan, segments);
            long tokens = LlavaUhd.CountTokens(plan);
            bool ok = LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, tokens)
                && tokens <= LlavaUhd.MaxTokens(options)
                && plan.NumSlices <= options.MaxSlices + 1
                && plan.AbstractPatchesWidth * plan.AbstractPatchesHeight <= options.MaxPatches * options.MaxPatches;
            long area = 0;
            for (int k = 0; k < plan.NumSlices; k++)
            {
                var box = LlavaUhd.SliceBox(plan, k);
                int col = k % plan.Grid.Columns, row = k / plan.Grid.Columns;
                var left = col == 0 ? 0 : LlavaUhd.SliceBox(plan, k - 1).X + LlavaUhd.SliceBox(plan, k - 1).Width;
                var top = row == 0 ? 0 : LlavaUhd.SliceBox(plan, k - plan.Grid.Columns).Y + LlavaUhd.SliceBox(plan, k - plan.Grid.Columns).Height;
                ok &= box.X == left && box.Y == top && box.Width > 0 && box.Height > 0
                    && (col != plan.Grid.Columns - 1 || box.X + box.Width == plan.Width)
                    && (row != plan.Grid.Rows - 1 || box.Y + box.Height == plan.Height);
                area += box.Width * box.Height;
            }
            return ok && area == (long)plan.Width * plan.Height;
        });
}

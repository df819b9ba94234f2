using System;
using System.Linq;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Cli.Conformance;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>LLaVA-OneVision single image: goldens through the CLI path, strategies.md §9 row 25, config checks, properties.</summary>
public class LlavaOneVisionGoldenTests
{
    private const string File = "llava_onevision.jsonl";

    [Fact]
    public void Trap25_python_float_floor_division_in_the_anyres_max_shrink()
    {
        // strategies.md §9 row 25 (§4.3): W=590, H=1930, anyres_max_9 → unpadded 162×50 shrunk with 50 // 1.111… = 44 →
        // 7254 tokens; Math.Floor(50 / ratio) = 45 would give 7399.
        var plan = LlavaOneVision.Plan(590, 1930, LlavaOneVisionOptions.Checkpoint);
        Assert.Equal(44, plan.FeatureColumns);
        Assert.Equal(7254, LlavaOneVision.CountTokens(plan));
    }

    [Fact]
    public void Checkpoint_defaults_equal_the_golden_configuration()
    {
        var config = GoldenComparer.FirstConfig(File);
        var golden = config["image_grid_pinpoints"]!.AsArray().Select(p => new Pinpoint((int)p![0]!, (int)p[1]!)).ToArray();
        Assert.Equal(golden, LlavaOneVisionOptions.Checkpoint.Pinpoints.ToArray());
        Assert.Equal((int)config["crop_size"]!, LlavaOneVisionOptions.Checkpoint.CropSize);
        Assert.Equal((int)config["patch_grid"]!, LlavaOneVisionOptions.Checkpoint.FeatureGrid);
        Assert.Equal((int)config["max_num_patches"]!, LlavaOneVisionOptions.Checkpoint.MaxNumPatches);
    }

    [Theory]
    [InlineData("anyres_max_4", 4)]
    [InlineData("anyres_max_12", 12)]
    public void Vision_aspect_ratio_is_parsed_exactly(string text, int n) => Assert.Equal(n, LlavaOneVisionOptions.ParseVisionAspectRatio(text));

    [Theory]
    [InlineData("anyres")]
    [InlineData("anyres_max_")]
    [InlineData("anyres_max_0")]
    [InlineData("anyres_max_9x")]
    [InlineData("xanyres_max_9")]
    [InlineData("anyres_max_-9")]
    [InlineData("anyres_max_99999999999")]
    public void Malformed_vision_aspect_ratio_is_a_config_error(string text) =>
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() => LlavaOneVisionOptions.ParseVisionAspectRatio(text)).Error);

    [Theory]
    [InlineData("vision_aspect_ratio", "anyres_max_4")]   // contradicts max_num_patches 9
    [InlineData("max_num_patches", 4)]                     // contradicts anyres_max_9
    [InlineData("num_image_tokens", 730)]                  // not 27²
    [InlineData("patch_grid", 26)]                         // contradicts 729
    [InlineData("vision_feature_select_strategy", "cls")]
    public void Inconsistent_golden_config_is_rejected(string key, object value)
    {
        var config = GoldenComparer.FirstConfig(File);
        config[key] = value is string s ? JsonValue.Create(s) : JsonValue.Create((int)value);
        var request = new JsonObject { ["strategy"] = "llava_onevision", ["config"] = config, ["width"] = 100, ["height"] = 100 };
        var output = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!.AsObject();
        Assert.True(output.ContainsKey("error") && !output.ContainsKey("result"), output.ToJsonString());
    }

    [Fact]
    public void Empty_pinpoints_and_zero_sizes_are_typed_errors()
    {
        Assert.Equal(PlanError.InvalidConfiguration,
            Assert.Throws<PlanException>(() => new LlavaOneVisionOptions(System.Array.Empty<Pinpoint>())).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => LlavaOneVision.Plan(5, 0, LlavaOneVisionOptions.Checkpoint)).Error);
    }

    [Fact]
    public void Largest_sizes_do_not_overflow()
    {
        var o = LlavaOneVisionOptions.Checkpoint;
        Assert.InRange(LlavaOneVision.CountTokens(LlavaOneVision.Plan(int.MaxValue, int.MaxValue, o)), 1, LlavaOneVision.MaxTokens(o));
        Assert.InRange(LlavaOneVision.CountTokens(LlavaOneVision.Plan(int.MaxValue, 1, o)), 1, LlavaOneVision.MaxTokens(o));
    }

    private static readonly Gen<LlavaOneVisionOptions> Configs =
        from crop in Gen.Choose(16, 1024)
        from grid in Gen.Choose(1, 64)
        from pins in LlavaNextGoldenTests.PinpointLists(Gen.Constant(crop))
        from n in Gen.Choose(1, 16)
        from strategy in Gen.Elements(FeatureSelectStrategy.Default, FeatureSelectStrategy.Full)
        select new LlavaOneVisionOptions(pins, crop, System.Math.Min(grid, crop), n, strategy, 0);

    [Property(MaxTest = 400)]
    public Property Layout_matches_count_and_stays_within_worst_case() =>
        Prop.ForAll(Arb.From(Configs), Arb.From(LlavaNextGoldenTests.Sizes), (options, size) =>
        {
            var plan = LlavaOneVision.Plan(size.Item1, size.Item2, options);
            var segments = new LayoutSegment[LlavaOneVision.LayoutSegmentCount(plan)];
            int written = LlavaOneVision.WriteLayout(plan, segments);
            long tokens = LlavaOneVision.CountTokens(plan);
            return LayoutAssert.Consistent(segments.AsSpan(0, written), segments.Length, tokens)
                && tokens <= LlavaOneVision.MaxTokens(options)
                && (long)plan.Rows * options.CropSize == plan.Canvas.Height
                && (long)plan.Columns * options.CropSize == plan.Canvas.Width;
        });
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Cli.Conformance;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// mllama, Idefics3 and Gemma 3 planning (their golden lines run in GoldenPlanTests): errors, and properties over random
/// sizes and configurations (layout sums to the token count; tiles and crops cover what they should).
/// </summary>
public class StretchGoldenTests
{
    [Fact]
    public void Zero_sizes_are_invalid_sizes()
    {
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => MllamaTiledCanvas.Plan(0, 5, MllamaOptions.ProcessorDefaults)).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => Idefics3Splitting.Plan(5, 0, Idefics3Options.ProcessorDefaults)).Error);
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() => Gemma3PanAndScan.Plan(-1, 5, Gemma3Options.PanAndScan)).Error);
    }

    [Fact]
    public void Impossible_configs_are_invalid_configurations()
    {
        PlanError Error(Action plan) => Assert.Throws<PlanException>(plan).Error;
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => MllamaTiledCanvas.Plan(10, 10, new MllamaOptions(0, 4))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => MllamaTiledCanvas.Plan(10, 10, new MllamaOptions(560, 0))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => MllamaTiledCanvas.Plan(10, 10, default)));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Idefics3Splitting.Plan(10, 10, new Idefics3Options(tileSize: 0))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Idefics3Splitting.Plan(10, 10, new Idefics3Options(imageSeqLen: 0))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Idefics3Splitting.Plan(10, 10, default)));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Gemma3PanAndScan.Plan(10, 10, new Gemma3Options(true, minCropSize: 0))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Gemma3PanAndScan.Plan(10, 10, new Gemma3Options(true, maxNumCrops: 0))));
        Assert.Equal(PlanError.InvalidConfiguration, Error(() => Gemma3PanAndScan.Plan(10, 10, new Gemma3Options(true, minRatioToActivate: double.NaN))));

        // Through the CLI path a bad config becomes an "error" line, not a crash.
        var line = PlanConformance.ProcessLine("""{"strategy":"mllama.get_optimal_tiled_canvas","config":{"tile_size":0,"max_image_tiles":4},"width":3,"height":4}""");
        Assert.NotNull(JsonNode.Parse(line)!["error"]);
    }

    [Fact]
    public void Mllama_aspect_ratio_table_follows_upstream_order()
    {
        // transformers get_all_supported_aspect_ratios docstring: max_image_tiles=4 gives
        // [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (3, 1), (4, 1)].
        var options = new MllamaOptions(560, 4);
        var table = Enumerable.Range(0, options.AspectRatioCount).Select(options.GetAspectRatio).ToArray();
        Assert.Equal(new[] { (1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (3, 1), (4, 1) }, table);
    }

    [Property(Arbitrary = [typeof(StretchArbitraries)], MaxTest = 400)]
    public void Mllama_layout_is_one_token_and_tiles_cover_the_canvas(MllamaCase c)
    {
        var options = new MllamaOptions(c.Tile, c.MaxTiles);
        var plan = MllamaTiledCanvas.Plan(c.Width, c.Height, options);
        AssertLayout(MllamaTiledCanvas.LayoutSegmentCount(plan), MllamaTiledCanvas.CountTokens(plan),
            span => MllamaTiledCanvas.WriteLayout(plan, span));
        Assert.Equal(1, MllamaTiledCanvas.CountTokens(plan));
        Assert.InRange(plan.NumTiles, 1, c.MaxTiles);
        Assert.Equal((plan.TileRows, plan.TileCols), options.GetAspectRatio(plan.AspectRatioId - 1));
        Assert.InRange(plan.ResizedHeight, 1, plan.CanvasHeight);
        Assert.InRange(plan.ResizedWidth, 1, plan.CanvasWidth);
        AssertPartition(plan.NumTiles, plan.CanvasWidth, plan.CanvasHeight, i => plan.GetTile(i));
    }

    [Property(Arbitrary = [typeof(StretchArbitraries)], MaxTest = 400)]
    public void Idefics3_layout_counts_the_prompt_and_tiles_cover_the_resized_image(Idefics3Case c)
    {
        var options = new Idefics3Options(c.LongestEdge, c.Tile, c.Split, c.SeqLen, c.Cap);
        var plan = Idefics3Splitting.Plan(c.Width, c.Height, options);
        var layout = AssertLayout(Idefics3Splitting.LayoutSegmentCount(plan), Idefics3Splitting.CountTokens(plan),
            span => Idefics3Splitting.WriteLayout(plan, span));
        Assert.Equal(plan.ImageTokensInPrompt, layout.Where(s => s.Token == Idefics3Splitting.ImageToken).Sum(s => s.Count));
        Assert.InRange(Math.Max(plan.ResizedHeight, plan.ResizedWidth), 1, Math.Max(c.Cap, 1));
        var tiles = layout.Where(s => s.Role == PieceRole.Tile).Select(s => s.Piece).ToArray();
        Assert.Equal(Enumerable.Range(0, (int)(plan.Rows * plan.Cols)), tiles);
        if (plan.IsSplit)
        {
            // The splitter cuts the vision-encoder image into whole tiles, with nothing left over.
            Assert.Equal(plan.VisionEncoderHeight, plan.Rows * c.Tile);
            Assert.Equal(plan.VisionEncoderWidth, plan.Cols * c.Tile);
            Assert.Equal(plan.Rows * plan.Cols, layout.Count(s => s.Token.StartsWith("<row_", StringComparison.Ordinal)));
            Assert.Equal(1, layout.Count(s => s.Token == Idefics3Splitting.DoubleNewline));
        }
        else
        {
            Assert.Equal(0, plan.Rows * plan.Cols);
            Assert.Equal(c.SeqLen + 3, Idefics3Splitting.CountTokens(plan));
        }
    }

    [Fact] // FsCheck found it: 8 crops of ceil(27/8) = 4 rows leave the last one empty, starting at row 28 (as numpy slicing does)
    public void Gemma3_empty_last_crop_past_the_edge_is_allowed() =>
        Gemma3_layout_counts_markers_and_soft_tokens_and_crops_partition_the_image(new Gemma3Case(3, 27, true, 2, 8, 0.5, 1));

    [Property(Arbitrary = [typeof(StretchArbitraries)], MaxTest = 400)]
    public void Gemma3_layout_counts_markers_and_soft_tokens_and_crops_partition_the_image(Gemma3Case c)
    {
        var options = new Gemma3Options(c.PanAndScan, c.MinCrop, c.MaxCrops, c.MinRatio, c.SeqLen);
        var plan = Gemma3PanAndScan.Plan(c.Width, c.Height, options);
        var layout = AssertLayout(Gemma3PanAndScan.LayoutSegmentCount(plan), Gemma3PanAndScan.CountTokens(plan),
            span => Gemma3PanAndScan.WriteLayout(plan, span));
        Assert.Equal(plan.ImageSoftTokens, layout.Where(s => s.Kind == SegmentKind.Context).Sum(s => s.Count));
        Assert.Equal(PieceRole.Image, layout.First(s => s.Kind == SegmentKind.Context).Role);
        Assert.InRange(plan.NumCrops, 0, c.PanAndScan ? c.MaxCrops : 0);
        if (plan.NumCrops > 0)
        {
            Assert.True(plan.CropRows == 1 || plan.CropCols == 1);
            Assert.True(Math.Min(plan.CropWidth, plan.CropHeight) >= c.MinCrop);
            AssertPartition((int)plan.NumCrops, c.Width, c.Height, i => plan.GetCrop(i));
        }
    }

    private static LayoutSegment[] AssertLayout(int segmentCount, long tokens, SpanWriter write)
    {
        var buffer = new LayoutSegment[segmentCount + 2];
        int written = write(buffer);
        Assert.Equal(segmentCount, written);
        var layout = buffer.AsSpan(0, written).ToArray();
        Assert.Equal(tokens, layout.Sum(s => s.Count));
        Assert.All(layout, s => Assert.True(s.Count > 0));
        return layout;
    }

    private delegate int SpanWriter(Span<LayoutSegment> destination);

    /// <summary>The rectangles lie inside the area, do not overlap, and their areas add up to it.</summary>
    private static void AssertPartition(int count, long width, long height, Func<int, (long X, long Y, long Width, long Height)> rect)
    {
        var rects = Enumerable.Range(0, count).Select(rect).ToArray();
        long area = 0;
        foreach (var r in rects)
        {
            Assert.True(r.Width >= 0 && r.Height >= 0, $"{r} has a negative side");
            // An empty crop may start past the edge: upstream slices image[28:32] of a 27-row image, which numpy returns
            // empty (Gemma 3 pan-and-scan with 8 crops of ceil(27/8) = 4 rows); it covers nothing.
            if (r.Width == 0 || r.Height == 0) continue;
            Assert.True(r.X >= 0 && r.Y >= 0 && r.X + r.Width <= width && r.Y + r.Height <= height,
                $"{r} lies outside {width}×{height}");
            area += r.Width * r.Height;
        }
        for (int i = 0; i < rects.Length; i++)
        {
            for (int j = i + 1; j < rects.Length; j++)
            {
                var (a, b) = (rects[i], rects[j]);
                bool overlap = a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
                Assert.False(overlap, $"{a} overlaps {b}");
            }
        }
        Assert.Equal(width * height, area);
    }
}

/// <summary>An mllama case: image size and configuration.</summary>
public sealed record MllamaCase(int Width, int Height, int Tile, int MaxTiles);

/// <summary>An Idefics3 case.</summary>
public sealed record Idefics3Case(int Width, int Height, int LongestEdge, int Tile, bool Split, int SeqLen, int Cap);

/// <summary>A Gemma 3 case.</summary>
public sealed record Gemma3Case(int Width, int Height, bool PanAndScan, int MinCrop, int MaxCrops, double MinRatio, int SeqLen);

/// <summary>Generators: sizes from 1 to 2^31−1 with emphasis on small, typical and thin images; realistic configurations.</summary>
public static class StretchArbitraries
{
    private static Gen<int> Side =>
        Gen.Frequency(
            (3, Gen.Choose(1, 64)),
            (5, Gen.Choose(1, 8000)),
            (2, Gen.Choose(1, int.MaxValue)),
            (1, Gen.Elements(1, 2, 14, 27, 28, 255, 256, 257, 364, 560, 1456, 4096, int.MaxValue - 1, int.MaxValue)));

    private static Gen<(int, int)> Size => Gen.Zip(Side, Side);

    public static Arbitrary<MllamaCase> Mllama() =>
        (from size in Size
         from tile in Gen.Elements(1, 14, 224, 336, 448, 560)
         from maxTiles in Gen.Choose(1, 16)
         select new MllamaCase(size.Item1, size.Item2, tile, maxTiles)).ToArbitrary();

    public static Arbitrary<Idefics3Case> Idefics3() =>
        (from size in Size
         from tile in Gen.Elements(224, 364, 384, 512)
         from multiple in Gen.Choose(1, 5)
         from split in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
         from seq in Gen.Elements(1, 64, 81, 169)
         from cap in Gen.Elements(1820, 2048, 4096)
         select new Idefics3Case(size.Item1, size.Item2, tile * multiple + (multiple == 5 ? 1 : 0), tile, split, seq, cap)).ToArbitrary();

    public static Arbitrary<Gemma3Case> Gemma3() =>
        (from size in Size
         from enabled in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
         from minCrop in Gen.Elements(1, 2, 64, 256, 512)
         from maxCrops in Gen.Choose(1, 8)
         from ratio in Gen.Elements(0.5, 1.0, 1.2, 1.5, 3.0)
         from seq in Gen.Elements(1, 256)
         select new Gemma3Case(size.Item1, size.Item2, enabled, minCrop, maxCrops, ratio, seq)).ToArbitrary();
}

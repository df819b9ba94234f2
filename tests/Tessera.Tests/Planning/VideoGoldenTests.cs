using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Every line of every file in ../shared/golden/video goes through the CLI's own code path
/// (<see cref="PlanConformance.ProcessLine"/>) with <c>result</c>, <c>error</c> and <c>result_alt_cpu</c> removed, and is
/// compared as ../shared/tools/compare.py compares plans: every golden key equal (any listed CPU-kernel alternative
/// conforms too), or an error exactly where upstream raises.
/// </summary>
public class VideoGoldenTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Paths.Golden("video"), "*.jsonl").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_golden_video_folder_holds_all_eight_strategies()
    {
        Assert.Equal(8, Directory.GetFiles(Paths.Golden("video"), "*.jsonl").Length);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_line_equals_the_reference(string file)
    {
        int lines = 0, failures = 0;
        var first = new List<string>();
        foreach (var line in File.ReadLines(Paths.Golden("video", file)))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines++;
            var golden = JsonNode.Parse(line)!.AsObject();
            var request = golden.DeepClone().AsObject();
            request.Remove("result");
            request.Remove("error");
            request.Remove("result_alt_cpu");
            var output = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!.AsObject();
            var diffs = new List<string>();
            bool ok;
            if (golden.ContainsKey("error"))
            {
                ok = output.ContainsKey("error") && !output.ContainsKey("result");
                if (!ok) diffs.Add($"upstream raises {golden["error"]}, output did not");
            }
            else
            {
                ok = output.ContainsKey("result") && !output.ContainsKey("error") && JsonByValue.Contains(golden["result"], output["result"], diffs);
                if (!ok && output.ContainsKey("result") && golden["result_alt_cpu"] is JsonObject alternatives)
                {
                    foreach (var (_, alternative) in alternatives)
                    {
                        var merged = golden["result"]!.DeepClone().AsObject();
                        foreach (var (key, value) in alternative!.AsObject()) merged[key] = value?.DeepClone();
                        ok |= JsonByValue.Contains(merged, output["result"]);
                    }
                }
                if (output["error"] is { } err) diffs.Add($"error {err}");
            }
            if (ok) continue;
            failures++;
            if (first.Count < 10) first.Add($"line {lines} ({golden["input"]?["name"] ?? golden["input"]?.ToJsonString()}): {string.Join("; ", diffs.Take(5))}");
        }
        Assert.True(lines > 0, $"{file}: empty golden file");
        Assert.True(failures == 0, $"{file}: {failures} of {lines} lines differ:\n" + string.Join("\n", first));
    }
}

/// <summary>
/// Rows 10–16 of the traps table in ../shared/docs/strategies.md §9 (video sampling and M-RoPE). Each expected value is
/// quoted from the row (or the §1.6 passage) named in the test.
/// </summary>
public class VideoTrapTests
{
    private static readonly QwenRopeOptions Qwen25 = new(QwenRopeVariant.Qwen25VL, tokensPerSecond: 2);

    [Fact] // §9 row 10: total 17 frames, metadata fps 17, fps 14 (n = 14) → 15 indices, the last = 17 (out of range)
    public void Row10_float_arange_returns_one_index_too_many()
    {
        var sample = QwenVideo.SampleFrames(17, videoFps: 17, fps: 14, numFrames: null);
        Assert.Equal(14, sample.NFrames);
        Assert.Equal(15, sample.IndexCount);
        var indices = new long[sample.IndexCount];
        Assert.Equal(15, QwenVideo.WriteSampledIndices(sample, indices));
        Assert.Equal(17, indices[^1]);
        // The first n values are floor(i·T/n) (§1.6.1 step 5).
        for (int i = 0; i < 14; i++) Assert.Equal(i * 17L / 14, indices[i]);
    }

    [Fact] // §9 row 11: 5 frames → processing pads to 3 temporal groups; get_num_of_video_patches floors to 2
    public void Row11_padded_temporal_groups_are_ceiled()
    {
        Assert.Equal(3, QwenVideo.PaddedTemporalGroups(5, 2));
        // golden/video/hf_qwen2vl.video_sample_frames.jsonl, total 61, fps 8, kwargs fps 2: 15 indices → grid_t 8.
        Assert.Equal(8, QwenVideo.SampleFrames(61, videoFps: 8, fps: 2, numFrames: null).GridT);
    }

    [Fact] // §9 row 12: qwen-vl-utils, total 1 → ValueError (n = 0 outside [2, 1]); no clamp to ≥ 2
    public void Row12_single_frame_video_raises()
    {
        foreach (var rule in new[] { QwenVideoRule.QwenVlUtils, QwenVideoRule.QwenVlUtilsV008 })
        {
            Assert.Throws<PlanException>(() => QwenVideo.Plan(1, 30, 640, 480, default, rule));
            Assert.Throws<PlanException>(() => QwenVideo.Plan(1, 30, 640, 480, new QwenVideoRequest(nFrames: 2), rule));
        }
    }

    [Fact] // §9 row 13 and the §1.6.2 worked example: the *total* budget defaults to 90 316 800; 1920×1080, 30 fps,
           // 108 000 frames → n 768, per-frame max 235 200.0, 644×336, grid (384, 24, 46), 105 984 tokens
    public void Row13_total_budget_not_per_frame_cap()
    {
        var plan = QwenVideo.Plan(108_000, 30, 1920, 1080, default);
        Assert.Equal(768, plan.NFrames);
        Assert.Equal(235_200.0, plan.ResizeMaxPixels);
        Assert.Equal((336L, 644L), (plan.ResizedHeight, plan.ResizedWidth));
        Assert.Equal((384L, 24L, 46L), (plan.GridT, plan.GridH, plan.GridW));
        Assert.Equal(105_984, plan.Tokens);
        Assert.Equal(105_986, QwenVideo.CountTokens(plan));
        // The environment variable VIDEO_MAX_PIXELS sets the total budget (what TotalPixels models): halving it halves the
        // per-frame budget; a per-frame max_pixels can only lower the computed one (0.0.10+).
        Assert.Equal(117_600.0, QwenVideo.Plan(108_000, 30, 1920, 1080, new QwenVideoRequest(totalPixels: 45_158_400)).ResizeMaxPixels);
        Assert.Equal(235_200.0, QwenVideo.Plan(108_000, 30, 1920, 1080, new QwenVideoRequest(maxPixels: 602_112)).ResizeMaxPixels);
    }

    [Fact] // §1.6.2 worked examples: 1920×1080 30 fps 1800 frames → n 120, 1008×560, (60, 40, 72), 43 200 tokens;
           // 640×480 30 fps 7 frames → n 4, 644×476, (2, 34, 46), 782; 3 frames → n 2, (1, 34, 46), 391
    public void Worked_examples_of_section_1_6_2()
    {
        var a = QwenVideo.Plan(1800, 30, 1920, 1080, default);
        Assert.Equal((120L, 560L, 1008L, 60L, 40L, 72L, 43_200L), (a.NFrames, a.ResizedHeight, a.ResizedWidth, a.GridT, a.GridH, a.GridW, a.Tokens));
        var b = QwenVideo.Plan(7, 30, 640, 480, default);
        Assert.Equal((4L, 476L, 644L, 782L), (b.NFrames, b.ResizedHeight, b.ResizedWidth, b.Tokens));
        var c = QwenVideo.Plan(3, 30, 640, 480, default);
        Assert.Equal((2L, 1L, 391L), (c.NFrames, c.GridT, c.Tokens));
    }

    private static (long[] T, long[] H, long[] W, long Delta) Rope(int[] ids, GridThw[] images, GridThw[] videos, double[] seconds, QwenRopeOptions options)
    {
        var positions = new long[QwenRope.PositionsLength(ids.Length)];
        long delta = QwenRope.GetRopeIndex(ids, images, videos, seconds, options, positions);
        int n = ids.Length;
        return (positions[..n], positions[n..(2 * n)], positions[(2 * n)..], delta);
    }

    private static int[] Ids(params (int Id, int Count)[] runs) => runs.SelectMany(r => Enumerable.Repeat(r.Id, r.Count)).ToArray();

    private const int Text = 100, Vs = 151652, Ve = 151653, Image = 151655, Video = 151656;

    [Fact] // §9 row 14: tokens `T <vs> V×16 <ve> T`, video grid (4,4,4), spgt 0.5, tps 2 → t per group 2,3,4,5, delta −12;
           // the integer-cast releases give 2,2,2,2, delta −14
    public void Row14_truncated_second_per_grid_t()
    {
        var ids = Ids((Text, 1), (Vs, 1), (Video, 16), (Ve, 1), (Text, 1));
        var videos = new[] { new GridThw(4, 4, 4) };
        var fl = Rope(ids, Array.Empty<GridThw>(), videos, new[] { 0.5 }, Qwen25);
        Assert.Equal(new[] { 2L, 3, 4, 5 }, Enumerable.Range(0, 4).Select(g => fl.T[2 + 4 * g]));
        Assert.Equal(-12, fl.Delta);
        var cast = Rope(ids, Array.Empty<GridThw>(), videos, new[] { 0.5 }, new QwenRopeOptions(QwenRopeVariant.Qwen25VLIntCast, tokensPerSecond: 2));
        Assert.Equal(new[] { 2L, 2, 2, 2 }, Enumerable.Range(0, 4).Select(g => cast.T[2 + 4 * g]));
        Assert.Equal(-14, cast.Delta);
    }

    [Fact] // §1.7: Qwen2-VL's temporal index is the frame group alone; only the Qwen2.5-VL variants read tokens_per_second
           // (what analyzer TESS009 tells a spec that sets TokensPerSecond beside a Qwen2-VL Rope)
    public void Only_the_Qwen25_variants_read_tokens_per_second()
    {
        var ids = Ids((Text, 1), (Vs, 1), (Video, 16), (Ve, 1), (Text, 1));
        var videos = new[] { new GridThw(4, 4, 4) };
        var seconds = new[] { 2.0 };
        foreach (var variant in new[] { QwenRopeVariant.Qwen2VL, QwenRopeVariant.Qwen2VLUnified, QwenRopeVariant.Qwen25VL,
                     QwenRopeVariant.Qwen25VLIntCast, QwenRopeVariant.Qwen25VLUnified })
        {
            var two = Rope(ids, Array.Empty<GridThw>(), videos, seconds, new QwenRopeOptions(variant, tokensPerSecond: 2));
            var seven = Rope(ids, Array.Empty<GridThw>(), videos, seconds, new QwenRopeOptions(variant, tokensPerSecond: 7));
            bool same = two.T.SequenceEqual(seven.T) && two.H.SequenceEqual(seven.H) && two.W.SequenceEqual(seven.W) && two.Delta == seven.Delta;
            Assert.True(same == variant is QwenRopeVariant.Qwen2VL or QwenRopeVariant.Qwen2VLUnified, $"{variant}: same positions = {same}");
        }
    }

    [Fact] // §9 row 15: fps 2.6 (spgt 2/2.6), temporal index 39, tps 2 → 60 in float32 (double arithmetic gives 59)
    public void Row15_float32_temporal_product()
    {
        var ids = Ids((Vs, 1), (Video, 40), (Ve, 1));
        var r = Rope(ids, Array.Empty<GridThw>(), new[] { new GridThw(40, 2, 2) }, new[] { 2 / 2.6 }, Qwen25);
        int start = 1;
        Assert.Equal(60, r.T[start + 39] - start);
        Assert.Equal(59, (int)(39 * (2 / 2.6) * 2)); // the double-precision port this row warns about
    }

    [Fact] // §9 row 16: image grid (1,40,60) → llm 20×30 = 600 tokens; the next text position is block start + 30
    public void Row16_text_after_a_block_advances_by_the_longer_side()
    {
        var ids = Ids((Text, 2), (Vs, 1), (Image, 600), (Ve, 1), (Text, 1));
        foreach (var variant in new[] { QwenRopeVariant.Qwen2VL, QwenRopeVariant.Qwen2VLUnified, QwenRopeVariant.Qwen25VL,
                     QwenRopeVariant.Qwen25VLIntCast, QwenRopeVariant.Qwen25VLUnified })
        {
            var r = Rope(ids, new[] { new GridThw(1, 40, 60) }, Array.Empty<GridThw>(), Array.Empty<double>(), new QwenRopeOptions(variant));
            int blockStart = 3;
            Assert.Equal(blockStart, r.T[blockStart]);
            Assert.Equal(blockStart + 30, r.T[blockStart + 600]); // <|vision_end|>
            Assert.Equal(blockStart + 30, r.H[blockStart + 600]);
            Assert.Equal(blockStart + 30, r.W[blockStart + 600]);
        }
    }

    [Fact] // §1.7 worked example: `T T T <vs> P×6 <ve> T`, image grid (1, 4, 6): t = 0 1 2 3 | 4×6 | 7 8; delta −3
    public void Section_1_7_worked_example()
    {
        var ids = Ids((Text, 3), (Vs, 1), (Image, 6), (Ve, 1), (Text, 1));
        var r = Rope(ids, new[] { new GridThw(1, 4, 6) }, Array.Empty<GridThw>(), Array.Empty<double>(), new QwenRopeOptions(QwenRopeVariant.Qwen2VL));
        Assert.Equal(new[] { 0L, 1, 2, 3, 4, 4, 4, 4, 4, 4, 7, 8 }, r.T);
        Assert.Equal(new[] { 0L, 1, 2, 3, 4, 4, 4, 5, 5, 5, 7, 8 }, r.H);
        Assert.Equal(new[] { 0L, 1, 2, 3, 4, 5, 6, 4, 5, 6, 7, 8 }, r.W);
        Assert.Equal(-3, r.Delta);
    }

    [Fact]
    public void Grids_and_pads_that_disagree_are_typed_errors()
    {
        var noImages = Array.Empty<GridThw>();
        var grid = new[] { new GridThw(1, 4, 6) };
        // Unified: a run of 5 pads against a 6-token grid (upstream's position tensor does not fit the row).
        Assert.Throws<PlanException>(() => Rope(Ids((Vs, 1), (Image, 5), (Ve, 1)), grid, noImages, Array.Empty<double>(), new QwenRopeOptions(QwenRopeVariant.Qwen2VLUnified)));
        // Classic: the block runs past the end of the sequence.
        Assert.Throws<PlanException>(() => Rope(Ids((Vs, 1), (Image, 5)), grid, noImages, Array.Empty<double>(), new QwenRopeOptions(QwenRopeVariant.Qwen2VL)));
        Assert.Throws<PlanException>(() => Rope(Ids((Vs, 1), (Image, 4)), Array.Empty<GridThw>(), new[] { new GridThw(1, 4, 4) }, Array.Empty<double>(), new QwenRopeOptions(QwenRopeVariant.Qwen2VL)));
        Assert.Throws<PlanException>(() => QwenVideo.SampleFrames(10, 10, fps: 2, numFrames: 4));
        Assert.Throws<PlanException>(() => QwenVideo.SampleFrames(1, 30, fps: 2, numFrames: null)); // n = 0: upstream divides by it
    }

    [Fact]
    public void Position_ids_and_frame_indices_allocate_nothing()
    {
        var ids = Ids((Text, 5), (Vs, 1), (Video, 64), (Ve, 1), (Text, 3));
        var videos = new[] { new GridThw(4, 8, 8) };
        var seconds = new[] { 1.0 };
        var positions = new long[QwenRope.PositionsLength(ids.Length)];
        var frames = new long[768];
        var plan = QwenVideo.Plan(36_000, 30, 1920, 1080, default);
        QwenRope.GetRopeIndex(ids, Array.Empty<GridThw>(), videos, seconds, Qwen25, positions);
        QwenVideo.WriteFrameIndices(plan, frames);
        long before = GC.GetAllocatedBytesForCurrentThread();
        QwenRope.GetRopeIndex(ids, Array.Empty<GridThw>(), videos, seconds, Qwen25, positions);
        QwenVideo.WriteFrameIndices(plan, frames);
        QwenVideo.Plan(36_000, 30, 1920, 1080, default);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using System.IO;
using System.Text.Json.Nodes;
using Tessera.Imaging.Tensors;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// The video patch matrix has one row per vision patch of the plan: for every planned line of the qwen-vl-utils goldens
/// (../shared/golden/video, both releases), <see cref="PixelTensors.GetQwenVideoPatchShape"/> of the sampled frames at the
/// resized size gives <c>grid_t · grid_h · grid_w</c> rows of 3·2·14² columns, and <c>tokens</c> is rows / merge².
/// </summary>
public class VideoPatchShapeTests
{
    [Theory]
    [InlineData("qwen_vl_utils.video_plan.jsonl")]
    [InlineData("qwen_vl_utils.video_plan_v0_0_8.jsonl")]
    public void Rows_are_the_planned_grid(string file)
    {
        int checkedLines = 0;
        foreach (var line in File.ReadLines(Paths.Golden("video", file)))
        {
            if (string.IsNullOrWhiteSpace(line) || JsonNode.Parse(line)!["result"] is not JsonObject r) continue;
            int frames = (int)r["nframes"]!, width = (int)r["resized_width"]!, height = (int)r["resized_height"]!;
            long gridRows = (long)r["grid_t"]! * (long)r["grid_h"]! * (long)r["grid_w"]!;
            var shape = PixelTensors.GetQwenVideoPatchShape(frames, width, height, 14, 2, 2);
            Assert.Equal((gridRows, 3 * 2 * 14 * 14), ((long)shape.Rows, shape.Columns));
            Assert.Equal((long)r["tokens"]!, shape.Rows / 4);
            checkedLines++;
        }
        Assert.True(checkedLines > 0, $"{file}: no planned lines");
    }
}

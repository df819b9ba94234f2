using System;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Computes the result for one request that carries an <c>input</c> object instead of an image size.</summary>
internal delegate JsonObject InputHandler(JsonObject config, JsonObject input, string strategy);

/// <summary>
/// Adapters for <c>../shared/golden/video</c>: qwen-vl-utils video plans, transformers' <c>sample_frames</c> and the
/// M-RoPE <c>get_rope_index</c> variants.
/// </summary>
internal static class VideoConformance
{
    public static JsonObject VideoPlan(JsonObject config, JsonObject input, string strategy) => Plan(new ConfigReader(config, strategy), input, QwenVideoRule.QwenVlUtils);

    public static JsonObject VideoPlanV008(JsonObject config, JsonObject input, string strategy) => Plan(new ConfigReader(config, strategy), input, QwenVideoRule.QwenVlUtilsV008);

    public static JsonObject Qwen2VL(JsonObject config, JsonObject input, string strategy) => Rope(new ConfigReader(config, strategy), input, QwenRopeVariant.Qwen2VL);

    public static JsonObject Qwen2VLUnified(JsonObject config, JsonObject input, string strategy) => Rope(new ConfigReader(config, strategy), input, QwenRopeVariant.Qwen2VLUnified);

    public static JsonObject Qwen25VL(JsonObject config, JsonObject input, string strategy) => Rope(new ConfigReader(config, strategy), input, QwenRopeVariant.Qwen25VL);

    public static JsonObject Qwen25VLIntCast(JsonObject config, JsonObject input, string strategy) => Rope(new ConfigReader(config, strategy), input, QwenRopeVariant.Qwen25VLIntCast);

    public static JsonObject Qwen25VLUnified(JsonObject config, JsonObject input, string strategy) => Rope(new ConfigReader(config, strategy), input, QwenRopeVariant.Qwen25VLUnified);

    private static JsonObject Plan(ConfigReader config, JsonObject input, QwenVideoRule rule)
    {
        Expect(config, "image_patch_size", 14);
        Expect(config, "merge_size", 2);
        Expect(config, "temporal_patch_size", 2);
        var data = new ConfigReader(input, "input");
        var ele = new ConfigReader(input["ele"] as JsonObject ?? new JsonObject(), "input.ele");
        var request = new QwenVideoRequest(
            fps: ele.Has("fps") ? ele.Double("fps") : null,
            nFrames: ele.OptionalLong("nframes"),
            minFrames: ele.OptionalLong("min_frames"),
            maxFrames: ele.OptionalLong("max_frames"),
            minPixels: ele.OptionalLong("min_pixels"),
            maxPixels: ele.Has("max_pixels") ? ele.Double("max_pixels") : null,
            totalPixels: ele.Has("total_pixels") ? ele.Double("total_pixels") : null,
            resizedHeight: ele.Has("resized_height") ? ele.Int("resized_height") : null,
            resizedWidth: ele.Has("resized_width") ? ele.Int("resized_width") : null);
        var plan = QwenVideo.Plan(data.Int("total_frames"), data.Double("video_fps"), data.Int("width"), data.Int("height"), request, rule);
        var indices = new long[plan.NFrames];
        QwenVideo.WriteFrameIndices(plan, indices);
        return new JsonObject
        {
            ["nframes"] = plan.NFrames,
            ["frame_indices"] = Array(indices),
            ["sample_fps"] = plan.SampleFps,
            ["second_per_grid_t"] = plan.SecondPerGridT,
            ["resize_min_pixels"] = plan.ResizeMinPixels,
            ["resize_max_pixels"] = Number(plan.ResizeMaxPixels),
            ["resized_height"] = plan.ResizedHeight,
            ["resized_width"] = plan.ResizedWidth,
            ["grid_t"] = plan.GridT,
            ["grid_h"] = plan.GridH,
            ["grid_w"] = plan.GridW,
            ["tokens"] = plan.Tokens,
            ["layout_tokens"] = QwenVideo.CountTokens(plan),
        };
    }

    public static JsonObject SampleFrames(JsonObject configObject, JsonObject input, string strategy)
    {
        var config = new ConfigReader(configObject, strategy);
        var data = new ConfigReader(input, "input");
        var kwargs = new ConfigReader(input["kwargs"] as JsonObject ?? new JsonObject(), "input.kwargs");
        var defaults = new ConfigReader(configObject["class_defaults"] as JsonObject ?? new JsonObject(), "config.class_defaults");
        double? fps = kwargs.Has("fps") ? kwargs.Double("fps") : defaults.Has("fps") ? defaults.Double("fps") : null;
        long? numFrames = kwargs.OptionalLong("num_frames") ?? defaults.OptionalLong("num_frames");
        var sample = QwenVideo.SampleFrames(data.Int("total_num_frames"), data.Has("fps") ? data.Double("fps") : null, fps, numFrames,
            config.Int("temporal_patch_size"), config.Long("min_frames"), config.Long("max_frames"));
        var indices = new long[sample.IndexCount];
        QwenVideo.WriteSampledIndices(sample, indices);
        return new JsonObject
        {
            ["indices"] = Array(indices),
            ["num_frames"] = sample.IndexCount,
            ["indices_dtype"] = "torch.int32",
            ["sampled_fps"] = sample.SampledFps,
            ["second_per_grid_t"] = sample.SecondPerGridT,
            ["grid_t"] = sample.GridT,
        };
    }

    private static JsonObject Rope(ConfigReader config, JsonObject input, QwenRopeVariant variant)
    {
        bool qwen25 = variant is QwenRopeVariant.Qwen25VL or QwenRopeVariant.Qwen25VLIntCast or QwenRopeVariant.Qwen25VLUnified;
        var options = new QwenRopeOptions(variant, config.Int("spatial_merge_size"), qwen25 ? config.Int("tokens_per_second") : 0,
            config.Int("image_token_id"), config.Int("video_token_id"), config.Int("vision_start_token_id"));
        var ids = Ints(input["input_ids"], "input_ids");
        var images = Grids(input["image_grid_thw"], "image_grid_thw");
        var videos = Grids(input["video_grid_thw"], "video_grid_thw");
        var seconds = Doubles(input["second_per_grid_ts"], "second_per_grid_ts");
        var positions = new long[QwenRope.PositionsLength(ids.Length)];
        long delta = QwenRope.GetRopeIndex(ids, images, videos, seconds, options, positions);
        var rows = positions.AsSpan();
        return new JsonObject
        {
            ["position_ids"] = new JsonArray(Row(rows, 0, ids.Length), Row(rows, 1, ids.Length), Row(rows, 2, ids.Length)),
            ["rope_deltas"] = delta,
        };
    }

    private static void Expect(ConfigReader config, string key, long value)
    {
        if (config.OptionalLong(key) is long given && given != value)
            throw PlanException.Config($"config '{key}' = {given}: Tessera's qwen-vl-utils video plan is built for {value}.");
    }

    private static JsonNode Number(double value) =>
        Math.Floor(value) == value && Math.Abs(value) < 9e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static JsonArray Array(long[] values)
    {
        var array = new JsonArray();
        foreach (long v in values) array.Add(v);
        return array;
    }

    /// <summary>Row <paramref name="row"/> of a [3, length] position block.</summary>
    private static JsonArray Row(ReadOnlySpan<long> positions, int row, int length)
    {
        var array = new JsonArray();
        foreach (long v in positions.Slice(row * length, length)) array.Add(v);
        return array;
    }

    private static int[] Ints(JsonNode? node, string key)
    {
        if (node is not JsonArray array) throw PlanException.Config($"input '{key}' must be a list of integers.");
        var result = new int[array.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = array[i] is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int x)
                ? x : throw PlanException.Config($"input '{key}'[{i}] must be a 32-bit integer.");
        return result;
    }

    private static double[] Doubles(JsonNode? node, string key)
    {
        if (node is null) return System.Array.Empty<double>();
        if (node is not JsonArray array) throw PlanException.Config($"input '{key}' must be null or a list of numbers.");
        var result = new double[array.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = array[i] is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number
                ? e.GetDouble() : throw PlanException.Config($"input '{key}'[{i}] must be a number.");
        return result;
    }

    private static GridThw[] Grids(JsonNode? node, string key)
    {
        if (node is null) return System.Array.Empty<GridThw>();
        if (node is not JsonArray array) throw PlanException.Config($"input '{key}' must be null or a list of [t, h, w].");
        var result = new GridThw[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var thw = Ints(array[i], $"{key}[{i}]");
            if (thw.Length != 3) throw PlanException.Config($"input '{key}'[{i}] must be [t, h, w].");
            result[i] = new GridThw(thw[0], thw[1], thw[2]);
        }
        return result;
    }
}

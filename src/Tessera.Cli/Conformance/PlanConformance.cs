using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Computes the plan for one request and returns the upstream-shaped <c>result</c> object.</summary>
internal delegate JsonObject PlanHandler(ConfigReader config, int width, int height);

/// <summary>
/// <c>tessera conform plans</c>: reads <c>{"strategy", "config", "width", "height"}</c> lines and writes each back with a
/// <c>result</c> (the golden schema) or an <c>error</c>. Tests call <see cref="ProcessLine"/>, the same code path.
/// </summary>
internal static class PlanConformance
{
    /// <summary>Every strategy name of <c>../shared/golden/plans</c> that Tessera plans, with its adapter.</summary>
    internal static readonly IReadOnlyDictionary<string, PlanHandler> Handlers = new Dictionary<string, PlanHandler>(StringComparer.Ordinal)
    {
        ["qwen2vl.smart_resize"] = QwenConformance.Transformers,
        ["qwen_vl_utils.smart_resize"] = QwenConformance.QwenVlUtils,
        ["internvl.dynamic_preprocess"] = InternVLConformance.Official,
        ["internvl.hf_crop_to_patches"] = InternVLConformance.Transformers,
        ["mllama.get_optimal_tiled_canvas"] = StretchConformance.Mllama,
        ["idefics3.resize_split"] = StretchConformance.Idefics3,
        ["gemma3.pan_and_scan"] = StretchConformance.Gemma3,
        ["llava_next.select_best_resolution"] = LlavaConformance.Next,
        ["llava_onevision"] = LlavaConformance.OneVision,
        ["llava_uhd.slice"] = LlavaConformance.Uhd,
        ["llava_uhd.slice_image_minicpm"] = MiniCpmConformance.UhdBranch,
        ["minicpmv.slice"] = MiniCpmConformance.MiniCpmV,
    };

    /// <summary>Strategies of <c>../shared/golden/video</c>: their lines carry an <c>input</c> object instead of width/height.</summary>
    internal static readonly IReadOnlyDictionary<string, InputHandler> InputHandlers = new Dictionary<string, InputHandler>(StringComparer.Ordinal)
    {
        ["qwen_vl_utils.video_plan"] = VideoConformance.VideoPlan,
        ["qwen_vl_utils.video_plan_v0_0_8"] = VideoConformance.VideoPlanV008,
        ["hf_qwen2vl.video_sample_frames"] = VideoConformance.SampleFrames,
        ["qwen2vl.get_rope_index"] = VideoConformance.Qwen2VL,
        ["qwen2vl.get_rope_index_unified"] = VideoConformance.Qwen2VLUnified,
        ["qwen2_5_vl.get_rope_index"] = VideoConformance.Qwen25VL,
        ["qwen2_5_vl.get_rope_index_intcast"] = VideoConformance.Qwen25VLIntCast,
        ["qwen2_5_vl.get_rope_index_unified"] = VideoConformance.Qwen25VLUnified,
    };

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Processes every line of <paramref name="input"/>; returns 0.</summary>
    public static int Run(TextReader input, TextWriter output)
    {
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            output.WriteLine(ProcessLine(line));
        }
        output.Flush();
        return 0;
    }

    /// <summary>Returns the output line for one input line: the input plus <c>result</c>, or plus <c>error</c>.</summary>
    public static string ProcessLine(string line)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("a request must be a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return new JsonObject { ["input"] = line, ["error"] = $"not a JSON object: {e.Message}" }.ToJsonString(Compact);
        }
        request.Remove("result");
        request.Remove("error");
        try
        {
            request["result"] = Plan(request);
        }
        catch (PlanException e)
        {
            request["error"] = e.Message;
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or InvalidOperationException)
        {
            request["error"] = $"{e.GetType().Name}: {e.Message}";
        }
        return request.ToJsonString(Compact);
    }

    private static JsonObject Plan(JsonObject request)
    {
        string strategy = request["strategy"] is JsonValue s && s.TryGetValue(out string? name) ? name
            : throw PlanException.Config("request has no 'strategy' string.");
        if (request["config"] is not JsonObject config)
            throw PlanException.Config($"{strategy}: request has no 'config' object.");
        if (InputHandlers.TryGetValue(strategy, out var inputHandler))
            return request["input"] is JsonObject input ? inputHandler(config, input, strategy)
                : throw PlanException.Config($"{strategy}: request has no 'input' object.");
        if (!Handlers.TryGetValue(strategy, out var handler))
            throw PlanException.Config($"unknown strategy '{strategy}'; known: {string.Join(", ", Handlers.Keys)}, {string.Join(", ", InputHandlers.Keys)}.");
        int width = Size(request, "width"), height = Size(request, "height");
        return handler(new ConfigReader(config, strategy), width, height);
    }

    private static int Size(JsonObject request, string key)
    {
        if (request[key] is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out long l))
            {
                if (l <= 0) throw new PlanException(PlanError.InvalidSize, $"{key} must be positive, got {l}.");
                if (l > int.MaxValue) throw new PlanException(PlanError.InvalidSize, $"{key} {l} exceeds 2^31-1.");
                return (int)l;
            }
        }
        throw new PlanException(PlanError.InvalidSize, $"'{key}' must be a positive integer, got {request[key]?.ToJsonString() ?? "nothing"}.");
    }
}

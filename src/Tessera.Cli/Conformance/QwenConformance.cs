using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>qwen2vl.smart_resize</c> and <c>qwen_vl_utils.smart_resize</c>.</summary>
internal static class QwenConformance
{
    public static JsonObject Transformers(ConfigReader config, int width, int height) => Plan(config, width, height, QwenResizeRule.Transformers);

    public static JsonObject QwenVlUtils(ConfigReader config, int width, int height) => Plan(config, width, height, QwenResizeRule.QwenVlUtils);

    private static JsonObject Plan(ConfigReader config, int width, int height, QwenResizeRule rule)
    {
        int patch = config.Int("patch_size"), merge = config.Int("merge_size");
        if (config.OptionalLong("factor") is long factor && factor != (long)patch * merge)
            throw PlanException.Config($"factor {factor} contradicts patch_size × merge_size = {(long)patch * merge}.");
        var options = new QwenVisionOptions(patch, merge, config.Long("min_pixels"), config.Long("max_pixels"), rule);
        var plan = QwenNativeResolution.Plan(width, height, options);
        return new JsonObject
        {
            ["resized_height"] = plan.ResizedHeight,
            ["resized_width"] = plan.ResizedWidth,
            ["grid_h"] = plan.GridH,
            ["grid_w"] = plan.GridW,
            ["num_patches"] = plan.NumPatches,
            ["tokens"] = plan.Tokens,
            ["layout_tokens"] = QwenNativeResolution.CountTokens(plan),
        };
    }
}

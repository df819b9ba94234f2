using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>internvl.dynamic_preprocess</c> and <c>internvl.hf_crop_to_patches</c>.</summary>
internal static class InternVLConformance
{
    public static JsonObject Official(ConfigReader config, int width, int height) => Plan(config, width, height, InternVLCandidateOrder.Official);

    public static JsonObject Transformers(ConfigReader config, int width, int height) => Plan(config, width, height, InternVLCandidateOrder.Transformers);

    private static JsonObject Plan(ConfigReader config, int width, int height, InternVLCandidateOrder order)
    {
        var options = new InternVLOptions(config.Int("image_size"), config.Int("min_num"), config.Int("max_num"),
            config.Bool("use_thumbnail"), config.Int("tokens_per_tile"), order);
        var plan = InternVLDynamicTiling.Plan(width, height, options);
        return new JsonObject
        {
            ["target_aspect_ratio"] = new JsonArray(plan.Grid.Columns, plan.Grid.Rows),
            ["cols"] = plan.Grid.Columns,
            ["rows"] = plan.Grid.Rows,
            ["num_candidates"] = plan.NumCandidates,
            ["blocks"] = plan.Blocks,
            ["thumbnail"] = plan.Thumbnail,
            ["num_images"] = plan.NumImages,
            ["resized_width"] = plan.ResizedWidth,
            ["resized_height"] = plan.ResizedHeight,
            ["tokens"] = plan.ContextTokens,
            ["tokens_with_boi_eoi"] = InternVLDynamicTiling.CountTokens(plan),
        };
    }
}

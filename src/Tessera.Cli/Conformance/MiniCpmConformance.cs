using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>minicpmv.slice</c> and <c>llava_uhd.slice_image_minicpm</c>.</summary>
internal static class MiniCpmConformance
{
    public static JsonObject MiniCpmV(ConfigReader config, int width, int height)
    {
        var options = new MiniCpmVOptions(config.Int("scale_resolution"), config.Int("patch_size"), config.Int("max_slice_nums"),
            config.Has("never_split") && config.Bool("never_split"), config.Int("image_feature_size"),
            !config.Has("use_image_id") || config.Bool("use_image_id"), !config.Has("slice_mode") || config.Bool("slice_mode"),
            EnsureDivideRule.RoundHalfEven, SliceTokenSchema.MiniCpmV26);
        int index = config.Has("image_idx") ? config.Int("image_idx") : 0;
        var plan = MiniCpmVSlicing.Plan(width, height, options, index);
        var result = Geometry(plan);
        result["tokens"] = plan.QueryTokens;
        result["placeholder"] = new JsonObject
        {
            ["query_tokens"] = plan.QueryTokens,
            ["image_start_end"] = 2,
            ["slice_start_end"] = 2 * plan.NumSlices,
            ["image_id_start_end"] = plan.ImageIdDigits > 0 ? 2 : 0,
            ["newlines"] = plan.RowNewlines,
            ["other_text"] = plan.ImageIdDigits > 0 ? plan.ImageIndex.ToString(CultureInfo.InvariantCulture) : "",
            ["total_if_markers_newlines_digits_are_single_tokens"] = MiniCpmVSlicing.CountTokens(plan),
        };
        result["layout_tokens"] = MiniCpmVSlicing.CountTokens(plan);
        return result;
    }

    public static JsonObject UhdBranch(ConfigReader config, int width, int height)
    {
        var options = new MiniCpmVOptions(config.Int("scale_resolution"), config.Int("patch_size"), config.Int("max_slice_nums"),
            config.Has("never_split") && config.Bool("never_split"), config.Has("queries_per_view") ? config.Int("queries_per_view") : 64,
            useImageId: false, sliceMode: true, EnsureDivideRule.Floor, SliceTokenSchema.CommaNewline);
        var plan = MiniCpmVSlicing.Plan(width, height, options);
        var result = Geometry(plan);
        result["ind_tokens"] = plan.SeparatorTokens;
        result["layout_tokens"] = MiniCpmVSlicing.CountTokens(plan);
        return result;
    }

    private static JsonObject Geometry(in MiniCpmVPlan plan) => new()
    {
        ["grid"] = plan.IsSliced ? new JsonArray(plan.Grid.Columns, plan.Grid.Rows) : null,
        ["source_size"] = new JsonArray(plan.SourceWidth, plan.SourceHeight),
        ["refine_size"] = plan.IsSliced ? new JsonArray(plan.RefineWidth, plan.RefineHeight) : null,
        ["slice_size"] = plan.IsSliced ? new JsonArray(plan.SliceWidth, plan.SliceHeight) : null,
        ["num_slices"] = plan.NumSlices,
        ["num_images"] = plan.NumImages,
    };
}

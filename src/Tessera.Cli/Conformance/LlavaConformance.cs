using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>llava_next.select_best_resolution</c>, <c>llava_onevision</c> and <c>llava_uhd.slice</c>.</summary>
internal static class LlavaConformance
{
    public static JsonObject Next(ConfigReader config, int width, int height)
    {
        var options = new LlavaNextOptions(Pinpoints(config), config.Int("crop_size"), config.Int("patch_size"),
            Strategy(config), config.Has("num_additional_image_tokens") ? config.Int("num_additional_image_tokens") : 0);
        var plan = LlavaNextAnyRes.Plan(width, height, options);
        var result = Common(plan, LlavaNextAnyRes.CountTokens(plan));
        result["num_features_raw"] = plan.NumFeaturesRaw;
        return result;
    }

    public static JsonObject OneVision(ConfigReader config, int width, int height)
    {
        int? grid = config.Has("patch_grid") ? config.Int("patch_grid") : null;
        if (config.Has("num_image_tokens"))
        {
            long perCrop = config.Long("num_image_tokens");
            // The processor derives the per-crop grid as int(sqrt(num_image_tokens)); the two must describe one square grid.
            long root = (long)System.Math.Sqrt(perCrop);
            while (root * root > perCrop) root--;
            while ((root + 1) * (root + 1) <= perCrop) root++;
            if (perCrop < 1 || root * root != perCrop)
                throw PlanException.Config($"llava_onevision: num_image_tokens {perCrop} is not the square of a feature grid.");
            if (grid is int g && (long)g * g != perCrop)
                throw PlanException.Config($"llava_onevision: patch_grid {g} contradicts num_image_tokens {perCrop}.");
            grid ??= (int)root;
        }
        if (grid is null) throw PlanException.Config("llava_onevision: config needs patch_grid or num_image_tokens.");
        int cropSize = config.Int("crop_size");
        if (config.Has("patch_size") && cropSize / config.Int("patch_size") != grid)
            throw PlanException.Config($"llava_onevision: crop_size {cropSize} // patch_size {config.Int("patch_size")} contradicts the feature grid {grid}.");
        int? maxPatches = config.Has("vision_aspect_ratio") ? LlavaOneVisionOptions.ParseVisionAspectRatio(config.String("vision_aspect_ratio")) : null;
        if (config.Has("max_num_patches"))
        {
            int n = config.Int("max_num_patches");
            if (maxPatches is int m && m != n)
                throw PlanException.Config($"llava_onevision: max_num_patches {n} contradicts vision_aspect_ratio anyres_max_{m}.");
            maxPatches = n;
        }
        if (maxPatches is null) throw PlanException.Config("llava_onevision: config needs vision_aspect_ratio or max_num_patches.");
        // LlavaOnevisionProcessor has no num_additional_image_tokens: its base is num_image_tokens (SigLIP has no CLS), so a
        // num_additional_image_tokens key in the config does not change the count upstream and is not read here.
        var options = new LlavaOneVisionOptions(Pinpoints(config), cropSize, grid.Value, maxPatches.Value, Strategy(config));
        var plan = LlavaOneVision.Plan(width, height, options);
        var result = Common(plan, LlavaOneVision.CountTokens(plan));
        result["base_features"] = plan.BaseFeatures;
        return result;
    }

    public static JsonObject Uhd(ConfigReader config, int width, int height)
    {
        var options = new LlavaUhdOptions(config.Int("vit_size"), config.Int("patch_size"), config.Int("max_slices"),
            config.Has("queries_per_view") ? config.Int("queries_per_view") : 64);
        options.Validate();
        if (config.Has("max_patches") && config.Long("max_patches") != options.MaxPatches)
            throw PlanException.Config($"llava_uhd.slice: max_patches {config.Long("max_patches")} contradicts (vit_size / patch_size)² = {options.MaxPatches}.");
        var plan = LlavaUhd.Plan(width, height, options);
        return new JsonObject
        {
            ["grid"] = new JsonArray(plan.Grid.Columns, plan.Grid.Rows),
            ["num_slices"] = plan.NumSlices,
            ["slice_size"] = new JsonArray(plan.SliceWidth, plan.SliceHeight),
            ["slice_patches"] = new JsonArray(plan.SlicePatchesWidth, plan.SlicePatchesHeight),
            ["slice_resized"] = new JsonArray(plan.SliceResizedWidth, plan.SliceResizedHeight),
            ["abstract_patches"] = new JsonArray(plan.AbstractPatchesWidth, plan.AbstractPatchesHeight),
            ["abstract_resized"] = new JsonArray(plan.AbstractResizedWidth, plan.AbstractResizedHeight),
            ["num_images"] = plan.NumImages,
            ["process_image_resize_all_to"] = new JsonArray(plan.ProcessResizeWidth, plan.ProcessResizeHeight),
            ["layout_tokens"] = LlavaUhd.CountTokens(plan),
        };
    }

    private static JsonObject Common(in AnyResPlan plan, long layoutTokens) => new()
    {
        ["best_resolution"] = new JsonArray(plan.Canvas.Height, plan.Canvas.Width),
        ["grid"] = new JsonArray(plan.Rows, plan.Columns),
        ["num_patches"] = plan.NumPatches,
        ["unpadded_features"] = plan.UnpaddedFeatures,
        ["newline_features"] = plan.NewlineFeatures,
        ["num_image_tokens"] = plan.NumImageTokens,
        // pack_image_features places the base features net of CLS, then each kept row and its newline: the same count.
        ["model_feature_len"] = plan.BaseFeaturesPlaced + plan.UnpaddedFeatures + plan.FeatureRows,
        ["layout_tokens"] = layoutTokens,
    };

    private static Pinpoint[] Pinpoints(ConfigReader config)
    {
        var pairs = config.Pairs("image_grid_pinpoints");
        var pinpoints = new Pinpoint[pairs.Length];
        for (int i = 0; i < pairs.Length; i++) pinpoints[i] = new Pinpoint(pairs[i].First, pairs[i].Second);
        return pinpoints;
    }

    private static FeatureSelectStrategy Strategy(ConfigReader config)
    {
        string s = config.String("vision_feature_select_strategy");
        return s switch
        {
            "default" => FeatureSelectStrategy.Default,
            "full" => FeatureSelectStrategy.Full,
            _ => throw PlanException.Config($"vision_feature_select_strategy must be 'default' or 'full', got '{s}'."),
        };
    }
}

using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>mllama.get_optimal_tiled_canvas</c>, <c>idefics3.resize_split</c> and <c>gemma3.pan_and_scan</c>.</summary>
/// <remarks>Keys a config leaves out take the upstream default (the class attribute, module constant or processor default).</remarks>
internal static class StretchConformance
{
    public static JsonObject Mllama(ConfigReader config, int width, int height)
    {
        var options = new MllamaOptions(Int(config, "tile_size", 560), Int(config, "max_image_tiles", 4));
        var plan = MllamaTiledCanvas.Plan(width, height, options);
        return new JsonObject
        {
            ["canvas"] = new JsonArray(plan.CanvasHeight, plan.CanvasWidth),
            ["tiles"] = new JsonArray(plan.TileRows, plan.TileCols),
            ["num_tiles"] = plan.NumTiles,
            ["resized"] = new JsonArray(plan.ResizedHeight, plan.ResizedWidth),
            ["aspect_ratio_id"] = plan.AspectRatioId,
            ["layout_tokens"] = MllamaTiledCanvas.CountTokens(plan),
        };
    }

    public static JsonObject Idefics3(ConfigReader config, int width, int height)
    {
        var options = new Idefics3Options(
            Int(config, "size_longest_edge", 4 * 364),
            Int(config, "max_image_size_longest_edge", 364),
            config.Has("do_image_splitting") ? config.Bool("do_image_splitting") : true,
            Int(config, "image_seq_len", 169),
            Int(config, "MAX_IMAGE_SIZE", 4096));
        var plan = Idefics3Splitting.Plan(width, height, options);
        return new JsonObject
        {
            ["resized"] = new JsonArray(plan.ResizedHeight, plan.ResizedWidth),
            ["vision_encoder_resized"] = new JsonArray(plan.VisionEncoderHeight, plan.VisionEncoderWidth),
            ["rows"] = plan.Rows,
            ["cols"] = plan.Cols,
            ["num_patches"] = plan.NumPatches,
            ["image_tokens_in_prompt"] = plan.ImageTokensInPrompt,
            ["get_number_of_image_patches"] = new JsonArray(plan.EstimatedPatches, plan.EstimatedRows, plan.EstimatedCols),
            ["num_image_tokens"] = Idefics3Splitting.CountTokens(plan),
            ["layout_tokens"] = Idefics3Splitting.CountTokens(plan),
        };
    }

    public static JsonObject Gemma3(ConfigReader config, int width, int height)
    {
        var options = new Gemma3Options(
            config.Has("do_pan_and_scan") ? config.Bool("do_pan_and_scan") : false,
            Int(config, "pan_and_scan_min_crop_size", 256),
            Int(config, "pan_and_scan_max_num_crops", 4),
            config.Has("pan_and_scan_min_ratio_to_activate") ? config.Double("pan_and_scan_min_ratio_to_activate") : 1.2,
            Int(config, "image_seq_length", 256));
        var plan = Gemma3PanAndScan.Plan(width, height, options);
        var crops = new JsonArray();
        for (int i = 0; i < plan.NumCrops; i++)
        {
            var crop = plan.GetCrop(i);
            crops.Add(new JsonArray(crop.Width, crop.Height));
        }
        return new JsonObject
        {
            ["num_crops"] = plan.NumCrops,
            ["crop_sizes"] = crops,
            ["num_images"] = plan.NumImages,
            ["image_soft_tokens"] = plan.ImageSoftTokens,
            ["layout_tokens"] = Gemma3PanAndScan.CountTokens(plan),
        };
    }

    private static int Int(ConfigReader config, string key, int fallback) => config.Has(key) ? config.Int(key) : fallback;
}

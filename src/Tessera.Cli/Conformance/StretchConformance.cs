using System.Text.Json.Nodes;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>Adapters for <c>mllama.get_optimal_tiled_canvas</c>, <c>idefics3.resize_split</c> and <c>gemma3.pan_and_scan</c>.</summary>
/// <remarks>Every key of the golden schema is required: a request that leaves one out gets an error line.</remarks>
internal static class StretchConformance
{
    public static JsonObject Mllama(ConfigReader config, int width, int height)
    {
        var options = new MllamaOptions(config.Int("tile_size"), config.Int("max_image_tiles"));
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
            config.Int("size_longest_edge"),
            config.Int("max_image_size_longest_edge"),
            config.Bool("do_image_splitting"),
            config.Int("image_seq_len"),
            config.Int("MAX_IMAGE_SIZE"));
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
            config.Bool("do_pan_and_scan"),
            config.Int("pan_and_scan_min_crop_size"),
            config.Int("pan_and_scan_max_num_crops"),
            config.Double("pan_and_scan_min_ratio_to_activate"),
            config.Int("image_seq_length"));
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

}

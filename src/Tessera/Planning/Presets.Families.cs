namespace Tessera.Planning;

/// <summary>The presets of the AnyRes, slicing and stretch strategies.</summary>
public static partial class Presets
{
    static partial void AddMore()
    {
        Add("llava-next", "LLaVA-NeXT (v1.6) AnyRes, 336-px crops, 5 pinpoints", (w, h) =>
        {
            var p = LlavaNextAnyRes.Plan(w, h, LlavaNextOptions.V16);
            return new PlanSummary(p.Columns, p.Rows, p.ResizedWidth, p.ResizedHeight, (int)p.NumPatches, LlavaNextAnyRes.CountTokens(p));
        });
        Add("llava-onevision", "LLaVA-OneVision single image, 384-px crops, anyres_max_9", (w, h) =>
        {
            var p = LlavaOneVision.Plan(w, h, LlavaOneVisionOptions.Checkpoint);
            return new PlanSummary(p.Columns, p.Rows, p.ResizedWidth, p.ResizedHeight, (int)p.NumPatches, LlavaOneVision.CountTokens(p));
        });
        Add("minicpm-v-2.6", "MiniCPM-V 2.6 slices (448, up to 9), overview first", (w, h) =>
        {
            var p = MiniCpmVSlicing.Plan(w, h, MiniCpmVOptions.MiniCpmV26);
            return new PlanSummary(p.Grid.Columns, p.Grid.Rows, p.IsSliced ? p.RefineWidth : p.SourceWidth,
                p.IsSliced ? p.RefineHeight : p.SourceHeight, p.NumImages, MiniCpmVSlicing.CountTokens(p));
        });
        Add("llava-uhd", "LLaVA-UHD v1 slices (336, up to 6+1), overview last", (w, h) =>
        {
            var p = LlavaUhd.Plan(w, h, LlavaUhdOptions.V1);
            return new PlanSummary(p.Grid.Columns, p.Grid.Rows, p.AbstractResizedWidth, p.AbstractResizedHeight, p.NumImages, LlavaUhd.CountTokens(p));
        });
        Add("llama-3.2-vision", "Llama 3.2 Vision tiled canvas (560-px tiles, up to 4; cross-attention)", (w, h) =>
        {
            var p = MllamaTiledCanvas.Plan(w, h, MllamaOptions.ProcessorDefaults);
            return new PlanSummary(p.TileCols, p.TileRows, p.ResizedWidth, p.ResizedHeight, p.NumTiles, MllamaTiledCanvas.CountTokens(p));
        });
        Add("idefics3", "Idefics3 / SmolVLM split (1456 longest edge, 364-px tiles)", (w, h) =>
        {
            var p = Idefics3Splitting.Plan(w, h, Idefics3Options.ProcessorDefaults);
            return new PlanSummary((int)p.Cols, (int)p.Rows, p.VisionEncoderWidth, p.VisionEncoderHeight, (int)p.NumPatches, Idefics3Splitting.CountTokens(p));
        });
        Add("gemma-3", "Gemma 3 with pan-and-scan (896 px, up to 4 crops)", (w, h) =>
        {
            var p = Gemma3PanAndScan.Plan(w, h, Gemma3Options.PanAndScan);
            return new PlanSummary(p.CropCols, p.CropRows, p.CropWidth, p.CropHeight, (int)p.NumImages, Gemma3PanAndScan.CountTokens(p));
        });
        Add("oryx-7b", "Oryx 7B image, scripts' settings (low-res ≈384² view, then native high-res ≤ 1536², multiples of 32)", (w, h) =>
        {
            var p = Oryx.PlanImage(w, h, OryxOptions.Scripts);
            return new PlanSummary(1, 1, p.HighResWidth, p.HighResHeight, 2, Oryx.CountTokens(p));
        });
    }
}

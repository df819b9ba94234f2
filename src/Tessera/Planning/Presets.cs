using System;
using System.Collections.Generic;

namespace Tessera.Planning;

/// <summary>A named, ready-made configuration of one strategy (the settings a released checkpoint uses).</summary>
public sealed class Preset
{
    private readonly Func<int, int, PlanSummary> _plan;

    /// <summary>Creates a preset.</summary>
    public Preset(string name, string model, Func<int, int, PlanSummary> plan)
    {
        Name = name;
        Model = model;
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
    }

    /// <summary>Short identifier, e.g. <c>qwen2-vl</c>.</summary>
    public string Name { get; }

    /// <summary>The model family and settings it mirrors.</summary>
    public string Model { get; }

    /// <summary>Plans an image of the given size and summarises the plan.</summary>
    /// <exception cref="PlanException">The strategy rejects the size.</exception>
    public PlanSummary Plan(int width, int height) => _plan(width, height);
}

/// <summary>The presets Tessera ships, one or more per strategy.</summary>
public static partial class Presets
{
    private static readonly List<Preset> Registered = new();

    static Presets()
    {
        Add("qwen2-vl", "Qwen2-VL / Qwen2.5-VL, transformers processor defaults (max 1 003 520 px)",
            (w, h) => Qwen(w, h, QwenVisionOptions.ProcessorDefaults));
        Add("qwen2-vl-checkpoint", "Qwen2-VL / Qwen2.5-VL released checkpoints (max 12 845 056 px)",
            (w, h) => Qwen(w, h, QwenVisionOptions.Checkpoint));
        Add("internvl", "InternVL 1.5+ model card: 448-px tiles, 1–12, thumbnail",
            (w, h) => InternVL(w, h, InternVLOptions.ModelCard));
        Add("internvl-6", "InternVL with max_num 6", (w, h) => InternVL(w, h, InternVL6));
        Add("gpt-4o-high", "GPT-4o / GPT-4 Turbo vision, detail high", (w, h) => Gpt(w, h, new GptDetailOptions()));
        Add("gpt-4o-low", "GPT-4o / GPT-4 Turbo vision, detail low", (w, h) => Gpt(w, h, new GptDetailOptions(GptDetail.Low)));
        Add("clip-b16", "CLIP ViT-B/16 at 224", (w, h) => Fixed(w, h, FixedResolutionOptions.ClipVitB16));
        Add("clip-l14-336", "CLIP ViT-L/14 at 336", (w, h) => Fixed(w, h, FixedResolutionOptions.ClipVitL14At336));
        Add("llava-1.5", "LLaVA-1.5 (pad to square, CLIP 336)", (w, h) => Fixed(w, h, FixedResolutionOptions.Llava15));
        AddMore();
    }

    /// <summary>Every preset, in a stable order.</summary>
    public static IReadOnlyList<Preset> All => Registered;

    /// <summary>The preset called <paramref name="name"/>, or null.</summary>
    public static Preset? Find(string name)
    {
        foreach (var p in Registered)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        }
        return null;
    }

    private static readonly InternVLOptions InternVL6 = new(maxTiles: 6);

    static partial void AddMore();

    private static void Add(string name, string model, Func<int, int, PlanSummary> plan) => Registered.Add(new Preset(name, model, plan));

    private static PlanSummary Qwen(int w, int h, QwenVisionOptions o)
    {
        var p = QwenNativeResolution.Plan(w, h, o);
        return new PlanSummary(1, 1, p.ResizedWidth, p.ResizedHeight, 1, QwenNativeResolution.CountTokens(p));
    }

    private static PlanSummary InternVL(int w, int h, InternVLOptions o)
    {
        var p = InternVLDynamicTiling.Plan(w, h, o);
        return new PlanSummary(p.Grid.Columns, p.Grid.Rows, p.ResizedWidth, p.ResizedHeight, p.NumImages, InternVLDynamicTiling.CountTokens(p));
    }

    private static PlanSummary Gpt(int w, int h, GptDetailOptions o)
    {
        var p = GptDetailCost.Plan(w, h, o);
        return new PlanSummary((int)p.Columns, (int)p.Rows, (long)Math.Ceiling(p.ScaledWidth), (long)Math.Ceiling(p.ScaledHeight), 1, p.Tokens);
    }

    private static PlanSummary Fixed(int w, int h, FixedResolutionOptions o)
    {
        var p = FixedResolution.Plan(w, h, o);
        return new PlanSummary(1, 1, p.CropSize, p.CropSize, 1, FixedResolution.CountTokens(p));
    }
}

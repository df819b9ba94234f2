using System;
using Tessera.Planning;

namespace Tessera.Specs;

/// <summary>
/// Declares an InternVL 1.5+ dynamic-tiling spec on a <c>partial</c> class: Tessera's source generator adds the plan,
/// the ordered candidate-grid table and the worst-case token count, and its analyzers check the values as you type.
/// Defaults are the InternVL model card's (448-px tiles, 1–12 tiles, thumbnail, 256 tokens per tile).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AspectRatioTilingAttribute : Attribute
{
    /// <summary>Tile side in pixels (<c>image_size</c>).</summary>
    public int TileSize { get; set; } = 448;

    /// <summary>Fewest tiles a grid may have (<c>min_num</c>).</summary>
    public int MinTiles { get; set; } = 1;

    /// <summary>Most tiles a grid may have (<c>max_num</c>).</summary>
    public int MaxTiles { get; set; } = 12;

    /// <summary>Whether a thumbnail tile follows a grid of more than one tile (<c>use_thumbnail</c>).</summary>
    public bool Thumbnail { get; set; } = true;

    /// <summary>LLM positions per tile (<c>num_image_token</c>: 256 for InternVL2/2.5 at 448 px).</summary>
    public int TokensPerTile { get; set; } = 256;

    /// <summary>Order of equal-scoring candidate grids: the official code's set order or transformers' width-major order.</summary>
    public InternVLCandidateOrder Order { get; set; } = InternVLCandidateOrder.Official;
}

/// <summary>
/// Declares a Qwen2-VL / Qwen2.5-VL native-resolution spec (<c>smart_resize</c>, <c>merge × merge</c> patches per token) on
/// a <c>partial</c> class. Defaults are the transformers processor's (patch 14, merge 2, 3 136 – 1 003 520 pixels).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NativeResolutionAttribute : Attribute
{
    /// <summary>ViT patch side in pixels.</summary>
    public int PatchSize { get; set; } = 14;

    /// <summary>Patches merged per side into one LLM token.</summary>
    public int MergeSize { get; set; } = 2;

    /// <summary>Lower bound on the resized area in pixels.</summary>
    public long MinPixels { get; set; } = 56 * 56;

    /// <summary>Upper bound on the resized area in pixels.</summary>
    public long MaxPixels { get; set; } = 28 * 28 * 1280;

    /// <summary>Which published <c>smart_resize</c> to follow.</summary>
    public QwenResizeRule Rule { get; set; } = QwenResizeRule.Transformers;

    /// <summary>Frames per temporal patch.</summary>
    public int TemporalPatchSize { get; set; } = 2;

    /// <summary>Which <c>get_rope_index</c> the generated <c>GetRopeIndex</c> reproduces: the model's release by default
    /// (<see cref="QwenRopeVariant.Qwen2VL"/>; <see cref="QwenRopeVariant.Qwen25VL"/> for Qwen2.5-VL checkpoints), or the
    /// transformers version a deployment actually runs.</summary>
    public QwenRopeVariant Rope { get; set; } = QwenRopeVariant.Qwen2VL;

    /// <summary>Qwen2.5-VL's <c>vision_config.tokens_per_second</c> (2 in released checkpoints); Qwen2-VL variants ignore it.</summary>
    public int TokensPerSecond { get; set; } = 2;
}

/// <summary>
/// Declares a LLaVA-NeXT AnyRes spec on a <c>partial</c> class: the candidate canvases (<c>image_grid_pinpoints</c>) as
/// (height, width) pairs flattened into the constructor's arguments, e.g. <c>[AnyResTiling(336, 672, 672, 336)]</c>.
/// With no arguments, the LLaVA-NeXT v1.6 canvases. Other defaults are llava-hf/llava-v1.6's (336-px crops, patch 14,
/// "default" feature strategy, CLS counted).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AnyResTilingAttribute : Attribute
{
    /// <summary>Declares the canvases as flattened (height, width) pairs; none means the v1.6 defaults.</summary>
    public AnyResTilingAttribute(params int[] pinpoints)
    {
        Pinpoints = pinpoints ?? [];
    }

    /// <summary>The canvases as flattened (height, width) pairs, in scan order.</summary>
    public int[] Pinpoints { get; }

    /// <summary>Side of the square crop and base image.</summary>
    public int CropSize { get; set; } = 336;

    /// <summary>ViT patch side.</summary>
    public int PatchSize { get; set; } = 14;

    /// <summary><c>vision_feature_select_strategy</c>.</summary>
    public FeatureSelectStrategy Strategy { get; set; } = FeatureSelectStrategy.Default;

    /// <summary>Extra ViT outputs per crop the processor counts (1 for CLIP's CLS token).</summary>
    public int AdditionalImageTokens { get; set; } = 1;
}

/// <summary>
/// Declares the context a tiling spec must fit, on the same class: the analyzers warn when the spec's worst-case image
/// positions plus <see cref="TextTokens"/> and <see cref="ReservedTokens"/> exceed <see cref="ContextLength"/>, and the
/// generator emits the remaining budget.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TokenBudgetAttribute : Attribute
{
    /// <summary>The model's context window in tokens.</summary>
    public int ContextLength { get; set; }

    /// <summary>Tokens of the prompt around the image (template, system prompt, question).</summary>
    public int TextTokens { get; set; }

    /// <summary>Tokens kept free for the answer.</summary>
    public int ReservedTokens { get; set; }
}

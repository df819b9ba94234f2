using System.Globalization;

namespace Tessera.Planning;

/// <summary>
/// Rejects enum values outside their declared members (e.g. <c>(QwenResizeRule)9</c>), which would otherwise fall silently
/// into one branch of a planner. Each check is a range test against the enum's last member: no boxing, no allocation,
/// and it compiles for netstandard2.0 (the generator links these sources), unlike <c>Enum.IsDefined</c>. Every checked
/// enum is numbered 0, 1, … with no gaps; a member added after the last one must move the bound here and the member list
/// of its message (EnumValidationTests fails until both are done).
/// </summary>
internal static class PlanEnums
{
    /// <summary>The kind of a Qwen request item.</summary>
    public static void Check(QwenMediaKind value)
    {
        if ((uint)value > (uint)QwenMediaKind.Video) throw Undefined("the media kind", nameof(QwenMediaKind), (int)value, "Image or Video");
    }

    /// <summary><see cref="QwenRequestOptions.Order"/>.</summary>
    public static void Check(QwenFitOrder value)
    {
        if ((uint)value > (uint)QwenFitOrder.FramesFirst)
            throw Undefined("the fit order", nameof(QwenFitOrder), (int)value, "ResolutionFirst or FramesFirst");
    }

    /// <summary><see cref="InternVLOptions.Order"/>.</summary>
    public static void Check(InternVLCandidateOrder value)
    {
        if ((uint)value > (uint)InternVLCandidateOrder.Transformers)
            throw Undefined("the candidate order", nameof(InternVLCandidateOrder), (int)value, "Official or Transformers");
    }

    /// <summary><see cref="MiniCpmVOptions.Rule"/>.</summary>
    public static void Check(EnsureDivideRule value)
    {
        if ((uint)value > (uint)EnsureDivideRule.Floor)
            throw Undefined("the ensure_divide rule", nameof(EnsureDivideRule), (int)value, "RoundHalfEven or Floor");
    }

    /// <summary><see cref="MiniCpmVOptions.Schema"/>.</summary>
    public static void Check(SliceTokenSchema value)
    {
        if ((uint)value > (uint)SliceTokenSchema.CommaNewline)
            throw Undefined("the slice token schema", nameof(SliceTokenSchema), (int)value, "MiniCpmV26 or CommaNewline");
    }

    /// <summary><c>vision_feature_select_strategy</c> of LLaVA-NeXT and LLaVA-OneVision.</summary>
    public static void Check(FeatureSelectStrategy value)
    {
        if ((uint)value > (uint)FeatureSelectStrategy.Full)
            throw Undefined("vision_feature_select_strategy", nameof(FeatureSelectStrategy), (int)value, "Default or Full");
    }

    /// <summary><see cref="LlavaOneVisionImagePlan.Policy"/>.</summary>
    public static void Check(LlavaOneVisionImagePolicy value)
    {
        if ((uint)value > (uint)LlavaOneVisionImagePolicy.PaddedSquare)
            throw Undefined("the image policy", nameof(LlavaOneVisionImagePolicy), (int)value, "AnyRes or PaddedSquare");
    }

    /// <summary><see cref="LlavaOneVisionFrameSample.Sampler"/>.</summary>
    public static void Check(LlavaOneVisionFrameSampler value)
    {
        if ((uint)value > (uint)LlavaOneVisionFrameSampler.LlavaNextStepped)
            throw Undefined("the frame sampler", nameof(LlavaOneVisionFrameSampler), (int)value, "TransformersArange, LlavaNextLinspace or LlavaNextStepped");
    }

    /// <summary>The qwen-vl-utils <c>fetch_video</c> version.</summary>
    public static void Check(QwenVideoRule value)
    {
        if ((uint)value > (uint)QwenVideoRule.QwenVlUtilsV008)
            throw Undefined("the qwen-vl-utils video rule", nameof(QwenVideoRule), (int)value, "QwenVlUtils or QwenVlUtilsV008");
    }

    /// <summary><see cref="QwenRopeOptions.Variant"/>.</summary>
    public static void Check(QwenRopeVariant value)
    {
        if ((uint)value > (uint)QwenRopeVariant.Qwen25VLUnified)
            throw Undefined("the get_rope_index variant", nameof(QwenRopeVariant), (int)value,
                "Qwen2VL, Qwen2VLUnified, Qwen25VL, Qwen25VLIntCast or Qwen25VLUnified");
    }

    /// <summary><see cref="GptDetailOptions.Detail"/>.</summary>
    public static void Check(GptDetail value)
    {
        if ((uint)value > (uint)GptDetail.High) throw Undefined("detail", nameof(GptDetail), (int)value, "Low or High");
    }

    /// <summary><see cref="GptDetailOptions.Rounding"/>.</summary>
    public static void Check(GptScaledSizeRounding value)
    {
        if ((uint)value > (uint)GptScaledSizeRounding.Floor)
            throw Undefined("the scaled-size rounding", nameof(GptScaledSizeRounding), (int)value, "Exact or Floor");
    }

    /// <summary>The modality of an Oryx block.</summary>
    public static void Check(OryxModality value)
    {
        if ((uint)value > (uint)OryxModality.VideoLong)
            throw Undefined("the modality", nameof(OryxModality), (int)value, "Image, Video or VideoLong");
    }

    /// <summary><see cref="OryxOptions.FrameSampling"/>.</summary>
    public static void Check(OryxFrameSampling value)
    {
        if ((uint)value > (uint)OryxFrameSampling.Training)
            throw Undefined("the frame sampling", nameof(OryxFrameSampling), (int)value, "Inference or Training");
    }

    /// <summary><see cref="QwenVisionOptions.Rule"/>: which copy of <c>smart_resize</c>.</summary>
    public static void Check(QwenResizeRule value)
    {
        if ((uint)value > (uint)QwenResizeRule.TransformersLegacy)
            throw Undefined("the smart_resize rule", nameof(QwenResizeRule), (int)value, "Transformers, QwenVlUtils or TransformersLegacy");
    }

    private static PlanException Undefined(string knob, string type, int value, string members) =>
        PlanException.Config($"{knob} must be a declared {type} ({members}), got {value.ToString(CultureInfo.InvariantCulture)}.");
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Every public planning enum taken as input rejects values outside its declared members (<c>(QwenResizeRule)9</c>) with
/// <see cref="PlanError.InvalidConfiguration"/> where it is consumed, instead of falling into some branch; every declared
/// member is accepted there. The checks compare against each enum's last member, so these tests iterate
/// <see cref="Enum.GetValues{TEnum}()"/>: a member added later without moving the bound fails here.
/// </summary>
public class EnumValidationTests
{
    /// <summary>The enums that are inputs; the remaining public enums of the namespace are outputs.</summary>
    private static readonly Type[] Checked =
    {
        typeof(QwenMediaKind), typeof(QwenFitOrder), typeof(InternVLCandidateOrder), typeof(EnsureDivideRule), typeof(SliceTokenSchema),
        typeof(FeatureSelectStrategy), typeof(LlavaOneVisionImagePolicy), typeof(LlavaOneVisionFrameSampler), typeof(QwenVideoRule),
        typeof(QwenRopeVariant), typeof(GptDetail), typeof(GptScaledSizeRounding), typeof(OryxModality), typeof(OryxFrameSampling),
        typeof(QwenResizeRule),
    };

    private static readonly Type[] Outputs = { typeof(SegmentKind), typeof(PieceRole), typeof(PlanError) };

    public static TheoryData<Type> CheckedEnums()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Checked) data.Add(type);
        return data;
    }

    [Fact]
    public void Every_public_planning_enum_is_checked_or_an_output()
    {
        var declared = typeof(PlanError).Assembly.GetExportedTypes()
            .Where(t => t.IsEnum && t.Namespace == typeof(PlanError).Namespace)
            .Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
        var known = Checked.Concat(Outputs).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(known, declared);
    }

    // The range checks assume members 0, 1, …, last with no gaps (and an int underlying type).
    [Theory]
    [MemberData(nameof(CheckedEnums))]
    public void Checked_enums_are_numbered_from_zero_without_gaps(Type type)
    {
        Assert.Equal(typeof(int), Enum.GetUnderlyingType(type));
        var values = Enum.GetValues(type).Cast<object>().Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).OrderBy(v => v);
        Assert.Equal(Enumerable.Range(0, Enum.GetNames(type).Length), values);
    }

    [Fact]
    public void QwenMediaKind_is_checked()
    {
        var image = QwenMediaItem.Image(640, 480);
        var video = QwenMediaItem.Video(640, 480, 100, 25);
        var options = new QwenRequestOptions(32768);
        AssertChecked<QwenMediaKind>("QwenRequest.Plan", kind =>
        {
            var item = With(kind == QwenMediaKind.Video ? video : image, nameof(QwenMediaItem.Kind), kind);
            QwenRequest.Plan(new[] { item }, options, new QwenItemPlan[1]);
        });
        AssertChecked<QwenMediaKind>("QwenRequest.Fit", kind =>
        {
            var item = With(kind == QwenMediaKind.Video ? video : image, nameof(QwenMediaItem.Kind), kind);
            QwenRequest.Fit(new[] { item }, options, new QwenItemPlan[1]);
        });
        var plans = new QwenItemPlan[2];
        QwenRequest.Plan(new[] { image, video }, options, plans);
        AssertChecked<QwenMediaKind>("QwenRope.WriteBlockIds", kind =>
        {
            var plan = With(kind == QwenMediaKind.Video ? plans[1] : plans[0], nameof(QwenItemPlan.Kind), kind);
            QwenRope.WriteBlockIds(plan, QwenRopeOptions.Qwen2VL, new int[plan.Positions]);
        });
    }

    // Items are checked before any is planned: a bad kind leaves the destination as it was.
    [Fact]
    public void QwenRequest_checks_every_kind_before_writing_a_plan()
    {
        var items = new[] { QwenMediaItem.Image(640, 480), With(QwenMediaItem.Image(640, 480), nameof(QwenMediaItem.Kind), (QwenMediaKind)2) };
        var plans = new QwenItemPlan[2];
        var e = Assert.Throws<PlanException>(() => QwenRequest.Plan(items, new QwenRequestOptions(32768), plans));
        Assert.Equal(PlanError.InvalidConfiguration, e.Error);
        Assert.Equal(0, plans[0].Positions);
    }

    [Fact]
    public void QwenFitOrder_is_checked()
    {
        AssertChecked<QwenFitOrder>("QwenRequestOptions.Validate", order => new QwenRequestOptions(32768, order: order).Validate());
        AssertChecked<QwenFitOrder>("QwenRequest.Fit", order =>
            QwenRequest.Fit(new[] { QwenMediaItem.Video(1920, 1080, 3000, 30) }, new QwenRequestOptions(4096, order: order), new QwenItemPlan[1]));
    }

    [Fact]
    public void InternVLCandidateOrder_is_checked()
    {
        AssertChecked<InternVLCandidateOrder>("new InternVLOptions", order =>
            InternVLDynamicTiling.Plan(1000, 700, new InternVLOptions(order: order)));
    }

    [Fact]
    public void EnsureDivideRule_is_checked()
    {
        AssertChecked<EnsureDivideRule>("MiniCpmVOptions.Validate", rule => new MiniCpmVOptions(rule: rule).Validate());
        AssertChecked<EnsureDivideRule>("MiniCpmVSlicing.Plan", rule => MiniCpmVSlicing.Plan(1000, 700, new MiniCpmVOptions(rule: rule)));
        AssertChecked<EnsureDivideRule>("MiniCpmVSlicing.MaxTokens", rule => MiniCpmVSlicing.MaxTokens(new MiniCpmVOptions(rule: rule)));
        AssertChecked<EnsureDivideRule>("MiniCpmVSlicing.EnsureDivide", rule => MiniCpmVSlicing.EnsureDivide(100.5, 14, rule));
        AssertChecked<EnsureDivideRule>("MiniCpmVSlicing.FindBestResize", rule =>
            MiniCpmVSlicing.FindBestResize(1000, 700, 448, 14, allowUpscale: true, areaExceeds: true, rule));
    }

    [Fact]
    public void SliceTokenSchema_is_checked()
    {
        AssertChecked<SliceTokenSchema>("MiniCpmVOptions.Validate", schema => new MiniCpmVOptions(schema: schema).Validate());
        AssertChecked<SliceTokenSchema>("MiniCpmVSlicing.Plan", schema => MiniCpmVSlicing.Plan(1000, 700, new MiniCpmVOptions(schema: schema)));
        AssertChecked<SliceTokenSchema>("MiniCpmVSlicing.MaxTokens", schema => MiniCpmVSlicing.MaxTokens(new MiniCpmVOptions(schema: schema)));
        // A plan carries its schema into counting and layout.
        var plan = MiniCpmVSlicing.Plan(1000, 700, MiniCpmVOptions.MiniCpmV26);
        AssertChecked<SliceTokenSchema>("MiniCpmVSlicing.CountTokens", schema =>
            MiniCpmVSlicing.CountTokens(With(plan, nameof(MiniCpmVPlan.Schema), schema)));
        AssertChecked<SliceTokenSchema>("MiniCpmVSlicing.LayoutSegmentCount", schema =>
            MiniCpmVSlicing.LayoutSegmentCount(With(plan, nameof(MiniCpmVPlan.Schema), schema)));
        AssertChecked<SliceTokenSchema>("MiniCpmVSlicing.WriteLayout", schema =>
            MiniCpmVSlicing.WriteLayout(With(plan, nameof(MiniCpmVPlan.Schema), schema), new LayoutSegment[64]));
    }

    [Fact]
    public void FeatureSelectStrategy_is_checked()
    {
        var next = LlavaNextOptions.V16.Pinpoints.ToArray();
        AssertChecked<FeatureSelectStrategy>("new LlavaNextOptions", strategy =>
            LlavaNextAnyRes.Plan(1000, 700, new LlavaNextOptions(next, strategy: strategy)));
        AssertChecked<FeatureSelectStrategy>("new LlavaOneVisionOptions", strategy =>
            LlavaOneVision.Plan(1000, 700, new LlavaOneVisionOptions(LlavaOneVisionOptions.DefaultPinpoints(), strategy: strategy)));
    }

    [Fact]
    public void LlavaOneVisionImagePolicy_is_checked()
    {
        var options = LlavaOneVisionOptions.Checkpoint;
        var anyRes = LlavaOneVision.PlanImage(1000, 700, 1, options);
        var square = LlavaOneVision.PlanImage(1000, 700, 2, options);
        LlavaOneVisionImagePlan Planned(LlavaOneVisionImagePolicy policy) =>
            With(policy == LlavaOneVisionImagePolicy.PaddedSquare ? square : anyRes, nameof(LlavaOneVisionImagePlan.Policy), policy);
        AssertChecked<LlavaOneVisionImagePolicy>("LlavaOneVision.CountTokens", policy => LlavaOneVision.CountTokens(Planned(policy)));
        AssertChecked<LlavaOneVisionImagePolicy>("LlavaOneVision.LayoutSegmentCount", policy => LlavaOneVision.LayoutSegmentCount(Planned(policy)));
        AssertChecked<LlavaOneVisionImagePolicy>("LlavaOneVision.WriteLayout", policy =>
            LlavaOneVision.WriteLayout(Planned(policy), new LayoutSegment[LlavaOneVision.LayoutSegmentCount(anyRes)]));
    }

    [Fact]
    public void LlavaOneVisionFrameSampler_is_checked()
    {
        // arange(0, 10, 2.5), linspace(0, 9, 4) and range(0, 10, 3) all give 4 indices.
        AssertChecked<LlavaOneVisionFrameSampler>("LlavaOneVisionVideo.WriteFrameIndices", sampler =>
            Assert.Equal(4, LlavaOneVisionVideo.WriteFrameIndices(new LlavaOneVisionFrameSample(sampler, 10, 4, 4, step: 3), new long[8])));
    }

    [Fact]
    public void QwenVideoRule_is_checked()
    {
        AssertChecked<QwenVideoRule>("QwenRequestOptions.Validate", rule => new QwenRequestOptions(32768, videoRule: rule).Validate());
        AssertChecked<QwenVideoRule>("QwenRequest.Plan", rule =>
            QwenRequest.Plan(new[] { QwenMediaItem.Video(640, 480, 100, 25) }, new QwenRequestOptions(32768, videoRule: rule), new QwenItemPlan[1]));
        AssertChecked<QwenVideoRule>("QwenVideo.Plan", rule => QwenVideo.Plan(100, 25, 640, 480, default, rule));
        AssertChecked<QwenVideoRule>("QwenVideo.SmartNFrames", rule => QwenVideo.SmartNFrames(default, 100, 25, rule));
    }

    [Fact]
    public void QwenRopeVariant_is_checked()
    {
        AssertChecked<QwenRopeVariant>("QwenRopeOptions.Validate", variant => new QwenRopeOptions(variant).Validate());
        // Text only: no block reaches the variant's temporal rule, yet the variant is still checked.
        AssertChecked<QwenRopeVariant>("QwenRope.GetRopeIndex (text)", variant =>
            QwenRope.GetRopeIndex(new[] { 1, 2, 3 }, default, default, default, new QwenRopeOptions(variant), new long[9]));
        // One video block of a 2×4×4 grid (8 pads after the 2×2 merge).
        var ids = new List<int> { 1, 151652 };
        ids.AddRange(Enumerable.Repeat(151656, 8));
        ids.AddRange(new[] { 151653, 2 });
        AssertChecked<QwenRopeVariant>("QwenRope.GetRopeIndex (video)", variant =>
            QwenRope.GetRopeIndex(ids.ToArray(), default, new[] { new GridThw(2, 4, 4) }, new[] { 1.0 }, new QwenRopeOptions(variant),
                new long[3 * ids.Count]));
    }

    [Fact]
    public void GptDetail_is_checked()
    {
        AssertChecked<GptDetail>("GptDetailOptions.Validate", detail => new GptDetailOptions(detail).Validate());
        AssertChecked<GptDetail>("GptDetailCost.Plan", detail => GptDetailCost.Plan(1366, 1024, new GptDetailOptions(detail)));
        AssertChecked<GptDetail>("GptDetailCost.MaxTokens", detail => GptDetailCost.MaxTokens(new GptDetailOptions(detail)));
    }

    [Fact]
    public void GptScaledSizeRounding_is_checked()
    {
        AssertChecked<GptScaledSizeRounding>("GptDetailOptions.Validate", rounding => new GptDetailOptions(rounding: rounding).Validate());
        AssertChecked<GptScaledSizeRounding>("GptDetailCost.Plan", rounding => GptDetailCost.Plan(1366, 1024, new GptDetailOptions(rounding: rounding)));
        // Low detail ignores the rounding, but an undefined one is still a bad configuration.
        AssertChecked<GptScaledSizeRounding>("GptDetailCost.Plan (low)", rounding =>
            GptDetailCost.Plan(1366, 1024, new GptDetailOptions(GptDetail.Low, rounding: rounding)));
        AssertChecked<GptScaledSizeRounding>("GptDetailCost.MaxTokens", rounding => GptDetailCost.MaxTokens(new GptDetailOptions(rounding: rounding)));
    }

    [Fact]
    public void OryxModality_is_checked()
    {
        var options = OryxOptions.Scripts;
        AssertChecked<OryxModality>("new OryxVideoItem", modality => new OryxVideoItem(100, 640, 480, modality));
        AssertChecked<OryxModality>("Oryx.MaxTokens", modality => Oryx.MaxTokens(options, modality));
        // PlanVideo refuses Image by design (it is an image modality); the video modalities are accepted.
        AssertChecked<OryxModality>("Oryx.PlanVideo", modality => Oryx.PlanVideo(100, 640, 480, options, null, modality),
            modality => modality != OryxModality.Image);
        var image = Assert.Throws<PlanException>(() => Oryx.PlanVideo(100, 640, 480, options, null, OryxModality.Image));
        Assert.Contains("use PlanImage", image.Message);
    }

    [Fact]
    public void OryxFrameSampling_is_checked()
    {
        AssertChecked<OryxFrameSampling>("new OryxOptions", sampling =>
            Oryx.PlanVideo(10, 640, 480, new OryxOptions(frameSampling: sampling)));
        AssertChecked<OryxFrameSampling>("OryxOptions.FromEnvironment", sampling =>
            OryxOptions.FromEnvironment(new Dictionary<string, string> { ["VIDEO_RESIZE"] = "0x64" }, frameSampling: sampling));
    }

    [Fact]
    public void QwenResizeRule_is_checked()
    {
        AssertChecked<QwenResizeRule>("QwenVisionOptions.Validate", rule => new QwenVisionOptions(rule: rule).Validate());
        AssertChecked<QwenResizeRule>("QwenNativeResolution.Plan", rule => QwenNativeResolution.Plan(640, 480, new QwenVisionOptions(rule: rule)));
        AssertChecked<QwenResizeRule>("QwenNativeResolution.MaxTokens", rule => QwenNativeResolution.MaxTokens(new QwenVisionOptions(rule: rule)));
        AssertChecked<QwenResizeRule>("QwenNativeResolution.SmartResize", rule =>
            QwenNativeResolution.SmartResize(480, 640, 28, 56 * 56, 28 * 28 * 1280, rule));
        AssertChecked<QwenResizeRule>("QwenRequestOptions.Validate", rule =>
            new QwenRequestOptions(32768, image: new QwenVisionOptions(rule: rule)).Validate());
    }

    /// <summary>
    /// Every declared member that <paramref name="accepts"/> (all by default) passes <paramref name="consume"/>; the value
    /// after the largest member and -1 are rejected with <see cref="PlanError.InvalidConfiguration"/> by the enum check,
    /// whose message names the type, every member and the bad value.
    /// </summary>
    private static void AssertChecked<T>(string consumer, Action<T> consume, Func<T, bool>? accepts = null) where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        foreach (T value in values)
        {
            if (accepts is not null && !accepts(value)) continue;
            var error = Record.Exception(() => consume(value));
            Assert.True(error is null, $"{consumer} rejected the declared {typeof(T).Name}.{value}: {error}");
        }
        int last = values.Max(v => Convert.ToInt32(v, CultureInfo.InvariantCulture));
        foreach (int raw in new[] { last + 1, -1 })
        {
            var undefined = (T)Enum.ToObject(typeof(T), raw);
            var error = Record.Exception(() => consume(undefined));
            Assert.True(error is PlanException, $"{consumer} did not reject ({typeof(T).Name}){raw} with a PlanException: {error?.ToString() ?? "no exception"}");
            var plan = (PlanException)error!;
            Assert.Equal(PlanError.InvalidConfiguration, plan.Error);
            Assert.Contains($"declared {typeof(T).Name} (", plan.Message);
            Assert.EndsWith($"got {raw.ToString(CultureInfo.InvariantCulture)}.", plan.Message);
            foreach (string name in Enum.GetNames<T>()) Assert.Contains(name, plan.Message);
        }
    }

    /// <summary><paramref name="value"/> with the auto-property <paramref name="property"/> set to <paramref name="field"/>:
    /// how a plan or item carrying an undeclared value is made (their constructors never produce one).</summary>
    private static T With<T, TField>(T value, string property, TField field) where T : struct
    {
        var backing = typeof(T).GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.True(backing is not null, $"{typeof(T).Name}.{property} is not an auto-property.");
        object boxed = value;
        backing!.SetValue(boxed, field);
        return (T)boxed;
    }
}

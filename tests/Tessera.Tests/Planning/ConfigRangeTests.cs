using System;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Configs the upstream functions accept although the shipped checkpoints never use them, found by a differential fuzz
/// against Python restatements of the references: Tessera must plan them (or fail) exactly where upstream does. Each test
/// states an invariant over many sizes rather than copied values.
/// </summary>
public class ConfigRangeTests
{
    private static readonly int[] Sides = { 1, 2, 3, 7, 13, 14, 27, 100, 333, 448, 449, 1000, 1366, 4000, 20000 };

    // OpenGVLab dynamic_preprocess / transformers get_optimal_tiled_canvas: with min_num > max_num the candidate list is
    // empty, no candidate replaces the initial best (1, 1), and nothing raises: one tile, no thumbnail.
    [Theory]
    [InlineData(7, 4, InternVLCandidateOrder.Official)]
    [InlineData(2, 1, InternVLCandidateOrder.Transformers)]
    [InlineData(3, 0, InternVLCandidateOrder.Official)]
    public void InternVL_min_above_max_keeps_the_default_single_tile(int min, int max, InternVLCandidateOrder order)
    {
        var options = new InternVLOptions(448, min, max, useThumbnail: true, tokensPerTile: 256, order);
        foreach (int w in Sides)
        {
            foreach (int h in Sides)
            {
                var plan = InternVLDynamicTiling.Plan(w, h, options);
                Assert.Equal(0, plan.NumCandidates);
                Assert.Equal(new GridShape(1, 1), plan.Grid);
                Assert.Equal(1, plan.NumImages);
                Assert.InRange(InternVLDynamicTiling.CountTokens(plan), 0, InternVLDynamicTiling.MaxTokens(options));
            }
        }
    }

    // range(min_num, max_num + 1) with min_num ≤ 0 adds nothing before n = 1, and every i·j ≥ 1 passes the lower bound,
    // so the candidate list (and with it every plan) is the one of min_num = 1.
    [Theory]
    [InlineData(InternVLCandidateOrder.Official)]
    [InlineData(InternVLCandidateOrder.Transformers)]
    public void InternVL_min_below_one_plans_like_min_one(InternVLCandidateOrder order)
    {
        var one = new InternVLOptions(448, 1, 12, true, 256, order);
        var zero = new InternVLOptions(448, 0, 12, true, 256, order);
        Assert.Equal(one.Candidates.ToArray(), zero.Candidates.ToArray());
        foreach (int w in Sides)
        {
            foreach (int h in Sides)
                Assert.Equal(InternVLDynamicTiling.Plan(w, h, one).Grid, InternVLDynamicTiling.Plan(w, h, zero).Grid);
        }
    }

    // transformers LlavaNextProcessor._get_number_of_features takes crop // patch features per side, so a crop that is not a
    // whole number of patches (384 px with 14-px patches, as SigLIP) is planned, with the grid LLaVA-OneVision uses for it.
    // With an anyres_max_N too large to shrink, OneVision's count is LLaVA-NeXT's with the same base.
    [Fact]
    public void LlavaNext_crop_need_not_be_a_whole_number_of_patches()
    {
        var pins = new[] { new Pinpoint(384, 768), new Pinpoint(768, 384), new Pinpoint(768, 768), new Pinpoint(1152, 384) };
        var next = new LlavaNextOptions(pins, cropSize: 384, patchSize: 14, FeatureSelectStrategy.Full, numAdditionalImageTokens: 0);
        Assert.Equal(384 / 14, next.FeatureGrid);
        var ov = new LlavaOneVisionOptions(pins, 384, 384 / 14, maxNumPatches: 1000, FeatureSelectStrategy.Full);
        foreach (int w in Sides)
        {
            foreach (int h in Sides)
            {
                var a = LlavaNextAnyRes.Plan(w, h, next);
                var b = LlavaOneVision.Plan(w, h, ov);
                Assert.Equal(b.Canvas, a.Canvas);
                Assert.Equal(b.NumImageTokens, a.NumImageTokens);
            }
        }
        // A patch larger than the crop leaves patches_height = 0 and upstream divides by it.
        Assert.Throws<PlanException>(() => new LlavaNextOptions(pins, cropSize: 10, patchSize: 14));
    }

    // transformers smart_resize divides by max_pixels only inside `if h_bar * w_bar > max_pixels`: with max_pixels = 0 a
    // size whose side rounds to 0 never gets there and plans like max_pixels = 1; any other size raises upstream.
    // qwen-vl-utils clamps both sides to ≥ factor first, so it always gets there.
    [Fact]
    public void Qwen_max_pixels_zero_raises_only_where_upstream_divides_by_it()
    {
        var zero = new QwenVisionOptions(14, 2, minPixels: 3136, maxPixels: 0);
        var one = new QwenVisionOptions(14, 2, minPixels: 3136, maxPixels: 1);
        var utils = new QwenVisionOptions(14, 2, minPixels: 0, maxPixels: 0, QwenResizeRule.QwenVlUtils);
        foreach (int w in Sides)
        {
            foreach (int h in Sides)
            {
                if (Math.Max(w, h) / (double)Math.Min(w, h) > 200) continue;
                bool sideRoundsToZero = Math.Round(w / 28.0, MidpointRounding.ToEven) == 0 || Math.Round(h / 28.0, MidpointRounding.ToEven) == 0;
                if (sideRoundsToZero)
                    Assert.Equal(QwenNativeResolution.Plan(w, h, one).Tokens, QwenNativeResolution.Plan(w, h, zero).Tokens);
                else
                    Assert.Throws<PlanException>(() => QwenNativeResolution.Plan(w, h, zero));
                Assert.Throws<PlanException>(() => QwenNativeResolution.Plan(w, h, utils));
            }
        }
    }

    // LlavaOnevisionProcessor._get_number_of_features uses base_features = num_image_tokens and has no
    // num_additional_image_tokens attribute, so that key in a config does not change any count.
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void OneVision_ignores_num_additional_image_tokens(int extra)
    {
        foreach (int w in Sides)
        {
            var request = JsonNode.Parse(
                "{\"strategy\":\"llava_onevision\",\"config\":{\"image_grid_pinpoints\":[[384,384],[384,768],[768,384],[768,768]],"
                + "\"crop_size\":384,\"num_image_tokens\":729,\"patch_grid\":27,\"vision_feature_select_strategy\":\"full\","
                + "\"vision_aspect_ratio\":\"anyres_max_9\"},\"width\":" + w + ",\"height\":333}")!.AsObject();
            var plain = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!["result"]!.ToJsonString();
            request["config"]!["num_additional_image_tokens"] = extra;
            var withKey = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!["result"]!.ToJsonString();
            Assert.Equal(plain, withKey);
        }
    }
}

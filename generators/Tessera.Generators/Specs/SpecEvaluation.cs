using System;
using System.Collections.Generic;
using Tessera.Planning;

namespace Tessera.Generators.Specs;

/// <summary>
/// What the planning core says about a spec: its options (or the error constructing them gives), and its worst-case
/// positions. The generator and the analyzers both use this, so the IDE's checks and the emitted code agree with run-time
/// plans by construction. Never throws.
/// </summary>
internal sealed class SpecEvaluation
{
    private SpecEvaluation(object? options, string? error, long maxTokens, QwenRopeOptions? rope = null)
    {
        Options = options;
        Error = error;
        MaxTokens = maxTokens;
        Rope = rope;
    }

    /// <summary><see cref="InternVLOptions"/>, <see cref="QwenVisionOptions"/> or <see cref="LlavaNextOptions"/>; null on error.</summary>
    public object? Options { get; }

    /// <summary>The planning core's message for an impossible value; null when the spec is valid.</summary>
    public string? Error { get; }

    /// <summary>The M-RoPE options of a native-resolution spec (its variant, merge size and tokens per second); null otherwise.</summary>
    public QwenRopeOptions? Rope { get; }

    /// <summary>The most LLM positions one image can take under the spec (markers included); 0 on error.</summary>
    public long MaxTokens { get; }

    public bool IsValid => Error is null;

    public static SpecEvaluation Evaluate(TilingSpec spec)
    {
        try
        {
            switch (spec.Kind)
            {
                case SpecKind.AspectRatio:
                {
                    var o = new InternVLOptions(Int(spec, "TileSize"), Int(spec, "MinTiles"), Int(spec, "MaxTiles"), spec.Get("Thumbnail") != 0,
                        Int(spec, "TokensPerTile"), (InternVLCandidateOrder)spec.Get("Order"));
                    return new SpecEvaluation(o, null, InternVLDynamicTiling.MaxTokens(o));
                }
                case SpecKind.NativeResolution:
                {
                    var o = new QwenVisionOptions(Int(spec, "PatchSize"), Int(spec, "MergeSize"), spec.Get("MinPixels"), spec.Get("MaxPixels"),
                        (QwenResizeRule)spec.Get("Rule"), Int(spec, "TemporalPatchSize"));
                    o.Validate();
                    var rope = new QwenRopeOptions((QwenRopeVariant)spec.Get("Rope"), o.MergeSize, Int(spec, "TokensPerSecond"));
                    rope.Validate();
                    return new SpecEvaluation(o, null, QwenNativeResolution.MaxTokens(o), rope);
                }
                case SpecKind.AnyRes:
                {
                    var pinpoints = new List<Pinpoint>();
                    if (spec.Pinpoints.Length == 0)
                        pinpoints.AddRange(LlavaNextOptions.V16.Pinpoints.ToArray());
                    else if (spec.Pinpoints.Length % 2 != 0)
                        return Failed($"the pinpoints are (height, width) pairs, but {spec.Pinpoints.Length} values were given.");
                    for (int i = 0; i + 1 < spec.Pinpoints.Length; i += 2)
                        pinpoints.Add(new Pinpoint(spec.Pinpoints[i], spec.Pinpoints[i + 1]));
                    var o = new LlavaNextOptions(pinpoints, Int(spec, "CropSize"), Int(spec, "PatchSize"),
                        (FeatureSelectStrategy)spec.Get("Strategy"), Int(spec, "AdditionalImageTokens"));
                    return new SpecEvaluation(o, null, LlavaNextAnyRes.MaxTokens(o));
                }
                default:
                    return Failed($"unknown spec kind {spec.Kind}.");
            }
        }
        catch (PlanException e)
        {
            return Failed(e.Message);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException)
        {
            return Failed(e.Message);
        }
    }

    private static SpecEvaluation Failed(string message) => new(null, message, 0);

    private static int Int(TilingSpec spec, string name)
    {
        long v = spec.Get(name);
        if (v < int.MinValue || v > int.MaxValue) throw new PlanException(PlanError.InvalidConfiguration, $"{name} {v} does not fit 32 bits.");
        return (int)v;
    }
}

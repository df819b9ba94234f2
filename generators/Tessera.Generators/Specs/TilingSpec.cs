using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Tessera.Planning;

namespace Tessera.Generators.Specs;

/// <summary>Which tiling attribute a spec came from.</summary>
internal enum SpecKind
{
    AspectRatio,
    NativeResolution,
    AnyRes,
}

/// <summary>Metadata names of the spec attributes (in the Tessera runtime assembly).</summary>
internal static class SpecAttributes
{
    public const string AspectRatio = "Tessera.Specs.AspectRatioTilingAttribute";
    public const string NativeResolution = "Tessera.Specs.NativeResolutionAttribute";
    public const string AnyRes = "Tessera.Specs.AnyResTilingAttribute";
    public const string TokenBudget = "Tessera.Specs.TokenBudgetAttribute";

    public static SpecKind? KindOf(string metadataName) => metadataName switch
    {
        AspectRatio => SpecKind.AspectRatio,
        NativeResolution => SpecKind.NativeResolution,
        AnyRes => SpecKind.AnyRes,
        _ => null,
    };
}

/// <summary>One named value of a spec attribute as written (or defaulted).</summary>
internal readonly struct SpecValue : IEquatable<SpecValue>
{
    public SpecValue(string name, long value, bool isExplicit)
    {
        Name = name;
        Value = value;
        IsExplicit = isExplicit;
    }

    public string Name { get; }

    /// <summary>Ints, longs, bools (0/1) and enums (their underlying value) all fit a long.</summary>
    public long Value { get; }

    /// <summary>Whether the user wrote it (a diagnostic can then point at the argument).</summary>
    public bool IsExplicit { get; }

    public bool Equals(SpecValue other) => Name == other.Name && Value == other.Value && IsExplicit == other.IsExplicit;

    public override bool Equals(object? obj) => obj is SpecValue v && Equals(v);

    public override int GetHashCode() => (Name.GetHashCode() * 31 + Value.GetHashCode()) * 2 + (IsExplicit ? 1 : 0);
}

/// <summary>
/// A tiling spec read from attributes: plain values only (no symbols, no syntax), so the generator's incremental pipeline
/// can cache it and the analyzers can evaluate it with the planning core.
/// </summary>
internal sealed class TilingSpec : IEquatable<TilingSpec>
{
    public TilingSpec(SpecKind kind, EquatableArray<SpecValue> values, EquatableArray<int> pinpoints, EquatableArray<SpecValue> budget)
    {
        Kind = kind;
        Values = values;
        Pinpoints = pinpoints;
        Budget = budget;
    }

    public SpecKind Kind { get; }

    /// <summary>Every property of the tiling attribute, defaults included.</summary>
    public EquatableArray<SpecValue> Values { get; }

    /// <summary>AnyRes canvases as flattened (height, width) pairs; empty otherwise or for the v1.6 defaults.</summary>
    public EquatableArray<int> Pinpoints { get; }

    /// <summary>The <c>TokenBudget</c> values (ContextLength, TextTokens, ReservedTokens), empty without the attribute.</summary>
    public EquatableArray<SpecValue> Budget { get; }

    public bool HasBudget => Budget.Length > 0;

    public long Get(string name)
    {
        foreach (var v in Values) if (v.Name == name) return v.Value;
        throw new KeyNotFoundException(name);
    }

    /// <summary>Whether the user wrote the named value (false for a default or an unknown name).</summary>
    public bool IsExplicit(string name)
    {
        foreach (var v in Values) if (v.Name == name) return v.IsExplicit;
        return false;
    }

    public long BudgetValue(string name)
    {
        foreach (var v in Budget) if (v.Name == name) return v.Value;
        return 0;
    }

    public bool Equals(TilingSpec? other) => other is not null && Kind == other.Kind && Values.Equals(other.Values)
        && Pinpoints.Equals(other.Pinpoints) && Budget.Equals(other.Budget);

    public override bool Equals(object? obj) => Equals(obj as TilingSpec);

    public override int GetHashCode() => (((int)Kind * 31 + Values.GetHashCode()) * 31 + Pinpoints.GetHashCode()) * 31 + Budget.GetHashCode();

    /// <summary>
    /// Reads a tiling attribute (and the class's <c>TokenBudget</c>, if any). Returns null when the attribute is not a
    /// spec attribute or its arguments are not constants yet (half-typed code): callers then stay silent.
    /// </summary>
    public static TilingSpec? Read(AttributeData tiling, AttributeData? budget)
    {
        if (tiling.AttributeClass is not { } type || SpecAttributes.KindOf(type.ToDisplayString()) is not SpecKind kind) return null;
        if (tiling.ConstructorArguments.Length > 0 && tiling.ConstructorArguments[0].Kind == TypedConstantKind.Error) return null;
        var values = ImmutableArray.CreateBuilder<SpecValue>();
        foreach (var (name, fallback) in Defaults(kind))
        {
            long value = fallback;
            bool isExplicit = false;
            foreach (var named in tiling.NamedArguments)
            {
                if (named.Key != name) continue;
                if (!TryLong(named.Value, out value)) return null;
                isExplicit = true;
            }
            values.Add(new SpecValue(name, value, isExplicit));
        }
        var pinpoints = ImmutableArray.CreateBuilder<int>();
        if (kind == SpecKind.AnyRes && tiling.ConstructorArguments.Length == 1)
        {
            var arg = tiling.ConstructorArguments[0];
            if (arg.Kind != TypedConstantKind.Array || arg.IsNull) return null;
            foreach (var item in arg.Values)
            {
                if (!TryLong(item, out long v) || v < int.MinValue || v > int.MaxValue) return null;
                pinpoints.Add((int)v);
            }
        }
        var budgetValues = ImmutableArray.CreateBuilder<SpecValue>();
        if (budget is not null)
        {
            foreach (string name in new[] { "ContextLength", "TextTokens", "ReservedTokens" })
            {
                long value = 0;
                bool isExplicit = false;
                foreach (var named in budget.NamedArguments)
                {
                    if (named.Key != name) continue;
                    if (!TryLong(named.Value, out value)) return null;
                    isExplicit = true;
                }
                budgetValues.Add(new SpecValue(name, value, isExplicit));
            }
        }
        return new TilingSpec(kind, new EquatableArray<SpecValue>(values.ToImmutable()), new EquatableArray<int>(pinpoints.ToImmutable()),
            new EquatableArray<SpecValue>(budgetValues.ToImmutable()));
    }

    /// <summary>Property names and defaults of each attribute (must match src/Tessera/Specs/TilingAttributes.cs).</summary>
    public static IEnumerable<(string Name, long Default)> Defaults(SpecKind kind)
    {
        switch (kind)
        {
            case SpecKind.AspectRatio:
                yield return ("TileSize", 448);
                yield return ("MinTiles", 1);
                yield return ("MaxTiles", 12);
                yield return ("Thumbnail", 1);
                yield return ("TokensPerTile", 256);
                yield return ("Order", (long)InternVLCandidateOrder.Official);
                break;
            case SpecKind.NativeResolution:
                yield return ("PatchSize", 14);
                yield return ("MergeSize", 2);
                yield return ("MinPixels", 56 * 56);
                yield return ("MaxPixels", 28 * 28 * 1280);
                yield return ("Rule", (long)QwenResizeRule.Transformers);
                yield return ("TemporalPatchSize", 2);
                yield return ("Rope", (long)QwenRopeVariant.Qwen2VL);
                yield return ("TokensPerSecond", 2);
                break;
            case SpecKind.AnyRes:
                yield return ("CropSize", 336);
                yield return ("PatchSize", 14);
                yield return ("Strategy", (long)FeatureSelectStrategy.Default);
                yield return ("AdditionalImageTokens", 1);
                break;
        }
    }

    private static bool TryLong(TypedConstant constant, out long value)
    {
        value = 0;
        if (constant.Kind is TypedConstantKind.Error or TypedConstantKind.Array || constant.IsNull) return false;
        switch (constant.Value)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case bool b: value = b ? 1 : 0; return true;
            case short s: value = s; return true;
            case byte u: value = u; return true;
            default: return false;
        }
    }
}

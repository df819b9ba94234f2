extern alias generators;

using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tessera.Planning;
using BudgetFit = generators::Tessera.Generators.Analyzers.BudgetFit;
using GenSpecs = generators::Tessera.Generators.Specs;

namespace Tessera.Tests.Analyzers;

/// <summary>The TESS002 fix value (bisection) against a linear scan with the runtime planning core.</summary>
public sealed class BudgetFitTests
{
    private static GenSpecs.TilingSpec InternVL(int minTiles, int maxTiles, bool thumbnail, int tokensPerTile)
    {
        var values = ImmutableArray.Create(
            new GenSpecs.SpecValue("TileSize", 448, false), new GenSpecs.SpecValue("MinTiles", minTiles, true),
            new GenSpecs.SpecValue("MaxTiles", maxTiles, true), new GenSpecs.SpecValue("Thumbnail", thumbnail ? 1 : 0, true),
            new GenSpecs.SpecValue("TokensPerTile", tokensPerTile, true), new GenSpecs.SpecValue("Order", 0, false));
        return new GenSpecs.TilingSpec(GenSpecs.SpecKind.AspectRatio, new GenSpecs.EquatableArray<GenSpecs.SpecValue>(values),
            GenSpecs.EquatableArray<int>.Empty, GenSpecs.EquatableArray<GenSpecs.SpecValue>.Empty);
    }

    [Property(MaxTest = 300)]
    public Property InternVLFixIsTheLargestFittingMaxTiles(PositiveInt min, PositiveInt max, bool thumbnail, PositiveInt perTile, PositiveInt allowedRaw)
    {
        int minTiles = (min.Get - 1) % 6 + 1, maxTiles = (max.Get - 1) % 48 + 1, tokensPerTile = (perTile.Get - 1) % 512 + 1;
        long allowed = (allowedRaw.Get - 1) % 20000 + 1;
        int? expected = null;
        for (int n = maxTiles - 1; n >= minTiles; n--)
        {
            if (InternVLDynamicTiling.MaxTokens(new InternVLOptions(minTiles: minTiles, maxTiles: n, useThumbnail: thumbnail, tokensPerTile: tokensPerTile))
                <= allowed)
            {
                expected = n;
                break;
            }
        }
        bool found = BudgetFit.TryFindLargest(InternVL(minTiles, maxTiles, thumbnail, tokensPerTile), allowed, out string knob, out long value, out long tokens);
        return (found == expected.HasValue && (!found || (knob == "MaxTiles" && value == expected && tokens <= allowed)))
            .Label($"min {minTiles} max {maxTiles} thumb {thumbnail} per {tokensPerTile} allowed {allowed}: expected {expected}, got {found}/{value}");
    }
}

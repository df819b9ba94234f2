using System.Linq;
using Xunit;

namespace Tessera.Tests.Generators;

/// <summary>
/// Code being typed, specs the planning core rejects and classes the generator cannot extend: no exception and no
/// source for that class (the analyzers report it), while a valid spec beside it is still generated.
/// </summary>
public sealed class TilingSpecGeneratorRobustnessTests
{
    private const string Control = """

        namespace Demo
        {
            [Tessera.Specs.AspectRatioTiling]
            public partial class Control;
        }
        """;

    [Theory]
    // half-typed attribute code
    [InlineData("[AspectRatioTiling(MaxTiles = )] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = 12] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = 12, )] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(Unknown = 3)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTil = 6, MinTiles = 2)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = \"twelve\")] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = Missing.Value)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = 6, MaxTiles = 8)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(5)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling, TokenBudget(ContextLength = )] public partial class Broken;")]
    [InlineData("[NativeResolution(Rule = )] public partial class Broken;")]
    [InlineData("[AnyResTiling(336, )] public partial class Broken;")]
    [InlineData("[AnyResTiling(336, 672, CropSize = )] public partial class Broken;")]
    // values the planning core rejects
    [InlineData("[AspectRatioTiling(TileSize = 0)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = 5000)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(MaxTiles = int.MaxValue)] public partial class Broken;")]
    [InlineData("[AspectRatioTiling(TokensPerTile = -5)] public partial class Broken;")]
    [InlineData("[NativeResolution(PatchSize = 0)] public partial class Broken;")]
    [InlineData("[NativeResolution(MinPixels = -1)] public partial class Broken;")]
    [InlineData("[NativeResolution(MinPixels = 5000, MaxPixels = 100, Rule = Tessera.Planning.QwenResizeRule.QwenVlUtils)] public partial class Broken;")]
    [InlineData("[AnyResTiling(336, 672, 672)] public partial class Broken;")]
    [InlineData("[AnyResTiling(300, 672)] public partial class Broken;")]
    [InlineData("[AnyResTiling(336, 672, PatchSize = 400)] public partial class Broken;")]
    [InlineData("[AnyResTiling(336, 672, AdditionalImageTokens = -1)] public partial class Broken;")]
    // classes the generator cannot extend
    [InlineData("[AspectRatioTiling] public class Broken;")]
    [InlineData("[AspectRatioTiling] public partial class Broken<T>;")]
    [InlineData("public class Outer { [AspectRatioTiling] public partial class Broken; }")]
    [InlineData("public partial class Outer<T> { [AspectRatioTiling] public partial class Broken; }")]
    [InlineData("[AspectRatioTiling, NativeResolution] public partial class Broken;")]
    [InlineData("[AspectRatioTiling] public partial struct Broken;")]
    [InlineData("[AspectRatioTiling] public partial record struct Broken;")]
    [InlineData("[AspectRatioTiling] file partial class Broken;")]
    [InlineData("[AspectRatioTiling] public partial class Broken; public class Broken { }")]
    [InlineData("[AspectRatioTiling] public static partial class")]
    [InlineData("[AspectRatioTiling(MaxTiles = 6)] public partial class Broken; [AspectRatioTiling(MaxTiles = 6)] public partial class Broken;")]
    public void EmitsNothingForTheClassAndNeverThrows(string declaration)
    {
        string source = "using Tessera.Specs;\nnamespace Demo { " + declaration + " }" + Control;
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.Equal(new[] { "Demo.Control.Tessera.g.cs" }, result.GeneratedSources.Select(s => s.HintName));
    }

    [Theory]
    // Upstream accepts these: the candidate list is empty and every image gets the default 1×1 grid (InternVLOptions).
    [InlineData("[AspectRatioTiling(MaxTiles = -5)] internal partial class Odd;")]
    [InlineData("[AspectRatioTiling(MinTiles = 8, MaxTiles = 4)] internal partial class Odd;")]
    // The largest supported table (tens of thousands of grids) is written compactly, without a comment per grid.
    [InlineData("[AspectRatioTiling(MaxTiles = Tessera.Planning.InternVLOptions.MaxSupportedTiles)] internal partial class Odd;")]
    public void SpecsThePlanningCoreAcceptsAreGeneratedEvenWhenOdd(string declaration)
    {
        string source = "using Tessera.Specs;\nnamespace Demo { " + declaration + " }";
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.Equal("Demo.Odd.Tessera.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.Empty(GeneratorHarness.Problems(output));
    }
}

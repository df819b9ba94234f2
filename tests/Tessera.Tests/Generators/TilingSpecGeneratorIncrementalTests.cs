extern alias generators;

using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using TilingSpecGenerator = generators::Tessera.Generators.Generation.TilingSpecGenerator;

namespace Tessera.Tests.Generators;

/// <summary>
/// The pipeline's models are values: an edit that does not touch a spec leaves every tracked step cached or unchanged
/// (no re-emission), and an edit of a spec's attribute is seen as a modification.
/// </summary>
public sealed class TilingSpecGeneratorIncrementalTests
{
    private const string Specs = """
        using Tessera.Specs;

        namespace Demo;

        [AspectRatioTiling(MaxTiles = 6)]
        [TokenBudget(ContextLength = 4096)]
        public partial class Tiles;

        [NativeResolution]
        public partial class Native;

        public partial class Outer
        {
            [AnyResTiling(336, 672)]
            internal partial class Canvases;
        }
        """;

    private static readonly string[] Steps =
        { TilingSpecGenerator.AspectRatioStep, TilingSpecGenerator.NativeResolutionStep, TilingSpecGenerator.AnyResStep, TilingSpecGenerator.ValidStep };

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void AnUnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.Compile(Specs);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Equal(3, driver.GetRunResult().Results.Single().GeneratedSources.Length);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public static class Unrelated { public static int Answer => 42; }",
            GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        foreach (string step in Steps)
        {
            var reasons = Reasons(result, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingASpecModifiesOnlyItsModel()
    {
        var compilation = GeneratorHarness.Compile(Specs);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Specs.Replace("MaxTiles = 6", "MaxTiles = 8", System.StringComparison.Ordinal))));

        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TilingSpecGenerator.AspectRatioStep));
        // The other specs sit in the same (edited) file, so they are re-read, but their models compare equal.
        Assert.DoesNotContain(IncrementalStepRunReason.Modified, Reasons(result, TilingSpecGenerator.NativeResolutionStep));
        Assert.DoesNotContain(IncrementalStepRunReason.Modified, Reasons(result, TilingSpecGenerator.AnyResStep));
        string tiles = result.GeneratedSources.Single(s => s.HintName == "Demo.Tiles.Tessera.g.cs").SourceText.ToString();
        Assert.Contains("maxTiles: 8", tiles, System.StringComparison.Ordinal);
    }
}

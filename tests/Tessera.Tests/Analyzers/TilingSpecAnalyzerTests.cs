using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Tessera.Planning;
using Xunit;
using static Tessera.Tests.Analyzers.AnalyzerHarness;

namespace Tessera.Tests.Analyzers;

/// <summary>
/// Each Tessera diagnostic on a minimal example (id, severity, span, message), silence on valid specs, and robustness on
/// half-typed code. Expected messages of TESS001 and the numbers of TESS002 come from the runtime planning core itself.
/// </summary>
public sealed class TilingSpecAnalyzerTests
{
    private static string PlanError(Action construct) => Assert.Throws<PlanException>(construct).Message;

    // ---- TESS001: invalid spec value ------------------------------------------------------------------------------

    [Fact]
    public async Task InvalidTileSizePointsAtItsArgument()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling(MinTiles = 1, [|TileSize = 0|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new InternVLOptions(tileSize: 0)), d.GetMessage());
    }

    [Fact]
    public async Task InvalidMergeSizePointsAtItsArgument()
    {
        var d = await SingleAsync(Usings + "[NativeResolution(PatchSize = 14, [|MergeSize = 0|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new QwenVisionOptions(mergeSize: 0).Validate()), d.GetMessage());
    }

    [Fact]
    public async Task TwoImplicatedArgumentsPickTheOneTheMessageNames()
    {
        // Resetting either value makes the spec valid; the planning core's message is about patch_size.
        var d = await SingleAsync(Usings + "[AnyResTiling(CropSize = 14, [|PatchSize = 20|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new LlavaNextOptions(LlavaNextOptions.V16.Pinpoints.ToArray(), cropSize: 14, patchSize: 20)), d.GetMessage());
    }

    [Fact]
    public async Task OddPinpointCountPointsAtTheArgumentList()
    {
        var d = await SingleAsync(Usings + "[AnyResTiling[|(336, 672, 672)|]] public partial class S;", "TESS001", DiagnosticSeverity.Error);
        Assert.Contains("3 values", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonPositivePinpointPointsAtTheArgumentList()
    {
        var d = await SingleAsync(Usings + "[AnyResTiling[|(336, 0)|]] public partial class S;", "TESS001", DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new LlavaNextOptions(new[] { new Pinpoint(336, 0) })), d.GetMessage());
    }

    [Fact]
    public async Task QwenVlUtilsBoundsCrossedPointsAtMaxPixels()
    {
        var d = await SingleAsync(Usings + "[NativeResolution(Rule = QwenResizeRule.QwenVlUtils, MinPixels = 100000, [|MaxPixels = 50000|])] public partial class S;",
            "TESS001", DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new QwenVisionOptions(minPixels: 100000, maxPixels: 50000, rule: QwenResizeRule.QwenVlUtils).Validate()),
            d.GetMessage());
    }

    [Fact]
    public async Task UndeclaredEnumValuesPointAtTheirArgument()
    {
        var order = await SingleAsync(Usings + "[AspectRatioTiling(MaxTiles = 6, [|Order = (InternVLCandidateOrder)99|])] public partial class S;",
            "TESS001", DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new InternVLOptions(order: (InternVLCandidateOrder)99)), order.GetMessage());
        var rule = await SingleAsync(Usings + "[NativeResolution([|Rule = (QwenResizeRule)7|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new QwenVisionOptions(rule: (QwenResizeRule)7).Validate()), rule.GetMessage());
        var strategy = await SingleAsync(Usings + "[AnyResTiling([|Strategy = (FeatureSelectStrategy)(-1)|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new LlavaNextOptions(LlavaNextOptions.V16.Pinpoints.ToArray(), strategy: (FeatureSelectStrategy)(-1))),
            strategy.GetMessage());
    }

    [Fact]
    public async Task RopeValuesAreCheckedLikeTheRuntimeOptions()
    {
        var variant = await SingleAsync(Usings + "[NativeResolution([|Rope = (QwenRopeVariant)5|])] public partial class S;", "TESS001",
            DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new QwenRopeOptions((QwenRopeVariant)5).Validate()), variant.GetMessage());
        var rate = await SingleAsync(Usings + "[NativeResolution(Rope = QwenRopeVariant.Qwen25VL, [|TokensPerSecond = -2|])] public partial class S;",
            "TESS001", DiagnosticSeverity.Error);
        Assert.Equal(PlanError(() => new QwenRopeOptions(QwenRopeVariant.Qwen25VL, tokensPerSecond: -2).Validate()), rate.GetMessage());
    }

    // ---- TESS009: values nothing reads ------------------------------------------------------------------------------

    [Fact]
    public async Task TokensPerSecondBesideTheDefaultRopeWarns()
    {
        var d = await SingleAsync(Usings + "[NativeResolution(MaxPixels = 602112, [|TokensPerSecond = 2|])] public partial class S;", "TESS009",
            DiagnosticSeverity.Warning);
        Assert.StartsWith("TokensPerSecond = 2 has no effect with Rope = Qwen2VL (the default): ", d.GetMessage());
        Assert.Contains("Rope = QwenRopeVariant.Qwen25VL", d.GetMessage());
    }

    [Fact]
    public async Task TokensPerSecondBesideAnExplicitQwen2VlRopeWarns()
    {
        var d = await SingleAsync(Usings + "[NativeResolution(Rope = QwenRopeVariant.Qwen2VLUnified, [|TokensPerSecond = 4|])] public partial class S;",
            "TESS009", DiagnosticSeverity.Warning);
        Assert.StartsWith("TokensPerSecond = 4 has no effect with Rope = Qwen2VLUnified: ", d.GetMessage());
    }

    [Theory]
    [InlineData("Rope = QwenRopeVariant.Qwen25VL, TokensPerSecond = 2")]
    [InlineData("TokensPerSecond = 4, Rope = QwenRopeVariant.Qwen25VLIntCast")]
    [InlineData("Rope = QwenRopeVariant.Qwen25VLUnified, TokensPerSecond = 1")]
    [InlineData("Rope = QwenRopeVariant.Qwen2VL")]
    [InlineData("Rope = QwenRopeVariant.Qwen2VLUnified")]
    public async Task TokensPerSecondReadByTheRopeOrLeftAtItsDefaultIsSilent(string arguments)
    {
        Assert.Empty(await AnalyzeValidAsync(Usings + $"[NativeResolution({arguments})] public partial class S;"));
    }

    // ---- TESS002: worst case over the budget ----------------------------------------------------------------------

    [Fact]
    public async Task ModelCardOverTwoThousandTokensWarnsWithTheNumbers()
    {
        var d = await SingleAsync(Usings + "[[|AspectRatioTiling|]]\n[TokenBudget(ContextLength = 2048, TextTokens = 100, ReservedTokens = 50)]\npublic partial class S;",
            "TESS002", DiagnosticSeverity.Warning);
        long worst = InternVLDynamicTiling.MaxTokens(InternVLOptions.ModelCard);
        long total = worst + 150;
        Assert.Equal($"The worst case of 'S' is {worst} image tokens; with 100 text and 50 reserved tokens that is {total}, over ContextLength 2048 by {total - 2048}",
            d.GetMessage());
        Assert.Single(d.AdditionalLocations);
    }

    [Fact]
    public async Task ExactFitIsSilent()
    {
        long worst = InternVLDynamicTiling.MaxTokens(InternVLOptions.ModelCard);
        Assert.Empty(await AnalyzeValidAsync(Usings + $"[AspectRatioTiling][TokenBudget(ContextLength = {worst + 10}, TextTokens = 10)] public partial class S;"));
        var over = await AnalyzeValidAsync(Usings + $"[AspectRatioTiling][TokenBudget(ContextLength = {worst + 9}, TextTokens = 10)] public partial class S;");
        Assert.Equal("TESS002", Assert.Single(over).Id);
    }

    [Fact]
    public async Task LlavaNextOverBudgetWarnsWithoutAFix()
    {
        long worst = LlavaNextAnyRes.MaxTokens(LlavaNextOptions.V16);
        var d = await SingleAsync(Usings + $"[[|AnyResTiling|]][TokenBudget(ContextLength = {worst - 1})] public partial class S;", "TESS002",
            DiagnosticSeverity.Warning);
        Assert.False(d.Properties.ContainsKey("Knob"));
    }

    // ---- TESS003 / TESS004: budget shape ---------------------------------------------------------------------------

    [Fact]
    public async Task MissingContextLengthIsAnError()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling][[|TokenBudget(TextTokens = 10)|]] public partial class S;", "TESS003",
            DiagnosticSeverity.Error);
        Assert.Equal("TokenBudget.ContextLength must be a positive number of tokens, but it is not set", d.GetMessage());
    }

    [Fact]
    public async Task NonPositiveContextLengthPointsAtIt()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling][TokenBudget([|ContextLength = -5|])] public partial class S;", "TESS003",
            DiagnosticSeverity.Error);
        Assert.Equal("TokenBudget.ContextLength must be a positive number of tokens, but it is -5", d.GetMessage());
    }

    [Fact]
    public async Task BudgetWithoutSpecWarns()
    {
        var d = await SingleAsync(Usings + "[[|TokenBudget(ContextLength = 8192)|]] public partial class S;", "TESS004", DiagnosticSeverity.Warning);
        Assert.Contains("'S' has a TokenBudget but no tiling attribute", d.GetMessage(), StringComparison.Ordinal);
    }

    // ---- TESS005: elongated grids and canvases --------------------------------------------------------------------

    [Fact]
    public async Task ThirteenTilesAdmitStripsBeyondTwelveToOne()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling([|MaxTiles = 13|])] public partial class S;", "TESS005", DiagnosticSeverity.Info);
        // The grids of 13 tiles more elongated than 12:1 are exactly 1×13 and 13×1.
        Assert.StartsWith("MaxTiles 13 admits 2 candidate grids more elongated than 12:1", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ElongatedPinpointPointsAtItsPair()
    {
        var d = await SingleAsync(Usings + "[AnyResTiling(336, 672, [|336, 5040|])] public partial class S;", "TESS005", DiagnosticSeverity.Info);
        Assert.StartsWith("The canvas 336×5040 (height×width) is 15:1", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwelveToOneIsNotFlagged()
    {
        Assert.Empty(await AnalyzeValidAsync(Usings + "[AspectRatioTiling(MaxTiles = 12, MinTiles = 12)] public partial class A;\n"
            + "[AnyResTiling(336, 4032, 4032, 336)] public partial class B;"));
    }

    // ---- TESS006–TESS008: class shape ------------------------------------------------------------------------------

    [Fact]
    public async Task NonPartialClassIsAnError()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling] public class [|S|] { }", "TESS006", DiagnosticSeverity.Error);
        Assert.Equal("'S' must be partial: Tessera generates the members of 'S' into it", d.GetMessage());
    }

    [Fact]
    public async Task NonPartialContainingTypeIsAnError()
    {
        var d = await SingleAsync(Usings + "public class [|Outer|] { [NativeResolution] public partial class Inner; }", "TESS006",
            DiagnosticSeverity.Error);
        Assert.Equal("'Outer' must be partial: Tessera generates the members of 'Outer.Inner' into it", d.GetMessage());
    }

    [Fact]
    public async Task SecondTilingAttributeIsAnError()
    {
        var d = await SingleAsync(Usings + "[AspectRatioTiling, [|NativeResolution|]] public partial class S;", "TESS007", DiagnosticSeverity.Error);
        Assert.Equal("'S' already declares a tiling spec with 'AspectRatioTiling'; a class can carry only one tiling attribute", d.GetMessage());
    }

    [Fact]
    public async Task StaticClassIsSupported()
    {
        // The generator emits only static members, and its partial declaration combines with `static` (the QuickStart
        // sample's spec is a static class).
        Assert.Empty(await AnalyzerHarness.AnalyzeValidAsync(Usings + "[AspectRatioTiling] public static partial class S { }"));
    }

    [Fact]
    public async Task GenericClassIsUnsupported()
    {
        var d = await SingleAsync(Usings + "[AnyResTiling] public partial class [|S|]<T> { }", "TESS008", DiagnosticSeverity.Error);
        Assert.Equal("'S<T>' is generic: Tessera cannot generate a tiling spec into it", d.GetMessage());
    }

    [Fact]
    public async Task ClassNestedInAGenericTypeIsUnsupported()
    {
        var d = await SingleAsync(Usings + "public partial class Outer<T> { [AspectRatioTiling] public partial class [|S|]; }", "TESS008",
            DiagnosticSeverity.Error);
        Assert.Equal("'Outer<T>.S' is nested in the generic type 'Outer<T>': Tessera cannot generate a tiling spec into it", d.GetMessage());
    }

    [Fact]
    public async Task FileLocalClassIsUnsupported()
    {
        var d = await SingleAsync(Usings + "[NativeResolution] file partial class [|S|];", "TESS008", DiagnosticSeverity.Error);
        Assert.Equal("'S' is file-local: Tessera cannot generate a tiling spec into it", d.GetMessage());
    }

    // ---- silence on valid specs -------------------------------------------------------------------------------------

    [Fact]
    public async Task ModelCardSpecIsSilent()
    {
        Assert.Empty(await AnalyzeValidAsync(Usings + """
            [AspectRatioTiling(TileSize = 448, MinTiles = 1, MaxTiles = 12, Thumbnail = true)]
            [TokenBudget(ContextLength = 8192)]
            public partial class InternVL15Tiling;
            """));
    }

    [Fact]
    public async Task ValidSpecsAreSilent()
    {
        Assert.Empty(await AnalyzeValidAsync(Usings + """
            namespace Specs
            {
                [NativeResolution(MinPixels = 256 * 28 * 28, MaxPixels = 1280 * 28 * 28)]
                [TokenBudget(ContextLength = 32768, TextTokens = 512, ReservedTokens = 1024)]
                public partial class Qwen2VL;

                [AnyResTiling(336, 672, 672, 336, 672, 672, 1008, 336, 336, 1008)]
                [TokenBudget(ContextLength = 4096)]
                internal partial class LlavaNext16;

                [AnyResTiling(384, 768, 768, 384, 768, 768, CropSize = 384, PatchSize = 14, Strategy = FeatureSelectStrategy.Full, AdditionalImageTokens = 0)]
                public partial record SigLipCanvas;

                [AspectRatioTiling(Order = InternVLCandidateOrder.Transformers, Thumbnail = false, MaxTiles = 6)]
                sealed partial class Transformers;

                public partial class Outer
                {
                    [AspectRatioTiling(MinTiles = 2, MaxTiles = 1)]
                    public partial class EmptyCandidateList;
                }

                public class Plain { }
            }
            """));
    }

    [Fact]
    public async Task CompilationWithoutTesseraIsSilent()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Other",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("[System.Obsolete] public class C { }") });
        Assert.Empty(await AnalyzeAsync(compilation));
    }

    // ---- half-typed code --------------------------------------------------------------------------------------------

    public static TheoryData<string> BrokenSnippets() => new()
    {
        "[AspectRatioTiling(MaxTiles = )] public partial class S;",
        "[AspectRatioTiling(MaxTiles = \"12\")] public partial class S;",
        "[AspectRatioTiling(MaxTiles = 1.5)] public partial class S;",
        "[AspectRatioTiling(MaxTile = 0)] public partial class S;",
        "[AspectRatioTiling(Foo = 1, TileSize = 0)] public partial class S;",
        "[AspectRatioTiling(MaxTiles = Unknown.Value)] public partial class S;",
        "[AspectRatioTiling(MaxTiles = 12",
        "[AspectRatioTiling(",
        "[AspectRatioTiling] public partial class",
        "[AspectRatioTiling] public partial class S<",
        "[AspectRatioTiling] public partial class S : Missing { }",
        "[AspectRatioTiling(Order = (InternVLCandidateOrder)99)] public partial class S;",
        "[AspectRatioTiling(TileSize = int.MaxValue, MaxTiles = 4096, TokensPerTile = int.MaxValue)][TokenBudget(ContextLength = int.MaxValue, TextTokens = int.MaxValue, ReservedTokens = int.MaxValue)] public partial class S;",
        "[AspectRatioTiling(MinTiles = int.MinValue, MaxTiles = int.MinValue)][TokenBudget(ContextLength = 1)] public partial class S;",
        "[NativeResolution(MaxPixels = long.MaxValue, MinPixels = long.MaxValue)][TokenBudget(ContextLength = 1)] public partial class S;",
        "[NativeResolution(MaxPixels = 0, MinPixels = 0, PatchSize = int.MaxValue, MergeSize = int.MaxValue)] public partial class S;",
        "[NativeResolution(Rule = (QwenResizeRule)7)] public partial class S;",
        "[NativeResolution(MaxPixels = )] [TokenBudget(ContextLength = 8192)] public partial class S;",
        "[AnyResTiling(336, )] public partial class S;",
        "[AnyResTiling(336, \"672\")] public partial class S;",
        "[AnyResTiling(null)] public partial class S;",
        "[AnyResTiling(new int[0])] public partial class S;",
        "[AnyResTiling(new[] { 336, 672 }, CropSize = 0)] public partial class S;",
        "[AnyResTiling(int.MaxValue, 1, 1, int.MaxValue, int.MinValue, int.MinValue)] public partial class S;",
        "[AnyResTiling(pinpoints: 336)] public partial class S;",
        "[AnyResTiling(CropSize = 1, PatchSize = 1, AdditionalImageTokens = int.MaxValue)][TokenBudget(ContextLength = 10)] public partial class S;",
        "[TokenBudget(ContextLength = )] [AspectRatioTiling] public partial class S;",
        "[TokenBudget(ContextLength = \"x\")] [AspectRatioTiling] public partial class S;",
        "[TokenBudget(Bogus = 3)] [AspectRatioTiling] public partial class S;",
        "[TokenBudget(ContextLength = 1), TokenBudget(ContextLength = 2)] [AspectRatioTiling] public partial class S;",
        "[AspectRatioTiling, AspectRatioTiling] public partial class S;",
        "[AspectRatioTiling] public partial struct S;",
        "[AspectRatioTiling] public partial interface I;",
        "[AspectRatioTiling] public enum E { A }",
        "[AspectRatioTiling] public delegate void D();",
        "public class C { [AspectRatioTiling] public void M() { } }",
        "[AspectRatioTiling] public partial class S; [AspectRatioTiling(MaxTiles = 2)] public partial class S;",
        "[AspectRatioTiling] partial class S { } partial class S { }",
        "[AspectRatioTiling] file partial class S;",
        "[AspectRatioTiling] public partial class Outer { [AnyResTiling(1)] public class Inner<T> { } }",
        "[global::Tessera.Specs.AspectRatioTilingAttribute(MaxTiles = 3)] public partial class S;",
        "[AspectRatioTilingAttribute(MaxTiles = 3 +)] public partial class S;",
        "[Tessera.Specs.NativeResolution(] class",
    };

    [Theory]
    [MemberData(nameof(BrokenSnippets))]
    public async Task HalfTypedCodeNeverThrows(string snippet)
    {
        // AnalyzeAsync fails on a reported analyzer exception, on AD0001 and on an exception the analyzer swallowed.
        await AnalyzeAsync(Compile(Usings + snippet));
    }

    public static TheoryData<string> SilentSnippets() => new()
    {
        // Values that do not bind yet: the analyzers wait instead of judging a default the user did not mean.
        "[AspectRatioTiling(MaxTiles = )] public partial class S;",
        "[AspectRatioTiling(MaxTiles = \"0\")] public partial class S;",
        "[AspectRatioTiling(Foo = 1, TileSize = 0)] public partial class S;",
        "[AspectRatioTiling(TileSize = Missing.Zero)] public partial class S;",
        "[AnyResTiling(336, )] public partial class S;",
        "[TokenBudget(ContextLength = )] [AspectRatioTiling] public partial class S;",
        "[TokenBudget(Bogus = 3)] [AspectRatioTiling] public partial class S;",
        "[Missing] [AspectRatioTilin] public partial class S;",
        "[AspectRatioTiling] public class S<",
        "[AspectRatioTiling] public class",
        "[Tessera.Specs.NativeResolution(] class",
        // Spec values that would be reported on a finished class wait until the class has a name or a closed type list.
        "[NativeResolution(TokensPerSecond = 2)] public partial class",
        "[NativeResolution(TokensPerSecond = 2)] public partial class S<",
        "[AspectRatioTiling(TileSize = 0)] public partial class",
        "[AspectRatioTiling(MaxTiles = 40)][TokenBudget(ContextLength = 100)] public partial class",
        "[TokenBudget(ContextLength = 100)] public partial class",
        "public partial class Outer< { [AspectRatioTiling(TileSize = 0)] public partial class S; }",
    };

    [Theory]
    [MemberData(nameof(SilentSnippets))]
    public async Task UnboundValuesAreSilent(string snippet)
    {
        var diagnostics = await AnalyzeAsync(Compile(Usings + snippet));
        Assert.Empty(diagnostics.Select(d => d.ToString()));
    }
}

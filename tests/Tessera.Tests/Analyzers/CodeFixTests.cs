extern alias generators;

using System.Linq;
using System.Threading.Tasks;
using Tessera.CodeFixes;
using Tessera.Planning;
using Xunit;
using static Tessera.Tests.Analyzers.AnalyzerHarness;

namespace Tessera.Tests.Analyzers;

/// <summary>
/// The code fixes, applied through an AdhocWorkspace: the exact text they produce, and that the fixed code no longer has
/// the diagnostic. The TESS002 target values are checked against a linear scan with the runtime planning core.
/// </summary>
public sealed class CodeFixTests
{
    private static async Task<string> FixOnceAsync(string source, string id, Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider provider)
    {
        var fixes = await FixAsync(source, id, provider);
        var (_, text) = Assert.Single(fixes);
        var after = await AnalyzeAsync(Compile(text));
        Assert.DoesNotContain(after, d => d.Id == id);
        return text;
    }

    // ---- TESS006: add partial -------------------------------------------------------------------------------------

    [Fact]
    public async Task AddsPartialAfterTheOtherModifiers()
    {
        string text = await FixOnceAsync(Usings + "[AspectRatioTiling]\npublic sealed class S { }\n", "TESS006", new MakePartialCodeFix());
        Assert.Equal(Usings + "[AspectRatioTiling]\npublic sealed partial class S { }\n", text);
    }

    [Fact]
    public async Task AddsPartialToAClassWithoutModifiersKeepingItsIndentation()
    {
        string source = Usings + "namespace N\n{\n    [NativeResolution]\n    class S { }\n}\n";
        string text = await FixOnceAsync(source, "TESS006", new MakePartialCodeFix());
        Assert.Equal(Usings + "namespace N\n{\n    [NativeResolution]\n    partial class S { }\n}\n", text);
    }

    [Fact]
    public async Task AddsPartialToTheContainingType()
    {
        string text = await FixOnceAsync(Usings + "public class Outer\n{\n    [AnyResTiling] public partial class Inner;\n}\n", "TESS006",
            new MakePartialCodeFix());
        Assert.Equal(Usings + "public partial class Outer\n{\n    [AnyResTiling] public partial class Inner;\n}\n", text);
    }

    // ---- TESS002: lower the knob ----------------------------------------------------------------------------------

    /// <summary>Largest MaxTiles in [max(1, minTiles), maxTiles) whose worst case fits, by linear scan with the runtime core.</summary>
    private static int? LargestTiles(int minTiles, int maxTiles, bool thumbnail, long allowed)
    {
        for (int n = maxTiles - 1; n >= System.Math.Max(1, minTiles); n--)
            if (InternVLDynamicTiling.MaxTokens(new InternVLOptions(minTiles: minTiles, maxTiles: n, useThumbnail: thumbnail)) <= allowed) return n;
        return null;
    }

    [Fact]
    public async Task LowersAnExplicitMaxTiles()
    {
        string source = Usings + "[AspectRatioTiling(TileSize = 448, MinTiles = 1, MaxTiles = 12, Thumbnail = true)]\n"
            + "[TokenBudget(ContextLength = 2048, TextTokens = 200)]\npublic partial class S;\n";
        int expected = LargestTiles(1, 12, true, 2048 - 200)!.Value;
        var fixes = await FixAsync(source, "TESS002", new FitBudgetCodeFix());
        var (action, text) = Assert.Single(fixes);
        long tokens = InternVLDynamicTiling.MaxTokens(new InternVLOptions(maxTiles: expected));
        Assert.Equal($"Lower MaxTiles to {expected} (worst case {tokens} image tokens)", action.Title);
        Assert.Equal(source.Replace("MaxTiles = 12", $"MaxTiles = {expected}", System.StringComparison.Ordinal), text);
        Assert.Empty(await AnalyzeAsync(Compile(text)));
    }

    [Fact]
    public async Task AddsMaxTilesWhenItWasDefaulted()
    {
        string source = Usings + "[AspectRatioTiling(Thumbnail = false)][TokenBudget(ContextLength = 1500)] public partial class S;";
        int expected = LargestTiles(1, 12, false, 1500)!.Value;
        string text = await FixOnceAsync(source, "TESS002", new FitBudgetCodeFix());
        Assert.Equal(Usings + $"[AspectRatioTiling(Thumbnail = false, MaxTiles = {expected})][TokenBudget(ContextLength = 1500)] public partial class S;", text);
    }

    [Fact]
    public async Task LowersQwenMaxPixelsToTheLargestFittingValue()
    {
        string source = Usings + "[NativeResolution][TokenBudget(ContextLength = 1000, TextTokens = 200)] public partial class S;";
        string text = await FixOnceAsync(source, "TESS002", new FitBudgetCodeFix());
        const string prefix = Usings + "[NativeResolution(MaxPixels = ";
        Assert.StartsWith(prefix, text, System.StringComparison.Ordinal);
        long value = long.Parse(text.Substring(prefix.Length, text.IndexOf(')', prefix.Length) - prefix.Length), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Usings + $"[NativeResolution(MaxPixels = {value})][TokenBudget(ContextLength = 1000, TextTokens = 200)] public partial class S;", text);
        // Largest: it fits 800 image tokens and one pixel more does not.
        Assert.True(QwenNativeResolution.MaxTokens(new QwenVisionOptions(maxPixels: value)) <= 800);
        Assert.True(QwenNativeResolution.MaxTokens(new QwenVisionOptions(maxPixels: value + 1)) > 800);
    }

    [Fact]
    public async Task OffersNothingWhenEvenMinTilesDoesNotFit()
    {
        string source = Usings + "[AspectRatioTiling(MinTiles = 4)][TokenBudget(ContextLength = 600)] public partial class S;";
        Assert.Null(LargestTiles(4, 12, true, 600));
        Assert.Empty(await FixAsync(source, "TESS002", new FitBudgetCodeFix()));
    }

    [Fact]
    public async Task OffersNothingForAnyRes()
    {
        long worst = LlavaNextAnyRes.MaxTokens(LlavaNextOptions.V16);
        Assert.Empty(await FixAsync(Usings + $"[AnyResTiling][TokenBudget(ContextLength = {worst - 1})] public partial class S;", "TESS002",
            new FitBudgetCodeFix()));
    }
}

using System;
using System.Linq;
using System.Reflection;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Generators;

/// <summary>
/// The generated members behave exactly like the run-time planner with the same options: the generated code is compiled
/// in memory, loaded into a collectible context and called by reflection on many sizes.
/// </summary>
public sealed class TilingSpecGeneratorBehaviourTests : IDisposable
{
    private const string Source = """
        using Tessera.Planning;
        using Tessera.Specs;

        namespace Specs;

        [AspectRatioTiling]
        [TokenBudget(ContextLength = 8192, TextTokens = 300, ReservedTokens = 1000)]
        public partial class InternVLCard;

        [AspectRatioTiling(MinTiles = 4, MaxTiles = 4, Thumbnail = false)]
        public partial class InternVLFourOfficial;

        [AspectRatioTiling(MinTiles = 2, MaxTiles = 24, TileSize = 224, TokensPerTile = 64, Order = InternVLCandidateOrder.Transformers)]
        public partial class InternVLTransformers;

        [AspectRatioTiling(MinTiles = 5, MaxTiles = 2)]
        public partial class InternVLEmptyRange;

        [NativeResolution]
        public partial class QwenDefaults;

        [NativeResolution(PatchSize = 16, MergeSize = 2, MinPixels = 1000, MaxPixels = 300000, Rule = QwenResizeRule.QwenVlUtils)]
        public partial class QwenSmall;

        [AnyResTiling]
        public partial class LlavaV16;

        [AnyResTiling(384, 768, 768, 384, 768, 768, 1152, 384, CropSize = 384, PatchSize = 14, Strategy = FeatureSelectStrategy.Full, AdditionalImageTokens = 0)]
        public partial class LlavaSiglip;
        """;

    private readonly Assembly _assembly;
    private readonly System.Runtime.Loader.AssemblyLoadContext _context;

    public TilingSpecGeneratorBehaviourTests() => (_assembly, _context) = GeneratorHarness.CompileAndLoad(Source, specClasses: 8);

    public void Dispose() => _context.Unload();

    private Type Spec(string name) => _assembly.GetType("Specs." + name, throwOnError: true)!;

    private static object? Get(Type type, string member) => type.GetProperty(member) is { } p ? p.GetValue(null) : type.GetField(member)!.GetValue(null);

    /// <summary>Calls a generated static method, unwrapping the reflection wrapper of its exception.</summary>
    private static object Call(Type type, string method, params object[] args)
    {
        try
        {
            return type.GetMethods().Single(m => m.Name == method && m.GetParameters().Length == args.Length).Invoke(null, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>Sizes from 1 px to very elongated, plus a fixed random sample.</summary>
    private static (int Width, int Height)[] Sizes()
    {
        var random = new Random(20240611);
        var sizes = new System.Collections.Generic.List<(int, int)> { (1, 1), (1, 5000), (5000, 1), (448, 448), (500, 200), (672, 336), (28, 28), (27, 200), (10000, 50) };
        for (int i = 0; i < 1500; i++) sizes.Add((random.Next(1, 4000), random.Next(1, 4000)));
        for (int i = 0; i < 300; i++) sizes.Add((random.Next(1, 64), random.Next(1, 2000)));
        return sizes.ToArray();
    }

    /// <summary>Both outcomes agree: the same plan, or a PlanException of the same error.</summary>
    private static void AssertSame<TPlan>(Func<TPlan> runtime, Func<object> generated, (int W, int H) size)
        where TPlan : struct
    {
        TPlan expected;
        try
        {
            expected = runtime();
        }
        catch (PlanException e)
        {
            var thrown = Assert.Throws<PlanException>(() => generated());
            Assert.Equal(e.Error, thrown.Error);
            return;
        }
        var actual = Assert.IsType<TPlan>(generated());
        Assert.True(expected.Equals(actual), $"{typeof(TPlan).Name} differs at {size.W}×{size.H}");
    }

    [Theory]
    [InlineData("InternVLCard", 448, 1, 12, true, 256, InternVLCandidateOrder.Official)]
    [InlineData("InternVLFourOfficial", 448, 4, 4, false, 256, InternVLCandidateOrder.Official)]
    [InlineData("InternVLTransformers", 224, 2, 24, true, 64, InternVLCandidateOrder.Transformers)]
    [InlineData("InternVLEmptyRange", 448, 5, 2, true, 256, InternVLCandidateOrder.Official)]
    public void InternVLPlanAndTokensMatchTheRuntimePlanner(string name, int tile, int min, int max, bool thumbnail, int tokens, InternVLCandidateOrder order)
    {
        var type = Spec(name);
        var options = new InternVLOptions(tile, min, max, thumbnail, tokens, order);
        var generatedOptions = Assert.IsType<InternVLOptions>(Get(type, "Options"));
        Assert.True(options.Candidates.SequenceEqual(generatedOptions.Candidates));
        Assert.Equal(InternVLDynamicTiling.MaxTokens(options), (long)Get(type, "MaxTokens")!);
        foreach (var size in Sizes())
        {
            AssertSame(() => InternVLDynamicTiling.Plan(size.Width, size.Height, options), () => Call(type, "Plan", size.Width, size.Height), size);
            var plan = InternVLDynamicTiling.Plan(size.Width, size.Height, options);
            Assert.Equal(InternVLDynamicTiling.CountTokens(plan), (long)Call(type, "CountTokens", plan));
            Assert.Equal(InternVLDynamicTiling.LayoutSegmentCount(plan), (int)Call(type, "LayoutSegmentCount", plan));
        }
    }

    [Theory]
    [InlineData("QwenDefaults", 14, 2, 56 * 56, 28 * 28 * 1280, QwenResizeRule.Transformers)]
    [InlineData("QwenSmall", 16, 2, 1000, 300000, QwenResizeRule.QwenVlUtils)]
    public void QwenPlanAndConstantsMatchTheRuntimePlanner(string name, int patch, int merge, long minPixels, long maxPixels, QwenResizeRule rule)
    {
        var type = Spec(name);
        var options = new QwenVisionOptions(patch, merge, minPixels, maxPixels, rule);
        Assert.Equal(options.Factor, (int)Get(type, "Factor")!);
        Assert.Equal(minPixels, (long)Get(type, "MinPixels")!);
        Assert.Equal(maxPixels, (long)Get(type, "MaxPixels")!);
        Assert.Equal(QwenNativeResolution.MaxTokens(options), (long)Get(type, "MaxTokens")!);
        foreach (var size in Sizes())
        {
            AssertSame(() => QwenNativeResolution.Plan(size.Width, size.Height, options), () => Call(type, "Plan", size.Width, size.Height), size);
        }
    }

    [Fact]
    public void LlavaNextPlanAndTokensMatchTheRuntimePlanner()
    {
        var siglip = new LlavaNextOptions(new[] { new Pinpoint(384, 768), new Pinpoint(768, 384), new Pinpoint(768, 768), new Pinpoint(1152, 384) },
            384, 14, FeatureSelectStrategy.Full, 0);
        foreach (var (name, options) in new[] { ("LlavaV16", LlavaNextOptions.V16), ("LlavaSiglip", siglip) })
        {
            var type = Spec(name);
            Assert.True(options.Pinpoints.SequenceEqual(Assert.IsType<LlavaNextOptions>(Get(type, "Options")).Pinpoints));
            Assert.Equal(LlavaNextAnyRes.MaxTokens(options), (long)Get(type, "MaxTokens")!);
            foreach (var size in Sizes())
            {
                AssertSame(() => LlavaNextAnyRes.Plan(size.Width, size.Height, options), () => Call(type, "Plan", size.Width, size.Height), size);
                var plan = LlavaNextAnyRes.Plan(size.Width, size.Height, options);
                Assert.Equal(LlavaNextAnyRes.CountTokens(plan), (long)Call(type, "CountTokens", plan));
            }
        }
    }

    [Fact]
    public void BudgetConstantsAreTheAttributeValuesAndTheirDifference()
    {
        var type = Spec("InternVLCard");
        long max = InternVLDynamicTiling.MaxTokens(InternVLOptions.ModelCard);
        Assert.Equal(8192L, (long)Get(type, "ContextLength")!);
        Assert.Equal(300L, (long)Get(type, "TextTokens")!);
        Assert.Equal(1000L, (long)Get(type, "ReservedTokens")!);
        Assert.Equal(8192L - 300 - 1000 - max, (long)Get(type, "RemainingTokens")!);
        Assert.Null(Spec("InternVLFourOfficial").GetField("ContextLength")); // no [TokenBudget], no budget members
    }

    [Fact]
    public void WriteLayoutForwardsToTheStrategy()
    {
        var type = Spec("InternVLCard");
        var plan = InternVLDynamicTiling.Plan(1000, 300, InternVLOptions.ModelCard);
        var expected = new LayoutSegment[InternVLDynamicTiling.LayoutSegmentCount(plan)];
        InternVLDynamicTiling.WriteLayout(plan, expected);
        // Span parameters cannot go through reflection: bind the generated method to a delegate instead.
        var write = type.GetMethod("WriteLayout")!.CreateDelegate<WriteLayoutFn>();
        var actual = new LayoutSegment[expected.Length];
        Assert.Equal(expected.Length, write(plan, actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TheCompiledCandidateTableIsCheckedAgainstTheRuntimeOne()
    {
        var type = Spec("InternVLCard");
        var check = type.GetMethod("MatchesCompiledTesseraCandidates", BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<CandidateCheck>();
        var candidates = InternVLOptions.ModelCard.Candidates.ToArray();
        Assert.True(check(candidates));
        // Swapping two grids of the same tile count (only the tie order differs) is caught, as is a missing grid.
        int k = Array.FindIndex(candidates, c => c.Count == 2);
        (candidates[k], candidates[k + 1]) = (candidates[k + 1], candidates[k]);
        Assert.False(check(candidates));
        Assert.False(check(InternVLOptions.ModelCard.Candidates[1..]));
    }

    private delegate bool CandidateCheck(ReadOnlySpan<GridShape> candidates);

    private delegate int WriteLayoutFn(in InternVLPlan plan, Span<LayoutSegment> destination);

    [Fact]
    public void CreatePipelineUsesTheSpecOptions()
    {
        var pipeline = Assert.IsType<Tessera.Pipelines.InternVLPipeline>(Call(Spec("InternVLCard"), "CreatePipeline"));
        Assert.Same(Get(Spec("InternVLCard"), "Options"), pipeline.Options);
        var qwen = Assert.IsType<Tessera.Pipelines.Qwen2VLPipeline>(Call(Spec("QwenSmall"), "CreatePipeline"));
        Assert.Equal(300000L, qwen.Options.MaxPixels);
        var llava = Assert.IsType<Tessera.Pipelines.LlavaNextPipeline>(Call(Spec("LlavaSiglip"), "CreatePipeline"));
        Assert.Equal(384, llava.CropSize);
    }
}

using System.Linq;
using Xunit;

namespace Tessera.Tests.Generators;

/// <summary>
/// What the generator writes for each kind of spec, pinned by reviewed snapshots (<c>*.verified.cs</c> beside this file),
/// and that the output compiles without a warning (XML docs and <c>cref</c>s checked) in the consumer's compilation.
/// </summary>
public sealed class TilingSpecGeneratorSnapshotTests
{
    private static string GenerateSingle(string source)
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.Empty(GeneratorHarness.Problems(output));
        return Assert.Single(result.GeneratedSources).SourceText.ToString();
    }

    [Fact]
    public void InternVLWithTokenBudget()
    {
        string generated = GenerateSingle("""
            using Tessera.Specs;

            namespace Demo;

            /// <summary>InternVL 1.5 tiling within an 8k context.</summary>
            [AspectRatioTiling(TileSize = 448, MinTiles = 1, MaxTiles = 12, Thumbnail = true)]
            [TokenBudget(ContextLength = 8192, TextTokens = 200, ReservedTokens = 512)]
            public partial class InternVL15Tiling;
            """);
        Snapshot.Verify(generated, nameof(TilingSpecGeneratorSnapshotTests));
    }

    [Fact]
    public void QwenNativeResolution()
    {
        string generated = GenerateSingle("""
            using Tessera.Specs;

            namespace Demo
            {
                [NativeResolution(MaxPixels = 28 * 28 * 16384)]
                internal static partial class Qwen2VLCheckpoint
                {
                }
            }
            """);
        Snapshot.Verify(generated, nameof(TilingSpecGeneratorSnapshotTests));
    }

    [Fact]
    public void LlavaNextPinpoints()
    {
        string generated = GenerateSingle("""
            using Tessera.Specs;

            /// <summary>Two wide canvases and the square one, in the global namespace.</summary>
            [AnyResTiling(336, 672, 672, 336, 672, 672, CropSize = 336)]
            public sealed partial class LlavaThreeCanvases;
            """);
        Snapshot.Verify(generated, nameof(TilingSpecGeneratorSnapshotTests));
    }

    [Fact]
    public void LlavaNextDefaultPinpoints()
    {
        string generated = GenerateSingle("""
            using Tessera.Specs;

            namespace Demo;

            [AnyResTiling]
            internal partial class LlavaV16;
            """);
        Snapshot.Verify(generated, nameof(TilingSpecGeneratorSnapshotTests));
    }

    [Fact]
    public void NestedInternVLTransformersOrder()
    {
        string generated = GenerateSingle("""
            using Tessera.Planning;
            using Tessera.Specs;

            namespace Demo.Nested
            {
                /// <summary>Outer type.</summary>
                public partial class Outer
                {
                    internal partial record struct Holder
                    {
                        [AspectRatioTiling(MinTiles = 4, MaxTiles = 4, Thumbnail = false, Order = InternVLCandidateOrder.Transformers)]
                        private partial class FourTiles
                        {
                            public static int Probe() => Plan(500, 200).Blocks;
                        }
                    }
                }
            }
            """);
        Snapshot.Verify(generated, nameof(TilingSpecGeneratorSnapshotTests));
    }

    [Fact]
    public void EverySpecInOneCompilationGetsItsOwnFile()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile(
            "[Tessera.Specs.AspectRatioTiling] partial class A;",
            "namespace N { [Tessera.Specs.NativeResolution] partial class A; }",
            "namespace N { partial class Outer { [Tessera.Specs.AnyResTiling] partial class A; } }"));
        Assert.Null(result.Exception);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(new[] { "A.Tessera.g.cs", "N.A.Tessera.g.cs", "N.Outer.A.Tessera.g.cs" },
            result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Generators;

/// <summary>
/// A <c>[NativeResolution]</c> spec chooses its M-RoPE variant: the generated <c>GetRopeIndex</c> of a spec declaring each
/// variant (and each <c>tokens_per_second</c> the goldens use) reproduces every line of ../shared/golden/video/*get_rope_index*,
/// and the default is the Qwen2-VL release.
/// </summary>
public sealed class TilingSpecGeneratorRopeTests : IDisposable
{
    private const string Source = """
        using Tessera.Planning;
        using Tessera.Specs;

        namespace Specs;

        [NativeResolution]
        public partial class Default;

        [NativeResolution(Rope = QwenRopeVariant.Qwen2VLUnified)]
        public partial class Qwen2VLUnified;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VL)]
        public partial class Qwen25VL_2;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VL, TokensPerSecond = 4)]
        public partial class Qwen25VL_4;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VLIntCast, TokensPerSecond = 2)]
        public partial class Qwen25VLIntCast_2;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VLIntCast, TokensPerSecond = 4)]
        public partial class Qwen25VLIntCast_4;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VLUnified)]
        public partial class Qwen25VLUnified_2;

        [NativeResolution(Rope = QwenRopeVariant.Qwen25VLUnified, TokensPerSecond = 4)]
        public partial class Qwen25VLUnified_4;
        """;

    private readonly Assembly _assembly;
    private readonly System.Runtime.Loader.AssemblyLoadContext _context;

    public TilingSpecGeneratorRopeTests() => (_assembly, _context) = GeneratorHarness.CompileAndLoad(Source, specClasses: 8);

    public void Dispose() => _context.Unload();

    /// <summary>The spec class declaring the variant of a golden file (../shared/golden/README.md, get_rope_index rows).</summary>
    private Type SpecFor(string file, long tokensPerSecond) => _assembly.GetType("Specs." + (file switch
    {
        "qwen2vl.get_rope_index.jsonl" => "Default",
        "qwen2vl.get_rope_index_unified.jsonl" => "Qwen2VLUnified",
        "qwen2_5_vl.get_rope_index.jsonl" => $"Qwen25VL_{tokensPerSecond}",
        "qwen2_5_vl.get_rope_index_intcast.jsonl" => $"Qwen25VLIntCast_{tokensPerSecond}",
        "qwen2_5_vl.get_rope_index_unified.jsonl" => $"Qwen25VLUnified_{tokensPerSecond}",
        _ => throw new InvalidOperationException($"no spec declares the variant of {file}"),
    }), throwOnError: true)!;

    public static TheoryData<string> RopeFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Paths.Golden("video"), "*get_rope_index*.jsonl").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_default_rope_is_the_Qwen2_VL_release()
    {
        var options = (QwenRopeOptions)_assembly.GetType("Specs.Default", true)!.GetProperty("RopeOptions")!.GetValue(null)!;
        var release = QwenRopeOptions.Qwen2VL;
        Assert.Equal((release.Variant, release.SpatialMergeSize, release.TokensPerSecond, release.ImageTokenId, release.VideoTokenId,
                release.VisionStartTokenId, release.VisionEndTokenId),
            (options.Variant, options.SpatialMergeSize, options.TokensPerSecond, options.ImageTokenId, options.VideoTokenId,
                options.VisionStartTokenId, options.VisionEndTokenId));
    }

    [Theory]
    [MemberData(nameof(RopeFiles))]
    public void Generated_GetRopeIndex_equals_every_golden_line(string file)
    {
        int lines = 0;
        foreach (var text in File.ReadLines(Paths.Golden("video", file)))
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            lines++;
            var line = JsonNode.Parse(text)!.AsObject();
            var config = line["config"]!.AsObject();
            Assert.Equal(2, (int)config["spatial_merge_size"]!); // the specs above keep the default merge size
            var spec = SpecFor(file, (long?)config["tokens_per_second"] ?? 2);
            var input = line["input"]!.AsObject();
            int[] ids = input["input_ids"]!.AsArray().Select(n => (int)n!).ToArray();
            GridThw[] images = Grids(input["image_grid_thw"]), videos = Grids(input["video_grid_thw"]);
            double[] seconds = input["second_per_grid_ts"] is JsonArray s ? s.Select(n => (double)n!).ToArray() : [];
            var positions = new long[3 * ids.Length];
            long delta = Invoke(spec, ids, images, videos, seconds, positions);

            var result = line["result"]!.AsObject();
            var rows = result["position_ids"]!.AsArray();
            for (int axis = 0; axis < 3; axis++)
            {
                long[] expected = rows[axis]!.AsArray().Select(n => (long)n!).ToArray();
                Assert.True(expected.AsSpan().SequenceEqual(positions.AsSpan(axis * ids.Length, ids.Length)),
                    $"{file} line {lines} ({input["name"]}): axis {axis} differs");
            }
            Assert.Equal((long)result["rope_deltas"]!, delta);
        }
        Assert.True(lines > 0, $"{file}: empty golden file");
    }

    private static GridThw[] Grids(JsonNode? node) => node is JsonArray grids
        ? grids.Select(g => new GridThw((int)g![0]!, (int)g[1]!, (int)g[2]!)).ToArray()
        : [];

    /// <summary>Calls the generated span-taking method through a delegate (spans cannot be boxed for reflection).</summary>
    private static long Invoke(Type spec, int[] ids, GridThw[] images, GridThw[] videos, double[] seconds, long[] positions)
    {
        var method = spec.GetMethod("GetRopeIndex")!;
        var call = method.CreateDelegate<RopeIndex>();
        return call(ids, images, videos, seconds, positions);
    }

    private delegate long RopeIndex(ReadOnlySpan<int> inputIds, ReadOnlySpan<GridThw> imageGrids, ReadOnlySpan<GridThw> videoGrids,
        ReadOnlySpan<double> secondPerGridTs, Span<long> positions);
}

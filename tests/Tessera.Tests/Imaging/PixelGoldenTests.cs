using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Imaging;
using Tessera.Imaging.Tensors;
using Tessera.Pipelines;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// Every line of golden/pixels/decode.jsonl, resize.jsonl and pipelines.jsonl through the <c>conform pixels</c> code
/// path (<see cref="PixelConformance.ProcessLine"/>), compared as ../shared/tools/compare.py compares them; the full
/// .npy tensors element by element from the files; the Qwen2-VL lines the goldens leave out; error lines; allocations.
/// </summary>
/// <remarks>
/// Lines are fed per image in golden order to one processor, so each image is decoded once per loader preset. Under
/// <c>DOTNET_EnableHWIntrinsic=0</c> the same lines run the scalar kernels.
/// </remarks>
public sealed class PixelGoldenTests
{
    private static readonly Dictionary<string, List<JsonObject>> Files = new(StringComparer.Ordinal);

    private static readonly string CorpusDirectory = Path.Combine(Paths.Shared, "corpus");

    /// <summary>The lines of golden/pixels/<paramref name="file"/> (or of another golden folder when given).</summary>
    private static List<JsonObject> Golden(string file, string folder = "pixels")
    {
        lock (Files)
        {
            if (!Files.TryGetValue(folder + "/" + file, out var lines))
            {
                lines = File.ReadLines(Paths.Golden(folder, file))
                    .Where(l => !string.IsNullOrWhiteSpace(l))
                    .Select(l => (JsonObject)JsonNode.Parse(l)!)
                    .ToList();
                Files[folder + "/" + file] = lines;
            }
            return lines;
        }
    }

    private static string Image(JsonObject line) => (string)line["image"]!;

    private static TheoryData<string> ImagesOf(string file)
    {
        var data = new TheoryData<string>();
        foreach (string image in Golden(file).Select(Image).Distinct().Order(StringComparer.Ordinal))
            data.Add(image);
        return data;
    }

    /// <summary>The request as the conformance script sends it: the golden line without <c>expected</c>.</summary>
    private static string Request(JsonObject golden)
    {
        var request = (JsonObject)golden.DeepClone();
        request.Remove("expected");
        return request.ToJsonString();
    }

    /// <summary>compare.py's verdict on one output line: null when it conforms, else why not.</summary>
    private static string? Compare(JsonObject golden, JsonObject actual)
    {
        if (actual["error"] is { } error)
            return $"error line: {error}";
        if (actual["result"] is not JsonObject result)
            return "no result";
        var expected = (JsonObject)golden["expected"]!;
        string op = (string)golden["op"]!;
        string[] keys = op == "pipeline"
            ? ["output_shape", "intermediate_sha256", "channel_sum", "channel_sumsq", "sample_values"]
            : op == "decode" ? ["width", "height", "sha256_rgb"] : ["sha256_rgb"];
        // golden/README.md: the result holds exactly these keys.
        if (!result.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(keys.Order(StringComparer.Ordinal)))
            return $"result keys {string.Join(",", result.Select(p => p.Key))} are not {string.Join(",", keys)}";
        if (op != "pipeline")
        {
            foreach (string key in keys)
            {
                if (!JsonNode.DeepEquals(expected[key], result[key]))
                    return $"{key} {result[key]?.ToJsonString()} != {expected[key]?.ToJsonString()}";
            }
            return null;
        }
        if (!JsonByValue(expected["output_shape"], result["output_shape"]))
            return $"output_shape {result["output_shape"]?.ToJsonString()} != {expected["output_shape"]?.ToJsonString()}";
        if (!JsonNode.DeepEquals(expected["intermediate_sha256"], result["intermediate_sha256"]))
            return $"intermediate_sha256 {result["intermediate_sha256"]?.ToJsonString()} != {expected["intermediate_sha256"]?.ToJsonString()}";
        // compare.py: sums within rel 1e-9 + abs 1e-9; samples with tolerance 0 (bit-identical float32).
        return Close("channel_sum", expected, result, 1e-9, 1e-9)
            ?? Close("channel_sumsq", expected, result, 1e-9, 1e-9)
            ?? Close("sample_values", expected, result, 0, 0);
    }

    private static bool JsonByValue(JsonNode? a, JsonNode? b) =>
        a is JsonArray x && b is JsonArray y && x.Count == y.Count
        && x.Zip(y).All(p => p.First is JsonValue && p.Second is JsonValue && (double)p.First! == (double)p.Second!);

    private static string? Close(string key, JsonObject expected, JsonObject result, double rel, double abs)
    {
        double[] want = ((JsonArray)expected[key]!).Select(n => (double)n!).ToArray();
        if (result[key] is not JsonArray array)
            return $"{key} missing";
        double[] got = array.Select(n => (double)n!).ToArray();
        if (want.Length != got.Length)
            return $"{key}: {got.Length} values for {want.Length}";
        for (int i = 0; i < want.Length; i++)
        {
            if (!(Math.Abs(want[i] - got[i]) <= abs + rel * Math.Abs(want[i])))
                return $"{key}[{i}] {got[i]:R} != {want[i]:R}";
        }
        return null;
    }

    /// <summary>Feeds the image's golden lines of <paramref name="file"/> to one processor; asserts every one conforms.</summary>
    private static void AssertLinesOfImage(string file, string image)
    {
        var processor = new PixelConformance(CorpusDirectory);
        var failures = new List<string>();
        int compared = 0;
        foreach (JsonObject golden in Golden(file).Where(l => Image(l) == image))
        {
            var actual = (JsonObject)JsonNode.Parse(processor.ProcessLine(Request(golden)))!;
            compared++;
            if (Compare(golden, actual) is { } why)
                failures.Add($"{golden["op"]} {golden["filter"]} {golden["width"]}x{golden["height"]} {golden["pipeline"]}: {why}");
        }
        Assert.True(compared > 0, $"{file} has no line for {image}");
        Assert.True(failures.Count == 0, $"{file} {image}: {failures.Count} of {compared} differ:\n" + string.Join("\n", failures.Take(20)));
    }

    public static TheoryData<string> DecodeImages() => ImagesOf("decode.jsonl");

    public static TheoryData<string> ResizeImages() => ImagesOf("resize.jsonl");

    public static TheoryData<string> PipelineImages() => ImagesOf("pipelines.jsonl");

    [Theory]
    [MemberData(nameof(DecodeImages))]
    public void Decode_lines_conform(string image) => AssertLinesOfImage("decode.jsonl", image);

    [Theory]
    [MemberData(nameof(ResizeImages))]
    public void Resize_lines_conform(string image) => AssertLinesOfImage("resize.jsonl", image);

    [Theory]
    [MemberData(nameof(PipelineImages))]
    public void Pipeline_lines_conform(string image) => AssertLinesOfImage("pipelines.jsonl", image);

    public static TheoryData<string, string> Tensors()
    {
        var data = new TheoryData<string, string>();
        foreach (string path in Directory.GetFiles(Paths.Golden("pixels", "tensors"), "*_pixel_values.npy").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            int split = name.LastIndexOf("__", StringComparison.Ordinal);
            data.Add(name[..split], name[(split + 2)..^"_pixel_values.npy".Length]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Tensors))]
    public void Golden_tensors_equal_the_pipeline_output_from_the_file(string stem, string pipeline)
    {
        TensorNpy npy = TensorNpy.ReadFloat32(Paths.Golden("pixels", "tensors", $"{stem}__{pipeline}_pixel_values.npy"));
        JsonObject golden = Golden("pipelines.jsonl")
            .Single(l => (string)l["pipeline"]! == pipeline && Path.GetFileNameWithoutExtension(Image(l)) == stem);
        var processor = new PixelConformance(CorpusDirectory);
        var actual = (JsonObject)JsonNode.Parse(processor.ProcessLine(Request(golden)))!;
        Assert.Null(Compare(golden, actual));

        Assert.Equal(npy.Shape, ((JsonArray)actual["result"]!["output_shape"]!).Select(n => (int)n!));
        ReadOnlySpan<float> output = processor.LastTensor;
        Assert.Equal(npy.Data.Length, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(output[i]) != BitConverter.SingleToUInt32Bits(npy.Data[i]))
                Assert.Fail($"{stem} {pipeline}: element {i} is {output[i]:R}, the golden tensor has {npy.Data[i]:R}");
        }
    }

    /// <summary>
    /// golden/README.md leaves out the Qwen2-VL lines for the 1×1 and 7×13 images ("follow the current rule (plans/)"):
    /// the pipeline must run and give the shape the plans golden gives for the same config.
    /// </summary>
    [Theory]
    [InlineData("p_tiny_1x1.png")]
    [InlineData("p_tiny_7x13.png")]
    public void Qwen2VL_runs_on_images_below_the_factor_with_the_planned_shape(string image)
    {
        Assert.DoesNotContain(Golden("pipelines.jsonl"), l => (string)l["pipeline"]! == "qwen2vl" && Image(l) == image);
        ImageInfo info = ImageLoader.Identify(Paths.Corpus(image));
        JsonObject template = Golden("pipelines.jsonl").First(l => (string)l["pipeline"]! == "qwen2vl");
        var @params = (JsonObject)template["params"]!;
        JsonObject plan = Golden("qwen2vl.smart_resize.jsonl", "plans").First(l =>
            (int)l["width"]! == info.OrientedWidth && (int)l["height"]! == info.OrientedHeight
            && (long)l["config"]!["min_pixels"]! == (long)@params["min_pixels"]!
            && (int)l["config"]!["patch_size"]! == (int)@params["patch_size"]!
            && (int)l["config"]!["merge_size"]! == (int)@params["merge_size"]!);

        var request = (JsonObject)template.DeepClone();
        request.Remove("expected");
        request["image"] = image;
        request["params"]!["max_pixels"] = (long)plan["config"]!["max_pixels"]!;
        request["sample_indices"] = new JsonArray(0, 1, 2);
        var processor = new PixelConformance(CorpusDirectory);
        var actual = (JsonObject)JsonNode.Parse(processor.ProcessLine(request.ToJsonString()))!;

        Assert.Null(actual["error"]);
        JsonObject planned = (JsonObject)plan["result"]!;
        int p = (int)@params["patch_size"]!, tp = (int)@params["temporal_patch_size"]!;
        Assert.Equal(new[] { (int)planned["num_patches"]!, 3 * tp * p * p },
            ((JsonArray)actual["result"]!["output_shape"]!).Select(n => (int)n!));
        Assert.Equal((int)planned["resized_width"]!, processor.Workspace.CanvasWidth);
        Assert.Equal((int)planned["resized_height"]!, processor.Workspace.CanvasHeight);
        Assert.Equal((int)planned["num_patches"]! * 3 * tp * p * p, processor.LastTensor.Length);
        Assert.True(float.IsFinite(processor.LastTensor[0]));
    }

    /// <summary>Requests that must come back as error lines, one after another through one processor, which keeps going.</summary>
    [Fact]
    public void Bad_files_and_bad_requests_give_error_lines_and_processing_continues()
    {
        string dir = Directory.CreateTempSubdirectory("tessera-pixels-").FullName;
        try
        {
            byte[] jpeg = File.ReadAllBytes(Paths.Corpus("p_ladybug_crop_252x236.jpg"));
            byte[] png = File.ReadAllBytes(Paths.Corpus("p_astronaut_rgb.png"));
            File.WriteAllBytes(Path.Combine(dir, "empty.png"), []);
            File.WriteAllBytes(Path.Combine(dir, "garbage.jpg"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "header_only.jpg"), jpeg[..200]);
            File.WriteAllBytes(Path.Combine(dir, "truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
            File.WriteAllBytes(Path.Combine(dir, "truncated.png"), png[..(png.Length / 2)]);
            File.WriteAllBytes(Path.Combine(dir, "signature_only.png"), png[..8]);
            File.WriteAllBytes(Path.Combine(dir, "good.jpg"), jpeg);
            var processor = new PixelConformance(dir);
            JsonObject qwen = Golden("pipelines.jsonl").First(l => (string)l["pipeline"]! == "qwen2vl");
            JsonObject internvl = Golden("pipelines.jsonl").First(l => (string)l["pipeline"]! == "internvl");

            string[] bad =
            [
                """{"op":"decode","image":"empty.png"}""",
                """{"op":"decode","image":"garbage.jpg"}""",
                """{"op":"decode","image":"header_only.jpg"}""",
                """{"op":"decode","image":"truncated.png"}""",
                """{"op":"decode","image":"truncated.jpg"}""",
                """{"op":"decode","image":"signature_only.png"}""",
                """{"op":"decode","image":"missing.png"}""",
                """{"op":"decode","image":"../good.jpg"}""",
                """{"op":"decode"}""",
                """{"op":"encode","image":"good.jpg"}""",
                """{"image":"good.jpg"}""",
                """not json""",
                """[1, 2]""",
                """{"op":"resize","image":"good.jpg","filter":"CUBIC","width":10,"height":10}""",
                """{"op":"resize","image":"good.jpg","filter":"BICUBIC","width":0,"height":10}""",
                """{"op":"resize","image":"good.jpg","filter":"BICUBIC","width":10}""",
                """{"op":"resize","image":"good.jpg","filter":"BICUBIC","width":"10","height":10}""",
                """{"op":"resize","image":"good.jpg","filter":"BICUBIC","width":100000,"height":100000}""",
                """{"op":"resize","image":"truncated.png","filter":"BICUBIC","width":10,"height":10}""",
                Pipeline(qwen, "truncated.png", p => { }),
                Pipeline(qwen, "good.jpg", p => p["factor"] = 30),
                Pipeline(qwen, "good.jpg", p => p["patch_size"] = 0),
                Pipeline(qwen, "good.jpg", p => p.Remove("min_pixels")),
                Pipeline(qwen, "good.jpg", p => p["image_std"] = new JsonArray(0.5, 0.0, 0.5)),
                Pipeline(qwen, "good.jpg", p => p["image_mean"] = new JsonArray(0.5, 0.5)),
                Pipeline(qwen, "good.jpg", p => p["rescale_factor"] = "1/127.5"),
                Pipeline(qwen, "good.jpg", p => p["resample"] = "SPLINE"),
                Pipeline(qwen, "good.jpg", p => { }, r => r["sample_indices"] = new JsonArray(-1)),
                Pipeline(qwen, "good.jpg", p => { }, r => r["sample_indices"] = new JsonArray(int.MaxValue)),
                Pipeline(qwen, "good.jpg", p => { }, r => r["pipeline"] = "llava"),
                Pipeline(qwen, "good.jpg", p => { }, r => r.Remove("params")),
                Pipeline(internvl, "good.jpg", p => p["max_num"] = 0),
                Pipeline(internvl, "good.jpg", p => p["image_size"] = -448),
                Pipeline(internvl, "good.jpg", p => p.Remove("use_thumbnail")),
                Pipeline(internvl, "missing.jpg", p => { }),
            ];
            foreach (string request in bad)
            {
                var actual = (JsonObject)JsonNode.Parse(processor.ProcessLine(request))!;
                Assert.True(actual["error"] is JsonValue, $"no error line for {request}: {actual.ToJsonString()}");
                Assert.Null(actual["result"]);
                // After each error the processor still serves a good line.
                var good = (JsonObject)JsonNode.Parse(processor.ProcessLine("""{"op":"decode","image":"good.jpg"}"""))!;
                Assert.Null(good["error"]);
                Assert.Equal(252, (int)good["result"]!["width"]!); // the file name states its size
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_command_writes_one_line_per_request_and_needs_an_images_directory()
    {
        JsonObject decode = Golden("decode.jsonl").First(l => Image(l) == "p_tiny_7x13.png");
        var input = new StringReader(Request(decode) + "\n\n" + """{"op":"decode","image":"missing.png"}""" + "\n");
        var output = new StringWriter();
        Assert.Equal(0, PixelConformance.Run(["--images", CorpusDirectory], input, output, TextWriter.Null));
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // blank input lines are skipped
        Assert.Null(Compare(decode, (JsonObject)JsonNode.Parse(lines[0])!));
        Assert.NotNull(JsonNode.Parse(lines[1])!["error"]);

        var error = new StringWriter();
        Assert.Equal(2, PixelConformance.Run([], new StringReader(""), TextWriter.Null, error));
        Assert.Contains("--images", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, PixelConformance.Run(["--images", Path.Combine(CorpusDirectory, "no-such-dir")], new StringReader(""), TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, PixelConformance.Run(["--images", CorpusDirectory, "--fast"], new StringReader(""), TextWriter.Null, TextWriter.Null));
    }

    private static string Pipeline(JsonObject golden, string image, Action<JsonObject> editParams, Action<JsonObject>? editRequest = null)
    {
        var request = (JsonObject)golden.DeepClone();
        request.Remove("expected");
        request["image"] = image;
        editParams((JsonObject)request["params"]!);
        editRequest?.Invoke(request);
        return request.ToJsonString();
    }

    [Fact]
    public void Pipelines_allocate_nothing_on_a_second_call_with_the_same_image()
    {
        DecodedImage image = ImageLoader.Load(Paths.Corpus("p_tiny_7x13.png"), LoaderPreset.TransformersLoadImage);
        var workspace = new PipelineWorkspace();

        var qwen = new Qwen2VLPipeline(new QwenVisionOptions(14, 2, 3136, 200704));
        var qwenOutput = new float[qwen.GetOutputLength(qwen.Plan(image.Width, image.Height))];
        var internVL = new InternVLPipeline(new InternVLOptions(448, 1, 6, useThumbnail: true));
        InternVLPlan tiles = internVL.Plan(image.Width, image.Height);
        Assert.True(tiles.Thumbnail); // 7×13 tiles to 1×2 plus a thumbnail (pipelines.jsonl: output_shape [3, 3, 448, 448])
        var internOutput = new float[internVL.GetOutputLength(tiles)];

        for (int warm = 0; warm < 2; warm++)
        {
            qwen.Run(image.View, qwenOutput, workspace);
            internVL.Run(image.View, internOutput, workspace);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        qwen.Run(image.View, qwenOutput, workspace);
        long qwenBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        internVL.Run(image.View, internOutput, workspace);
        long internBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, qwenBytes);
        Assert.Equal(0, internBytes);
    }

    [Fact]
    public void A_destination_shorter_than_the_output_is_an_ArgumentException()
    {
        DecodedImage image = ImageLoader.Load(Paths.Corpus("p_tiny_7x13.png"), LoaderPreset.TransformersLoadImage);
        var workspace = new PipelineWorkspace();
        var qwen = new Qwen2VLPipeline(new QwenVisionOptions(14, 2, 3136, 200704));
        var internVL = new InternVLPipeline(new InternVLOptions(448, 1, 6, useThumbnail: true));
        var qwenShort = new float[qwen.GetOutputLength(qwen.Plan(image.Width, image.Height)) - 1];
        var internShort = new float[internVL.GetOutputLength(internVL.Plan(image.Width, image.Height)) - 1];

        Assert.Throws<ArgumentException>("destination", () => qwen.Run(image.View, qwenShort, workspace));
        Assert.Throws<ArgumentException>("destination", () => internVL.Run(image.View, internShort, workspace));
        Assert.Throws<ArgumentException>("destination", () => qwen.Run(image.View, TensorElementType.BFloat16,
            new byte[qwen.GetOutputLength(qwen.Plan(image.Width, image.Height)) * 2 - 1], workspace));
        Assert.Throws<ArgumentException>("destination", () => qwen.Run(image.View, Span<float>.Empty, workspace));
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Pipelines;
using Tessera.Planning;

namespace Tessera.Cli.Conformance;

/// <summary>
/// <c>tessera conform pixels --images DIR</c>: reads the request lines of <c>../shared/golden/pixels/*.jsonl</c>
/// (<c>op</c> = decode | resize | pipeline, without <c>expected</c>) and writes each back with a <c>result</c> holding the
/// keys the golden README lists for the op, or with an <c>error</c>. Tests call <see cref="ProcessLine"/>, the same path.
/// </summary>
/// <remarks>
/// The goldens group lines per image, so the last image decoded under each loader preset is kept (36 resize lines of a
/// 5640×3172 JPEG decode it once), and one set of workspaces and output buffers serves every line. Not thread-safe.
/// </remarks>
internal sealed class PixelConformance
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private readonly string _images;
    private readonly Dictionary<LoaderPreset, (string File, DecodedImage Image)> _decoded = [];
    private readonly ResizeWorkspace _resize = new();
    private readonly PipelineWorkspace _pipeline = new();
    private byte[] _resized = [];
    private float[] _tensor = [];
    private int _tensorLength;

    /// <summary>Creates a processor that resolves <c>image</c> names under <paramref name="imageDirectory"/>.</summary>
    public PixelConformance(string imageDirectory)
    {
        _images = imageDirectory ?? throw new ArgumentNullException(nameof(imageDirectory));
    }

    /// <summary>The full output tensor of the last pipeline line (for tests that compare every element).</summary>
    internal ReadOnlySpan<float> LastTensor => _tensor.AsSpan(0, _tensorLength);

    /// <summary>The workspace the pipelines run in (its canvas and thumbnail are the last line's intermediates).</summary>
    internal PipelineWorkspace Workspace => _pipeline;

    /// <summary>The command: <paramref name="args"/> are the options after <c>conform pixels</c>; returns the exit code.</summary>
    public static int Run(ReadOnlySpan<string> args, TextReader input, TextWriter output, TextWriter error)
    {
        string? images = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--images" && i + 1 < args.Length)
            {
                images = args[++i];
            }
            else
            {
                error.WriteLine($"tessera: conform pixels: unexpected argument '{args[i]}'.");
                return 2;
            }
        }
        if (images is null)
        {
            error.WriteLine("tessera: conform pixels needs --images DIR.");
            return 2;
        }
        if (!Directory.Exists(images))
        {
            error.WriteLine($"tessera: conform pixels: no directory '{images}'.");
            return 2;
        }

        var processor = new PixelConformance(images);
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            output.WriteLine(processor.ProcessLine(line));
        }
        output.Flush();
        return 0;
    }

    /// <summary>Returns the output line for one input line: the input plus <c>result</c>, or plus <c>error</c>.</summary>
    public string ProcessLine(string line)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("a request must be a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return new JsonObject { ["input"] = line, ["error"] = $"not a JSON object: {e.Message}" }.ToJsonString(Compact);
        }
        request.Remove("expected");
        request.Remove("result");
        request.Remove("error");
        _tensorLength = 0;
        try
        {
            request["result"] = Process(request);
        }
        catch (ImageDecodeException e)
        {
            request["error"] = $"ImageDecodeException ({e.Kind}): {e.Message}";
        }
        catch (PlanException e)
        {
            request["error"] = $"PlanException ({e.Error}): {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or ArithmeticException
                                      or InvalidOperationException or FormatException or OutOfMemoryException)
        {
            request["error"] = $"{e.GetType().Name}: {e.Message}";
        }
        return request.ToJsonString(Compact);
    }

    private JsonObject Process(JsonObject request)
    {
        var reader = new ConfigReader(request, "request");
        string op = reader.String("op");
        return op switch
        {
            "decode" => Decode(reader),
            "resize" => Resize(reader),
            "pipeline" => Pipeline(request, reader),
            _ => throw PlanException.Config($"unknown op '{op}'; known: decode, resize, pipeline."),
        };
    }

    private JsonObject Decode(ConfigReader request)
    {
        DecodedImage image = Load(request.String("image"), LoaderPreset.TransformersLoadImage);
        return new JsonObject
        {
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["sha256_rgb"] = Sha256(Rgb(image)),
        };
    }

    private JsonObject Resize(ConfigReader request)
    {
        ResampleFilter filter = ParseFilter(request.String("filter"));
        int width = request.Int("width"), height = request.Int("height");
        int length = PillowResize.DestinationLength(width, height);
        DecodedImage image = Load(request.String("image"), LoaderPreset.TransformersLoadImage);
        if (_resized.Length < length)
            _resized = GC.AllocateUninitializedArray<byte>(length);
        Span<byte> destination = _resized.AsSpan(0, length);
        PillowResize.Resize(image.View, destination, width, height, filter, _resize);
        return new JsonObject { ["sha256_rgb"] = Sha256(destination) };
    }

    private JsonObject Pipeline(JsonObject request, ConfigReader reader)
    {
        string pipeline = reader.String("pipeline");
        if (request["params"] is not JsonObject paramsObject)
            throw PlanException.Config("pipeline: request has no 'params' object.");
        int[] indices = SampleIndices(request);
        LoaderPreset preset = reader.Bool("exif_transpose") ? LoaderPreset.TransformersLoadImage : LoaderPreset.InternVLModelCard;
        return pipeline switch
        {
            "qwen2vl" => Qwen2VL(paramsObject, reader.String("image"), preset, indices),
            "internvl" => InternVL(paramsObject, reader.String("image"), preset, indices),
            _ => throw PlanException.Config($"unknown pipeline '{pipeline}'; known: qwen2vl, internvl."),
        };
    }

    private JsonObject Qwen2VL(JsonObject paramsObject, string file, LoaderPreset preset, int[] indices)
    {
        var @params = new ConfigReader(paramsObject, "qwen2vl");
        int patch = @params.Int("patch_size"), merge = @params.Int("merge_size"), temporal = @params.Int("temporal_patch_size");
        if (@params.OptionalLong("factor") is long factor && factor != (long)patch * merge)
            throw PlanException.Config($"factor {factor} contradicts patch_size × merge_size = {(long)patch * merge}.");
        if (@params.Has("rescale_factor") && !IsOneOver255(paramsObject["rescale_factor"]!))
            throw PlanException.Config("qwen2vl: only rescale_factor 1/255 is supported (the kernels divide by 255 in float32).");
        ResampleFilter filter = @params.Has("resample") ? ParseFilter(@params.String("resample")) : ResampleFilter.Bicubic;
        var options = new QwenVisionOptions(patch, merge, @params.Long("min_pixels"), @params.Long("max_pixels"),
            QwenResizeRule.Transformers, temporal);
        var qwen = new Qwen2VLPipeline(options, Constants(paramsObject, "image_mean", "image_std"), filter);

        DecodedImage image = Load(file, preset);
        QwenPlan plan = qwen.Plan(image.Width, image.Height);
        var (rows, columns) = qwen.GetOutputShape(plan);
        Span<float> tensor = Tensor(qwen.GetOutputLength(plan));
        qwen.Run(image.View, tensor, _pipeline);

        var result = new JsonObject
        {
            ["output_shape"] = new JsonArray(rows, columns),
            ["intermediate_sha256"] = new JsonObject { ["resized_uint8_hwc"] = Sha256(_pipeline.Canvas) },
        };
        Span<double> sum = stackalloc double[3], sumOfSquares = stackalloc double[3];
        ChannelMoments.ForQwenPatches(tensor, patch, temporal, sum, sumOfSquares);
        AddMoments(result, tensor, sum, sumOfSquares, indices);
        return result;
    }

    private JsonObject InternVL(JsonObject paramsObject, string file, LoaderPreset preset, int[] indices)
    {
        var @params = new ConfigReader(paramsObject, "internvl");
        var options = new InternVLOptions(@params.Int("image_size"), @params.Int("min_num"), @params.Int("max_num"),
            @params.Bool("use_thumbnail"));
        var internVL = new InternVLPipeline(options, Constants(paramsObject, "mean", "std"));

        DecodedImage image = Load(file, preset);
        InternVLPlan plan = internVL.Plan(image.Width, image.Height);
        var (images, channels, height, width) = internVL.GetOutputShape(plan);
        Span<float> tensor = Tensor(internVL.GetOutputLength(plan));
        internVL.Run(image.View, tensor, _pipeline);

        var hashes = new JsonObject { ["resized_uint8"] = Sha256(_pipeline.Canvas) };
        var tiles = new JsonArray();
        int size = options.TileSize, canvasWidth = _pipeline.CanvasWidth;
        for (int row = 0; row < plan.Grid.Rows; row++)
        {
            for (int column = 0; column < plan.Grid.Columns; column++)
                tiles.Add(TileSha256(_pipeline.Canvas, canvasWidth, column * size, row * size, size));
        }
        hashes["tiles_uint8"] = tiles;
        if (plan.Thumbnail)
            hashes["thumbnail_uint8"] = Sha256(_pipeline.Thumbnail);

        var result = new JsonObject
        {
            ["output_shape"] = new JsonArray(images, channels, height, width),
            ["intermediate_sha256"] = hashes,
        };
        Span<double> sum = stackalloc double[3], sumOfSquares = stackalloc double[3];
        ChannelMoments.ForChw(tensor, height, width, sum, sumOfSquares);
        AddMoments(result, tensor, sum, sumOfSquares, indices);
        return result;
    }

    private static void AddMoments(JsonObject result, ReadOnlySpan<float> tensor, ReadOnlySpan<double> sum,
        ReadOnlySpan<double> sumOfSquares, int[] indices)
    {
        result["channel_sum"] = new JsonArray(sum[0], sum[1], sum[2]);
        result["channel_sumsq"] = new JsonArray(sumOfSquares[0], sumOfSquares[1], sumOfSquares[2]);
        var samples = new JsonArray();
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)tensor.Length)
                throw new PlanException(PlanError.InvalidSize, $"sample index {index} is outside the {tensor.Length}-element output.");
            // float32 widened exactly to double; System.Text.Json writes the shortest text that round-trips the double.
            samples.Add((double)tensor[index]);
        }
        result["sample_values"] = samples;
    }

    private static int[] SampleIndices(JsonObject request)
    {
        if (!request.TryGetPropertyValue("sample_indices", out JsonNode? node) || node is null)
            return [];
        if (node is not JsonArray array)
            throw PlanException.Config("'sample_indices' must be a list of integers.");
        var indices = new int[array.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue(out JsonElement e) || e.ValueKind != JsonValueKind.Number
                || !e.TryGetInt32(out indices[i]))
                throw PlanException.Config($"'sample_indices' entry {i} must be a 32-bit integer, got {array[i]?.ToJsonString() ?? "null"}.");
        }
        return indices;
    }

    /// <summary>Mean/std lists as the references hold them: Python doubles rounded to float32.</summary>
    private static NormalizationConstants Constants(JsonObject @params, string meanKey, string stdKey)
    {
        float[] mean = Triple(@params, meanKey), std = Triple(@params, stdKey);
        return new NormalizationConstants(mean[0], mean[1], mean[2], std[0], std[1], std[2]);
    }

    private static float[] Triple(JsonObject @params, string key)
    {
        if (@params[key] is not JsonArray { Count: 3 } array)
            throw PlanException.Config($"'{key}' must list 3 channel values, got {@params[key]?.ToJsonString() ?? "nothing"}.");
        var values = new float[3];
        for (int c = 0; c < 3; c++)
        {
            if (array[c] is not JsonValue v || !v.TryGetValue(out JsonElement e) || e.ValueKind != JsonValueKind.Number)
                throw PlanException.Config($"'{key}' entry {c} must be a number, got {array[c]?.ToJsonString() ?? "null"}.");
            values[c] = (float)e.GetDouble();
        }
        return values;
    }

    /// <summary>True for the string "1/255" or the number 1/255 (the only rescale the kernels implement).</summary>
    private static bool IsOneOver255(JsonNode node) =>
        node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!.Replace(" ", "", StringComparison.Ordinal) == "1/255",
            JsonValueKind.Number => e.GetDouble() == 1.0 / 255.0,
            _ => false,
        };

    /// <summary>Pillow's filter names (<c>Image.Resampling</c> members).</summary>
    internal static ResampleFilter ParseFilter(string name) => name switch
    {
        "NEAREST" => ResampleFilter.Nearest,
        "BOX" => ResampleFilter.Box,
        "BILINEAR" => ResampleFilter.Bilinear,
        "HAMMING" => ResampleFilter.Hamming,
        "BICUBIC" => ResampleFilter.Bicubic,
        "LANCZOS" => ResampleFilter.Lanczos,
        _ => throw PlanException.Config($"unknown filter '{name}'; known: NEAREST, BOX, BILINEAR, HAMMING, BICUBIC, LANCZOS."),
    };

    /// <summary>The image under <paramref name="file"/> loaded with <paramref name="preset"/>, reusing the last load.</summary>
    private DecodedImage Load(string file, LoaderPreset preset)
    {
        if (file.Length == 0 || Path.GetFileName(file) != file || file is "." or "..")
            throw new ArgumentException($"'image' must be a file name inside the images directory, got '{file}'.");
        if (_decoded.TryGetValue(preset, out var cached) && cached.File == file)
            return cached.Image;
        _decoded.Remove(preset); // release the previous image before decoding the next
        DecodedImage image = ImageLoader.Load(Path.Combine(_images, file), preset);
        _decoded[preset] = (file, image);
        return image;
    }

    private Span<float> Tensor(int length)
    {
        if (_tensor.Length < length)
            _tensor = GC.AllocateUninitializedArray<float>(length);
        _tensorLength = length;
        return _tensor.AsSpan(0, length);
    }

    private static ReadOnlySpan<byte> Rgb(DecodedImage image) => image.Pixels.AsSpan(0, image.Width * image.Height * 3);

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>SHA-256 of the <paramref name="size"/>² tile at (<paramref name="left"/>, <paramref name="top"/>) of a packed RGB canvas.</summary>
    private static string TileSha256(ReadOnlySpan<byte> canvas, int canvasWidth, int left, int top, int size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int stride = canvasWidth * 3;
        for (int y = top; y < top + size; y++)
            hash.AppendData(canvas.Slice(y * stride + left * 3, size * 3));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

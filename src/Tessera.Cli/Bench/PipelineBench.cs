using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Pipelines;
using Tessera.Planning;

namespace Tessera.Cli.Bench;

/// <summary>
/// <c>tessera bench pipelines --pipeline qwen2vl|internvl [--runs N] [--warmup N] IMAGE...</c>: on the calling thread only,
/// times per image (a) decoding — <see cref="ImageLoader.Load(ReadOnlySpan{byte}, LoaderPreset, DecodeLimits)"/> with
/// <see cref="LoaderPreset.TransformersLoadImage"/> from bytes already in memory, so the file read is not timed — and
/// (b) preprocessing — everything from the decoded pixels to the filled output tensor, with the output buffer and the
/// workspace allocated before timing. Each figure is the median of <c>--runs</c> timed calls after <c>--warmup</c>
/// untimed ones. Limits are the ones the Python baseline used: Qwen2-VL processor defaults (min_pixels 3136,
/// max_pixels 1 003 520) and the InternVL model card (448-px tiles, max_num 12, thumbnail).
/// </summary>
/// <remarks>
/// Besides the times it reports the bytes one steady-state preprocess call allocates on this thread (expected 0) and
/// <c>floor_ms</c>: the median time of filling the same output buffer with a constant, the memory-bandwidth floor no
/// preprocessing of that output can beat.
/// </remarks>
internal static class PipelineBench
{
    /// <summary>Timed runs when <c>--runs</c> is absent (the transformers.js peer's count).</summary>
    internal const int DefaultRuns = 7;

    /// <summary>Untimed runs before timing when <c>--warmup</c> is absent.</summary>
    internal const int DefaultWarmup = 2;

    internal const string Usage = """
        usage: tessera bench pipelines --pipeline qwen2vl|internvl [--runs N] [--warmup N] IMAGE...
          single-threaded; per image the median of N runs (default 7) after the warm-up runs (default 2) of
            decode_ms      ImageLoader.Load(bytes, TransformersLoadImage) from bytes already in memory (no file I/O)
            preprocess_ms  decoded pixels -> filled output tensor (buffer and workspace allocated beforehand)
            floor_ms       Span<float>.Fill over the same output buffer (memory-bandwidth floor)
          allocated_bytes is what one steady-state preprocess call allocates on this thread (expected 0).
          limits: qwen2vl min_pixels 3136, max_pixels 1003520; internvl image_size 448, max_num 12, thumbnail.
        """;

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Runs the benchmark with <paramref name="args"/> (everything after <c>bench pipelines</c>); returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string pipeline;
        int runs, warmup;
        List<string> images;
        try
        {
            (pipeline, runs, warmup, images) = Parse(args);
        }
        catch (UsageException e)
        {
            error.WriteLine($"tessera bench pipelines: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }

        var encoded = new List<byte[]>(images.Count);
        foreach (string image in images)
        {
            try
            {
                encoded.Add(File.ReadAllBytes(image));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"tessera bench pipelines: cannot read {image}: {e.Message}");
                return 2;
            }
        }

        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("results");
            for (int i = 0; i < images.Count; i++)
            {
                Result result;
                try
                {
                    result = Measure(encoded[i], pipeline, runs, warmup);
                }
                catch (ImageDecodeException e)
                {
                    error.WriteLine($"tessera bench pipelines: cannot decode {images[i]}: {e.Message}");
                    return 2;
                }
                json.WriteStartObject();
                json.WriteString("image", images[i]);
                json.WriteNumber("width", result.Width);
                json.WriteNumber("height", result.Height);
                json.WriteString("pipeline", pipeline);
                json.WriteNumber("decode_ms", Math.Round(result.DecodeMs, 3));
                json.WriteNumber("preprocess_ms", Math.Round(result.PreprocessMs, 3));
                json.WriteNumber("allocated_bytes", result.AllocatedBytes);
                json.WriteNumber("floor_ms", Math.Round(result.FloorMs, 3));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        return 0;
    }

    private readonly record struct Result(int Width, int Height, double DecodeMs, double PreprocessMs, long AllocatedBytes, double FloorMs);

    private static (string Pipeline, int Runs, int Warmup, List<string> Images) Parse(IReadOnlyList<string> args)
    {
        string? pipeline = null;
        int runs = DefaultRuns, warmup = DefaultWarmup;
        var images = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--pipeline":
                    pipeline = Value(args, ref i);
                    if (pipeline is not ("qwen2vl" or "internvl"))
                        throw new UsageException($"--pipeline must be qwen2vl or internvl, not '{pipeline}'.");
                    break;
                case "--runs":
                    runs = Count(args, ref i, minimum: 1);
                    break;
                case "--warmup":
                    warmup = Count(args, ref i, minimum: 0);
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                        throw new UsageException($"unknown option '{arg}'.");
                    images.Add(arg);
                    break;
            }
        }
        if (pipeline is null) throw new UsageException("--pipeline qwen2vl|internvl is required.");
        if (images.Count == 0) throw new UsageException("no IMAGE given.");
        return (pipeline, runs, warmup, images);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count) throw new UsageException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int Count(IReadOnlyList<string> args, ref int i, int minimum)
    {
        string option = args[i];
        string text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new UsageException($"{option} needs a whole number of at least {minimum}, not '{text}'.");
        return value;
    }

    private static Result Measure(byte[] encoded, string pipeline, int runs, int warmup)
    {
        var times = new double[runs];

        // (a) Decode, from the bytes in memory.
        DecodedImage image = ImageLoader.Load(encoded, LoaderPreset.TransformersLoadImage);
        for (int i = 0; i < warmup; i++) ImageLoader.Load(encoded, LoaderPreset.TransformersLoadImage);
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ImageLoader.Load(encoded, LoaderPreset.TransformersLoadImage);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double decodeMs = Median(times);

        // (b) Preprocess, into a buffer and workspace that exist before timing starts.
        var workspace = new PipelineWorkspace();
        float[] destination;
        Action<float[]> run;
        if (pipeline == "qwen2vl")
        {
            var qwen = new Qwen2VLPipeline(QwenVisionOptions.ProcessorDefaults);
            destination = new float[qwen.GetOutputLength(qwen.Plan(image.Width, image.Height))];
            run = d => qwen.Run(image.View, d, workspace);
        }
        else
        {
            var internvl = new InternVLPipeline(InternVLOptions.ModelCard);
            destination = new float[internvl.GetOutputLength(internvl.Plan(image.Width, image.Height))];
            run = d => internvl.Run(image.View, d, workspace);
        }
        run(destination); // grows the workspace, whatever --warmup says
        for (int i = 0; i < warmup; i++) run(destination);
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run(destination);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double preprocessMs = Median(times);

        long before = GC.GetAllocatedBytesForCurrentThread();
        run(destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Floor: one sequential write of the whole output buffer.
        for (int i = 0; i < Math.Max(warmup, 1); i++) destination.AsSpan().Fill(1f);
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            destination.AsSpan().Fill(i);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double floorMs = Median(times);

        return new Result(image.Width, image.Height, decodeMs, preprocessMs, allocated, floorMs);
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Imaging.Tensors;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// The full float32 tensors in golden/pixels/tensors are inverted back to their uint8 images (every output value
/// belongs to exactly one byte), the images are checked against the golden intermediate hashes, and the kernels
/// must reproduce the whole tensors bit for bit from them.
/// </summary>
public class TensorGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(Paths.Golden("pixels", "tensors"), "*_pixel_values.npy").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            int split = name.LastIndexOf("__", StringComparison.Ordinal);
            data.Add(name[..split], name[(split + 2)..^"_pixel_values.npy".Length]);
        }
        return data;
    }

    /// <summary>The pipelines.jsonl line for this image stem and pipeline.</summary>
    private static JsonElement Golden(string stem, string pipeline)
    {
        foreach (string line in File.ReadLines(Paths.Golden("pixels", "pipelines.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.GetProperty("pipeline").GetString() == pipeline
                && Path.GetFileNameWithoutExtension(root.GetProperty("image").GetString()) == stem)
                return root.Clone();
        }
        throw new InvalidOperationException($"No {pipeline} line for {stem} in pipelines.jsonl.");
    }

    private static NormalizationConstants Constants(JsonElement @params, string meanKey, string stdKey)
    {
        float[] mean = @params.GetProperty(meanKey).EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        float[] std = @params.GetProperty(stdKey).EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        return new NormalizationConstants(mean[0], mean[1], mean[2], std[0], std[1], std[2]);
    }

    /// <summary>Per channel: output bits → the byte that produces them; asserts the map is one-to-one.</summary>
    private static Dictionary<uint, byte>[] Inverse(in NormalizationConstants c)
    {
        var maps = new Dictionary<uint, byte>[3];
        for (int ch = 0; ch < 3; ch++)
        {
            maps[ch] = new Dictionary<uint, byte>();
            for (int x = 0; x < 256; x++)
                Assert.True(maps[ch].TryAdd(BitConverter.SingleToUInt32Bits(TensorReference.Normalize((byte)x, ch, c)), (byte)x),
                    $"Channel {ch}: byte {x} normalises to the same float32 as another byte.");
        }
        return maps;
    }

    private static byte Recover(Dictionary<uint, byte>[] inverse, int channel, float value)
    {
        Assert.True(inverse[channel].TryGetValue(BitConverter.SingleToUInt32Bits(value), out byte b),
            $"Golden value {value:R} in channel {channel} is not the normalisation of any byte.");
        return b;
    }

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertMoments(ReadOnlySpan<float> tensor, int blockLength, JsonElement expected)
    {
        Span<double> sum = stackalloc double[3], sumSq = stackalloc double[3];
        ChannelMoments.Compute(tensor, blockLength, sum, sumSq);
        double[] wantSum = Doubles(expected.GetProperty("channel_sum")), wantSq = Doubles(expected.GetProperty("channel_sumsq"));
        for (int c = 0; c < 3; c++)
        {
            // Tolerance from golden/README.md: channel sums are compared with a relative tolerance of 1e-9.
            Assert.True(Math.Abs(sum[c] - wantSum[c]) <= 1e-9 * Math.Abs(wantSum[c]), $"channel_sum[{c}] {sum[c]:R} vs {wantSum[c]:R}");
            Assert.True(Math.Abs(sumSq[c] - wantSq[c]) <= 1e-9 * Math.Abs(wantSq[c]), $"channel_sumsq[{c}] {sumSq[c]:R} vs {wantSq[c]:R}");
        }
    }

    private static void AssertSamples(float[] tensor, JsonElement golden)
    {
        int[] indices = golden.GetProperty("sample_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] values = golden.GetProperty("expected").GetProperty("sample_values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        Assert.Equal(values.Select(BitConverter.SingleToUInt32Bits), indices.Select(i => BitConverter.SingleToUInt32Bits(tensor[i])));
    }

    private static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int first = Enumerable.Range(0, expected.Length)
            .FirstOrDefault(i => BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i]), -1);
        Assert.True(first < 0, first < 0 ? "" : $"Element {first}: golden {expected[first]:R}, kernel {actual[first]:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenTensorsAreReproducedFromTheirRecoveredImages(string stem, string pipeline)
    {
        TensorNpy npy = TensorNpy.ReadFloat32(Paths.Golden("pixels", "tensors", $"{stem}__{pipeline}_pixel_values.npy"));
        JsonElement golden = Golden(stem, pipeline);
        JsonElement expected = golden.GetProperty("expected"), @params = golden.GetProperty("params"), plan = expected.GetProperty("plan");
        Assert.Equal(expected.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()), npy.Shape);
        switch (pipeline)
        {
            case "qwen2vl":
                CheckQwen(npy, expected, @params, plan, golden);
                break;
            case "internvl":
                CheckInternVl(npy, expected, @params, plan, golden);
                break;
            default:
                throw new InvalidOperationException($"Unknown pipeline {pipeline}.");
        }
    }

    private static void CheckQwen(TensorNpy npy, JsonElement expected, JsonElement @params, JsonElement plan, JsonElement golden)
    {
        int p = @params.GetProperty("patch_size").GetInt32(), m = @params.GetProperty("merge_size").GetInt32();
        int tp = @params.GetProperty("temporal_patch_size").GetInt32();
        int height = plan.GetProperty("resized_hw")[0].GetInt32(), width = plan.GetProperty("resized_hw")[1].GetInt32();
        NormalizationConstants c = Constants(@params, "image_mean", "image_std");
        Assert.Equal(NormalizationConstants.OpenAiClip, c);
        Dictionary<uint, byte>[] inverse = Inverse(c);

        // Invert with the §5.1 index formula (independent of the kernel), reading every temporal copy.
        int gw = width / p, cols = 3 * tp * p * p;
        Assert.Equal(new[] { (height / p) * gw, cols }, npy.Shape);
        var image = new byte[3 * width * height];
        var seen = new bool[image.Length];
        for (int row = 0; row < npy.Shape[0]; row++)
        {
            int mw = row % m, mh = row / m % m, block = row / (m * m), bw = block % (gw / m), bh = block / (gw / m);
            for (int col = 0; col < cols; col++)
            {
                int px = col % p, py = col / p % p, ch = col / (p * p * tp);
                int x = (bw * m + mw) * p + px, y = (bh * m + mh) * p + py, at = (y * width + x) * 3 + ch;
                byte b = Recover(inverse, ch, npy.Data[row * cols + col]);
                if (seen[at]) Assert.Equal(image[at], b); // the temporal copies agree
                image[at] = b;
                seen[at] = true;
            }
        }
        Assert.All(seen, Assert.True);
        Assert.Equal(expected.GetProperty("intermediate_sha256").GetProperty("resized_uint8_hwc").GetString(), Sha256(image));

        foreach (KernelPath path in Enum.GetValues<KernelPath>())
        {
            NormalizeKernels.Path = path;
            try
            {
                var output = new float[PixelTensors.GetQwenPatchBufferLength(width, height, p, m, tp)];
                PixelTensors.WriteQwenPatches(image, width, height, p, m, tp, c, output);
                AssertBitIdentical(npy.Data, output);
                AssertSamples(output, golden);
                AssertMoments(output, tp * p * p, expected);
            }
            finally { NormalizeKernels.Path = KernelPath.Auto; }
        }
        AssertMoments(npy.Data, tp * p * p, expected);
    }

    private static void CheckInternVl(TensorNpy npy, JsonElement expected, JsonElement @params, JsonElement plan, JsonElement golden)
    {
        int size = @params.GetProperty("image_size").GetInt32();
        int cols = plan.GetProperty("target_ratio_cols_rows")[0].GetInt32(), rows = plan.GetProperty("target_ratio_cols_rows")[1].GetInt32();
        int tiles = cols * rows, images = plan.GetProperty("num_tiles").GetInt32();
        bool thumbnail = plan.GetProperty("thumbnail").GetBoolean();
        Assert.Equal(tiles + (thumbnail ? 1 : 0), images);
        Assert.Equal(new[] { images, 3, size, size }, npy.Shape);
        NormalizationConstants c = Constants(@params, "mean", "std");
        Assert.Equal(NormalizationConstants.ImageNet, c);
        Dictionary<uint, byte>[] inverse = Inverse(c);

        // Recover each image of the stack as HWC bytes; tiles go back into the resized canvas.
        int plane = size * size, width = cols * size, height = rows * size;
        var canvas = new byte[3 * width * height];
        var thumb = new byte[3 * plane];
        string[] tileHashes = expected.GetProperty("intermediate_sha256").GetProperty("tiles_uint8").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(tiles, tileHashes.Length);
        for (int k = 0; k < images; k++)
        {
            var hwc = new byte[3 * plane];
            for (int ch = 0; ch < 3; ch++)
                for (int i = 0; i < plane; i++)
                    hwc[3 * i + ch] = Recover(inverse, ch, npy.Data[(k * 3 + ch) * plane + i]);
            if (k == tiles)
            {
                hwc.CopyTo(thumb, 0);
                continue;
            }
            Assert.Equal(tileHashes[k], Sha256(hwc));
            int x0 = k % cols * size, y0 = k / cols * size;
            for (int y = 0; y < size; y++)
                hwc.AsSpan(3 * y * size, 3 * size).CopyTo(canvas.AsSpan(3 * ((y0 + y) * width + x0)));
        }
        Assert.Equal(expected.GetProperty("intermediate_sha256").GetProperty("resized_uint8").GetString(), Sha256(canvas));

        foreach (KernelPath path in Enum.GetValues<KernelPath>())
        {
            NormalizeKernels.Path = path;
            try
            {
                var output = new float[images * 3 * plane];
                PixelTensors.NormalizeTilesToChw(canvas, width, height, 3 * width, size, c, output.AsSpan(0, tiles * 3 * plane));
                if (thumbnail) PixelTensors.NormalizeToChw(thumb, size, size, 3 * size, c, output.AsSpan(tiles * 3 * plane));
                AssertBitIdentical(npy.Data, output);
                AssertSamples(output, golden);
                AssertMoments(output, plane, expected);
            }
            finally { NormalizeKernels.Path = KernelPath.Auto; }
        }
        AssertMoments(npy.Data, plane, expected);
    }

    // golden/README.md: "full float32 outputs for three small images", each through qwen2vl and internvl.
    [Fact]
    public void AllSixGoldenTensorsAreCovered() => Assert.Equal(6, Cases().Count);
}

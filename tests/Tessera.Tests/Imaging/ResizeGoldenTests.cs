using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// golden/pixels/resize.jsonl on the scalar kernels, and the ten Pillow outputs in golden/pixels/resize_samples byte
/// for byte. Every resize line on the default kernels (SIMD where the CPU has it; scalar under
/// <c>DOTNET_EnableHWIntrinsic=0</c>) runs through the <c>conform pixels</c> path in <see cref="PixelGoldenTests"/>.
/// </summary>
/// <remarks>
/// To keep the suite fast, the forced-scalar pass here takes every line of the images up to
/// <see cref="ScalarAllLinesMaxSourcePixels"/> and, for the two larger sources (16.8 and 17.9 MP), the lines whose output
/// is at most 224×224 (every filter, with the widest kernels: heavy downscaling reads the whole source). Where the
/// default kernels are the scalar ones, only those small-output lines run here.
/// </remarks>
public sealed class ResizeGoldenTests
{
    private const long ScalarAllLinesMaxSourcePixels = 4_000_000;
    private const long ScalarLargeSourceMaxOutputPixels = 224 * 224;

    private sealed record Line(string Image, string Filter, int Width, int Height, string Sha256);

    private static readonly Lazy<List<Line>> Lines = new(() =>
        File.ReadLines(Paths.Golden("pixels", "resize.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l =>
            {
                using JsonDocument doc = JsonDocument.Parse(l);
                JsonElement r = doc.RootElement;
                return new Line(r.GetProperty("image").GetString()!, r.GetProperty("filter").GetString()!,
                    r.GetProperty("width").GetInt32(), r.GetProperty("height").GetInt32(),
                    r.GetProperty("expected").GetProperty("sha256_rgb").GetString()!);
            })
            .ToList());

    public static TheoryData<string> Images()
    {
        var data = new TheoryData<string>();
        foreach (string image in Lines.Value.Select(l => l.Image).Distinct().Order(StringComparer.Ordinal))
            data.Add(image);
        return data;
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Golden_resizes_of_the_image_match_Pillow_on_the_scalar_kernels(string image)
    {
        DecodedImage decoded = ImageLoader.Load(Paths.Corpus(image), LoaderPreset.TransformersLoadImage);
        // Without AVX2 (or under DOTNET_EnableHWIntrinsic=0) PixelGoldenTests already ran every line on these kernels.
        bool allLines = ResampleKernels.SimdAvailable && (long)decoded.Width * decoded.Height <= ScalarAllLinesMaxSourcePixels;
        var workspace = new ResizeWorkspace();
        var failures = new List<string>();
        int compared = 0;
        foreach (Line line in Lines.Value.Where(l => l.Image == image))
        {
            if (!allLines && (long)line.Width * line.Height > ScalarLargeSourceMaxOutputPixels)
                continue;
            byte[] dst = new byte[PillowResize.DestinationLength(line.Width, line.Height)];
            PillowResize.Resize(decoded.View, dst, line.Width, line.Height, ResampleFixtureTests.ParseFilter(line.Filter),
                ResizeBox.Whole(decoded.Width, decoded.Height), workspace, useSimd: false);
            compared++;
            string got = Convert.ToHexStringLower(SHA256.HashData(dst));
            if (got != line.Sha256)
                failures.Add($"{line.Filter} → {line.Width}×{line.Height}");
        }

        Assert.True(compared >= 12, $"{image}: only {compared} lines compared"); // every image has 6 filters × (1×1, 224×224) at least
        Assert.True(failures.Count == 0, $"{image}: {failures.Count} of {compared} differ on the scalar kernels:\n" + string.Join("\n", failures));
    }

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Paths.Golden("pixels", "resize_samples"), "*.png").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Resize_samples_are_reproduced_byte_for_byte(string sample)
    {
        // Name: <corpus stem>__<FILTER>__<W>x<H>.png
        string[] parts = Path.GetFileNameWithoutExtension(sample).Split("__");
        string stem = parts[0];
        ResampleFilter filter = ResampleFixtureTests.ParseFilter(parts[1]);
        int[] size = parts[2].Split('x').Select(int.Parse).ToArray();
        string corpusFile = Lines.Value.Select(l => l.Image).Distinct().Single(f => Path.GetFileNameWithoutExtension(f) == stem);

        DecodedImage source = ImageLoader.Load(Paths.Corpus(corpusFile), LoaderPreset.TransformersLoadImage);
        DecodedImage expected = ImageLoader.Load(Paths.Golden("pixels", "resize_samples", sample), LoaderPreset.TransformersLoadImage);
        Assert.Equal(size[0], expected.Width);
        Assert.Equal(size[1], expected.Height);
        byte[] dst = new byte[PillowResize.DestinationLength(size[0], size[1])];
        PillowResize.Resize(source.View, dst, size[0], size[1], filter, new ResizeWorkspace());
        byte[] want = new byte[dst.Length];
        PillowResize.Resize(expected.View, want, size[0], size[1], ResampleFilter.Nearest, new ResizeWorkspace()); // same size: RGB copy
        int firstDiff = dst.AsSpan().IndexOfAnyExcept(want);
        Assert.True(firstDiff < 0, $"{sample}: first difference at byte {firstDiff}");
    }
}

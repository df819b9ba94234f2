using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>The PNG decoder against Pillow: the corpus goldens and the hand-made fixtures of every PNG layout.</summary>
public class PngConformanceTests
{
    private static IEnumerable<JsonElement> Lines(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    public static TheoryData<string> GoldenPngLines()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement line in Lines(Paths.Golden("pixels", "decode.jsonl")))
        {
            if (line.GetProperty("op").GetString() == "decode" && line.GetProperty("image").GetString()!.EndsWith(".png", StringComparison.Ordinal))
                data.Add(line.GetRawText());
        }
        return data;
    }

    public static TheoryData<string> FixtureLines()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement line in Lines(Paths.Fixture("png", "expected.jsonl")))
            data.Add(line.GetRawText());
        return data;
    }

    /// <summary>The RGB bytes Pillow's convert("RGB") gives: RGBA loses its alpha.</summary>
    internal static byte[] RgbBytes(DecodedImage image)
    {
        if (image.Format == PixelFormat.Rgb24)
            return image.Pixels.AsSpan(0, image.Width * image.Height * 3).ToArray();
        Assert.Equal(PixelFormat.Rgba32, image.Format);
        int n = image.Width * image.Height;
        var rgb = new byte[n * 3];
        for (int i = 0; i < n; i++)
        {
            rgb[3 * i] = image.Pixels[4 * i];
            rgb[3 * i + 1] = image.Pixels[4 * i + 1];
            rgb[3 * i + 2] = image.Pixels[4 * i + 2];
        }
        return rgb;
    }

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void The_goldens_hold_png_lines() => Assert.NotEmpty(GoldenPngLines());

    [Theory]
    [MemberData(nameof(GoldenPngLines))]
    public void Corpus_png_decodes_like_pillow(string json)
    {
        JsonElement line = JsonDocument.Parse(json).RootElement;
        JsonElement expected = line.GetProperty("expected");
        byte[] file = File.ReadAllBytes(Paths.Corpus(line.GetProperty("image").GetString()!));

        DecodedImage image = PngDecoder.Decode(file);

        // decode goldens apply the EXIF orientation; none of the corpus PNGs carries one, which this asserts.
        Assert.Equal(1, image.ExifOrientation);
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("sha256_rgb").GetString(), Sha256(RgbBytes(image)));
    }

    [Theory]
    [MemberData(nameof(FixtureLines))]
    public void Fixture_decodes_like_pillow(string json)
    {
        JsonElement line = JsonDocument.Parse(json).RootElement;
        byte[] file = PngTestFiles.Fixture(line.GetProperty("file").GetString()!);
        SourceMode mode = line.GetProperty("mode").GetString() switch
        {
            "1" => SourceMode.Bilevel,
            "L" => SourceMode.L,
            "LA" => SourceMode.LA,
            "P" => SourceMode.P,
            "RGB" => SourceMode.Rgb,
            "RGBA" => SourceMode.Rgba,
            "I" or "I;16" => SourceMode.I16,
            var m => throw new InvalidDataException($"Unexpected Pillow mode {m}."),
        };
        int width = line.GetProperty("width").GetInt32();
        int height = line.GetProperty("height").GetInt32();
        int orientation = line.GetProperty("exif_orientation").GetInt32();

        PngHeader header = PngDecoder.ReadHeader(file);
        Assert.Equal((width, height, mode, orientation), (header.Width, header.Height, header.SourceMode, header.ExifOrientation));

        DecodedImage image = PngDecoder.Decode(file);
        Assert.Equal((width, height, mode, orientation), (image.Width, image.Height, image.SourceMode, image.ExifOrientation));
        Assert.Equal(mode == SourceMode.Rgba ? PixelFormat.Rgba32 : PixelFormat.Rgb24, image.Format);
        Assert.Equal(line.GetProperty("sha256_rgb").GetString(), Sha256(RgbBytes(image)));
        if (line.TryGetProperty("sha256_rgba", out JsonElement rgba))
            Assert.Equal(rgba.GetString(), Sha256(image.Pixels.AsSpan(0, width * height * 4)));
    }

    [Fact]
    public void Fixtures_cover_every_colour_type_and_bit_depth()
    {
        var seen = new HashSet<(PngColorType, byte, bool)>();
        foreach (JsonElement line in Lines(Paths.Fixture("png", "expected.jsonl")))
        {
            PngHeader h = PngDecoder.ReadHeader(PngTestFiles.Fixture(line.GetProperty("file").GetString()!));
            seen.Add((h.ColorType, h.BitDepth, h.Interlaced));
        }
        (PngColorType, byte[])[] all =
        [
            (PngColorType.Gray, [1, 2, 4, 8, 16]), (PngColorType.Rgb, [8, 16]), (PngColorType.Palette, [1, 2, 4, 8]),
            (PngColorType.GrayAlpha, [8, 16]), (PngColorType.Rgba, [8, 16]),
        ];
        foreach ((PngColorType type, byte[] depths) in all)
        {
            foreach (byte depth in depths)
            {
                Assert.Contains((type, depth, false), seen);
                Assert.Contains((type, depth, true), seen);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Golden and fixture lines the JPEG / WebP / loader tests read.</summary>
internal static class CodecTestData
{
    /// <summary>The decode.jsonl lines whose image is a JPEG or WebP, keyed by file name.</summary>
    public static IReadOnlyDictionary<string, JsonElement> DecodeGolden { get; } =
        File.ReadLines(Paths.Golden("pixels", "decode.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("op").GetString() == "decode" && IsJpegOrWebP(e.GetProperty("image").GetString()!))
            .ToDictionary(e => e.GetProperty("image").GetString()!);

    /// <summary>tests/fixtures/exif/expected.jsonl, written by make_fixtures.py with Pillow.</summary>
    public static IReadOnlyList<JsonElement> ExifFixtures { get; } =
        File.ReadLines(Paths.Fixture("exif", "expected.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();

    /// <summary>The corpus MANIFEST.json entries, keyed by file name.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Manifest { get; } =
        JsonDocument.Parse(File.ReadAllText(Paths.Corpus("MANIFEST.json"))).RootElement.GetProperty("files")
            .EnumerateArray().ToDictionary(e => e.GetProperty("file").GetString()!);

    /// <summary>Pillow's name for a mode.</summary>
    public static string PillowModeName(SourceMode mode) => mode switch
    {
        SourceMode.Rgb => "RGB",
        SourceMode.Rgba => "RGBA",
        SourceMode.L => "L",
        SourceMode.Cmyk => "CMYK",
        SourceMode.LA => "LA",
        SourceMode.P => "P",
        SourceMode.PA => "PA",
        SourceMode.Bilevel => "1",
        _ => mode.ToString(),
    };

    public static TheoryData<string> DecodeGoldenImages()
    {
        var data = new TheoryData<string>();
        foreach (string image in DecodeGolden.Keys.Order(StringComparer.Ordinal))
            data.Add(image);
        return data;
    }

    public static TheoryData<string, string> ExifFixtureCases()
    {
        var data = new TheoryData<string, string>();
        foreach (JsonElement line in ExifFixtures)
            data.Add(line.GetProperty("file").GetString()!, line.GetProperty("preset").GetString()!);
        return data;
    }

    public static JsonElement ExifFixture(string file, string preset) =>
        ExifFixtures.Single(e => e.GetProperty("file").GetString() == file && e.GetProperty("preset").GetString() == preset);

    public static LoaderPreset PresetOf(string name) => name switch
    {
        "transformers" => LoaderPreset.TransformersLoadImage,
        "internvl" => LoaderPreset.InternVLModelCard,
        "qwen_vl_utils" => LoaderPreset.QwenVlUtils,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown preset in expected.jsonl."),
    };

    /// <summary>SHA-256 (lower-case hex) of the image's packed RGB bytes, as the goldens hash them.</summary>
    public static string RgbHash(DecodedImage image)
    {
        if (image.Format != PixelFormat.Rgb24)
            throw new InvalidOperationException($"Expected an Rgb24 image, got {image.Format}.");
        return Convert.ToHexStringLower(SHA256.HashData(image.Pixels.AsSpan(0, image.Width * image.Height * 3)));
    }

    private static bool IsJpegOrWebP(string file) =>
        file.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".webp", StringComparison.OrdinalIgnoreCase);
}

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
/// Every case of tests/fixtures/resize/cases.jsonl (made by make_resize_fixtures.py with Pillow 9.4): the SHA-256 of
/// <c>convert("RGB").resize((w, h), filter, box=box)</c> on small synthetic RGB, L and RGBA images, through both the
/// SIMD and the scalar kernels, and through every source layout that holds the same RGB.
/// </summary>
public sealed class ResampleFixtureTests
{
    internal sealed record FixtureImage(string Name, string Mode, int Width, int Height, byte[] Pixels);

    internal sealed record FixtureCase(string Image, string Filter, int Width, int Height, float[]? Box, string Sha256);

    private static readonly Lazy<Dictionary<string, FixtureImage>> ImagesLazy = new(LoadImages);
    private static readonly Lazy<List<FixtureCase>> CasesLazy = new(LoadCases);

    internal static Dictionary<string, FixtureImage> Images => ImagesLazy.Value;

    internal static List<FixtureCase> Cases => CasesLazy.Value;

    private static Dictionary<string, FixtureImage> LoadImages()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Paths.Fixture("resize", "images.json")));
        var images = new Dictionary<string, FixtureImage>();
        foreach (JsonProperty p in doc.RootElement.EnumerateObject())
        {
            byte[] pixels = File.ReadAllBytes(Paths.Fixture("resize", "images", p.Name + ".raw"));
            images[p.Name] = new FixtureImage(p.Name, p.Value.GetProperty("mode").GetString()!,
                p.Value.GetProperty("width").GetInt32(), p.Value.GetProperty("height").GetInt32(), pixels);
        }

        return images;
    }

    private static List<FixtureCase> LoadCases()
    {
        var cases = new List<FixtureCase>();
        foreach (string line in File.ReadLines(Paths.Fixture("resize", "cases.jsonl")))
        {
            if (line.Length == 0)
                continue;
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            JsonElement box = r.GetProperty("box");
            cases.Add(new FixtureCase(r.GetProperty("image").GetString()!, r.GetProperty("filter").GetString()!,
                r.GetProperty("width").GetInt32(), r.GetProperty("height").GetInt32(),
                box.ValueKind == JsonValueKind.Null ? null : box.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
                r.GetProperty("sha256").GetString()!));
        }

        return cases;
    }

    internal static ResampleFilter ParseFilter(string name) => name switch
    {
        "NEAREST" => ResampleFilter.Nearest,
        "LANCZOS" => ResampleFilter.Lanczos,
        "BILINEAR" => ResampleFilter.Bilinear,
        "BICUBIC" => ResampleFilter.Bicubic,
        "BOX" => ResampleFilter.Box,
        "HAMMING" => ResampleFilter.Hamming,
        _ => throw new ArgumentException(name),
    };

    /// <summary>The layouts a fixture image can be presented in: its own, plus equivalent re-packings.</summary>
    internal static IEnumerable<(string Label, byte[] Data, int Stride, PixelFormat Format)> Layouts(FixtureImage image)
    {
        int w = image.Width, h = image.Height;
        switch (image.Mode)
        {
            case "RGB":
                yield return ("Rgb24", image.Pixels, w * 3, PixelFormat.Rgb24);
                // Padded stride: rows 5 bytes apart more than needed, padding filled with junk.
                int padded = w * 3 + 5;
                byte[] p = new byte[padded * h];
                Array.Fill(p, (byte)0xA5);
                for (int y = 0; y < h; y++)
                    image.Pixels.AsSpan(y * w * 3, w * 3).CopyTo(p.AsSpan(y * padded));
                yield return ("Rgb24+stride", p, padded, PixelFormat.Rgb24);
                break;
            case "L":
                yield return ("Gray8", image.Pixels, w, PixelFormat.Gray8);
                break;
            case "RGBA":
                yield return ("Rgba32", image.Pixels, w * 4, PixelFormat.Rgba32);
                byte[] bgra = (byte[])image.Pixels.Clone();
                for (int i = 0; i < bgra.Length; i += 4)
                    (bgra[i], bgra[i + 2]) = (bgra[i + 2], bgra[i]);
                yield return ("Bgra32", bgra, w * 4, PixelFormat.Bgra32);
                break;
            default:
                throw new InvalidDataException(image.Mode);
        }
    }

    public static TheoryData<string> ImageNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Images.Keys.Order(StringComparer.Ordinal))
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ImageNames))]
    public void Every_case_matches_Pillow_through_simd_and_scalar_kernels(string imageName)
    {
        FixtureImage image = Images[imageName];
        List<FixtureCase> cases = Cases.Where(c => c.Image == imageName).ToList();
        Assert.NotEmpty(cases);
        var workspace = new ResizeWorkspace();
        var failures = new List<string>();
        int compared = 0;
        foreach ((string label, byte[] data, int stride, PixelFormat format) in Layouts(image))
        {
            foreach (FixtureCase c in cases)
            {
                foreach (bool simd in new[] { true, false })
                {
                    var view = new ImageView(data, image.Width, image.Height, stride, format);
                    byte[] dst = new byte[c.Width * c.Height * 3];
                    ResizeBox box = c.Box is null ? ResizeBox.Whole(image.Width, image.Height) : new ResizeBox(c.Box[0], c.Box[1], c.Box[2], c.Box[3]);
                    PillowResize.Resize(view, dst, c.Width, c.Height, ParseFilter(c.Filter), box, workspace, simd);
                    string got = Convert.ToHexStringLower(SHA256.HashData(dst));
                    compared++;
                    if (got != c.Sha256)
                        failures.Add($"{label} {c.Filter} → {c.Width}×{c.Height} box {(c.Box is null ? "none" : string.Join(",", c.Box))} simd={simd}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} differ from Pillow:\n" + string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void Fixture_set_covers_every_filter_and_box_cases()
    {
        Assert.Equal(6, Cases.Select(c => c.Filter).Distinct().Count());
        Assert.Contains(Cases, c => c.Box is not null);
        Assert.Contains(Cases, c => c.Width == 1 && c.Height == 1);
        Assert.All(Cases, c => Assert.True(Images.ContainsKey(c.Image), c.Image));
    }
}

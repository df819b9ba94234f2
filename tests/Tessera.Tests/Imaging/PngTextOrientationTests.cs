using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>The orientation PNGs carry outside eXIf — "Raw profile type exif" text, a tEXt keyed "exif", XMP — against
/// Pillow 9.4's <c>exif_transpose(Image.open(f)).convert("RGB")</c> (tests/fixtures/png/text_orientation_expected.jsonl,
/// written by make_png_text_orientation_fixtures.py).</summary>
public class PngTextOrientationTests
{
    private static readonly Dictionary<string, JsonElement> Expected =
        File.ReadLines(Paths.Fixture("png", "text_orientation_expected.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("file").GetString()!);

    public static TheoryData<string> Files() => [.. Expected.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Files))]
    public void TransformersLoadImageMatchesPillow(string file)
    {
        JsonElement expected = Expected[file];

        DecodedImage loaded = ImageLoader.Load(Paths.Fixture("png", file), LoaderPreset.TransformersLoadImage);

        Assert.Equal(expected.GetProperty("width").GetInt32(), loaded.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), loaded.Height);
        Assert.Equal(expected.GetProperty("mode").GetString(), CodecTestData.PillowModeName(loaded.SourceMode));
        Assert.Equal(expected.GetProperty("sha256_rgb").GetString(), CodecTestData.RgbHash(loaded));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void IdentifyReadsTheOrientation(string file)
    {
        JsonElement expected = Expected[file];

        ImageInfo info = ImageLoader.Identify(Paths.Fixture("png", file));

        Assert.Equal(expected.GetProperty("exif_orientation").GetInt32(), info.ExifOrientation);
        Assert.Equal(expected.GetProperty("width").GetInt32(), info.OrientedWidth);
        Assert.Equal(expected.GetProperty("height").GetInt32(), info.OrientedHeight);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void HeaderAndDecodeReportTheSameOrientation(string file)
    {
        byte[] png = PngTestFiles.Fixture(file);
        int expected = Expected[file].GetProperty("exif_orientation").GetInt32();

        Assert.Equal(expected, PngDecoder.ReadHeader(png).ExifOrientation);
        Assert.Equal(expected, PngDecoder.Decode(png).ExifOrientation);
    }

    /// <summary>Pillow's <c>MAX_TEXT_CHUNK</c> is 1 MiB: a zTXt inflating to exactly 1 MiB is read, one byte more and
    /// Pillow refuses the file, where Tessera takes no orientation from the chunk (PngOrientationReader remarks; the
    /// boundary was checked against Python's <c>decompressobj().decompress(data, 1048576)</c>).</summary>
    [Theory]
    [InlineData(0, 6)]
    [InlineData(1, 1)]
    public void CompressedTextIsInflatedToOneMebibyteAtMost(int extra, int orientation)
    {
        byte[] tail = Encoding.ASCII.GetBytes("tiff:Orientation=\"6\"");
        byte[] xmp = new byte[PngOrientationReader.MaxInflatedText + extra];
        xmp.AsSpan().Fill((byte)' ');
        tail.CopyTo(xmp, xmp.Length - tail.Length);
        byte[] ztxt = PngTestFiles.Chunk("zTXt", PngTestFiles.Concat(Encoding.ASCII.GetBytes("XML:com.adobe.xmp\0\0"), PngTestFiles.Zlib(xmp)));

        byte[] png = PngTestFiles.Build(PngTestFiles.Ihdr(2, 1, 8, 0), [0, 1, 2], ztxt);

        Assert.Equal(orientation, PngDecoder.ReadHeader(png).ExifOrientation);
    }

    /// <summary>Text chunks with random payloads (valid CRCs, so the reader itself is fuzzed) under every keyword
    /// Tessera reads, as tEXt, zTXt and iTXt, before and after IDAT: always a header, an orientation 1–8, no throw.</summary>
    [Fact]
    public void RandomTextChunksNeverThrow()
    {
        string[] keys = ["exif", "Raw profile type exif", "XML:com.adobe.xmp"];
        byte[] seeds = PngTestFiles.Concat(Encoding.ASCII.GetBytes("\nexif\n  26\n457869660000"), PngTestFiles.Fixture("text_raw6_text.png"));
        var rng = new Random(20240612);
        for (int i = 0; i < 3000; i++)
        {
            string key = keys[rng.Next(keys.Length)];
            byte[] body = new byte[rng.Next(0, 200)];
            if (rng.Next(2) == 0)
                rng.NextBytes(body);
            else
                for (int k = 0; k < body.Length; k++)
                    body[k] = seeds[rng.Next(seeds.Length)];
            byte[] keyBytes = Encoding.ASCII.GetBytes(key + "\0");
            byte[] chunk = rng.Next(3) switch
            {
                0 => PngTestFiles.Chunk("tEXt", PngTestFiles.Concat(keyBytes, body)),
                1 => PngTestFiles.Chunk("zTXt", PngTestFiles.Concat(keyBytes, [0], rng.Next(2) == 0 ? body : PngTestFiles.Zlib(body))),
                _ => PngTestFiles.Chunk("iTXt", PngTestFiles.Concat(keyBytes, [(byte)rng.Next(2), 0, 0, 0],
                    rng.Next(2) == 0 ? body : PngTestFiles.Zlib(body))),
            };
            byte[] png = rng.Next(2) == 0
                ? PngTestFiles.Build(PngTestFiles.Ihdr(2, 1, 8, 0), [0, 1, 2], chunk)
                : PngTestFiles.Concat(PngTestFiles.Signature, PngTestFiles.Ihdr(2, 1, 8, 0),
                    PngTestFiles.Chunk("IDAT", PngTestFiles.Zlib([0, 1, 2])), chunk, PngTestFiles.Chunk("IEND", []));
            Assert.InRange(PngDecoder.ReadHeader(png).ExifOrientation, 1, 8);
        }
    }
}

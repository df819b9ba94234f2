using System;
using System.IO;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>The loader presets on Pillow-made fixtures (tests/fixtures/exif/make_fixtures.py): all eight EXIF
/// orientations, big-endian EXIF, CMYK, grey, WebP EXIF chunks and RGBA composited on white.</summary>
public class LoaderFixtureTests
{
    [Theory]
    [MemberData(nameof(CodecTestData.ExifFixtureCases), MemberType = typeof(CodecTestData))]
    public void PresetMatchesPillow(string file, string preset)
    {
        JsonElement expected = CodecTestData.ExifFixture(file, preset);

        DecodedImage loaded = ImageLoader.Load(File.ReadAllBytes(Paths.Fixture("exif", file)), CodecTestData.PresetOf(preset));

        Assert.Equal(expected.GetProperty("width").GetInt32(), loaded.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), loaded.Height);
        Assert.Equal(expected.GetProperty("mode").GetString(), CodecTestData.PillowModeName(loaded.SourceMode));
        Assert.Equal(expected.GetProperty("sha256_rgb").GetString(), CodecTestData.RgbHash(loaded));
        Assert.Equal(loaded.Width * loaded.Height * 3, loaded.Pixels.Length); // no stale RGBA / CMYK tail
    }

    [Theory]
    [MemberData(nameof(CodecTestData.ExifFixtureCases), MemberType = typeof(CodecTestData))]
    public void IdentifyReadsOrientationAndOrientedSize(string file, string preset)
    {
        JsonElement expected = CodecTestData.ExifFixture(file, preset);

        ImageInfo info = ImageLoader.Identify(Paths.Fixture("exif", file));

        Assert.Equal(expected.GetProperty("exif_orientation").GetInt32(), info.ExifOrientation);
        if (preset == "transformers")
        {
            Assert.Equal(expected.GetProperty("width").GetInt32(), info.OrientedWidth);
            Assert.Equal(expected.GetProperty("height").GetInt32(), info.OrientedHeight);
        }
        else
        {
            Assert.Equal(expected.GetProperty("width").GetInt32(), info.Width);
            Assert.Equal(expected.GetProperty("height").GetInt32(), info.Height);
        }
    }

    [Fact]
    public void IdentifyFromPathReadsPastLargeLeadingSegments()
    {
        // Two 64 KiB APP2 segments before the EXIF and frame headers push them past Identify's first read.
        byte[] original = File.ReadAllBytes(Paths.Fixture("exif", "orient6.jpg"));
        byte[] padding = new byte[2 * (2 + 65535)];
        for (int i = 0; i < 2; i++)
        {
            int at = i * (2 + 65535);
            padding[at] = 0xFF;
            padding[at + 1] = 0xE2;
            padding[at + 2] = 0xFF;
            padding[at + 3] = 0xFF;
        }
        byte[] bytes = [.. original.AsSpan(0, 2), .. padding, .. original.AsSpan(2)];
        string path = Path.Combine(Path.GetTempPath(), $"tessera-identify-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, bytes);
        try
        {
            ImageInfo info = ImageLoader.Identify(path);

            Assert.Equal(ImageLoader.Identify(original), info);
            Assert.Equal(6, info.ExifOrientation);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OrientedLoadReportsTagRemoved()
    {
        byte[] bytes = File.ReadAllBytes(Paths.Fixture("exif", "orient6.jpg"));

        Assert.Equal(1, ImageLoader.Load(bytes, LoaderPreset.TransformersLoadImage).ExifOrientation);
        Assert.Equal(6, ImageLoader.Load(bytes, LoaderPreset.Raw).ExifOrientation);
    }

    [Fact]
    public void RawPresetIsTheStoredImage()
    {
        byte[] bytes = File.ReadAllBytes(Paths.Fixture("exif", "rgba_lossy_orient3.webp"));
        JsonElement internVL = CodecTestData.ExifFixture("rgba_lossy_orient3.webp", "internvl");

        Assert.Equal(internVL.GetProperty("sha256_rgb").GetString(), CodecTestData.RgbHash(ImageLoader.Load(bytes, LoaderPreset.Raw)));
    }

    [Fact]
    public void AlphaWebPDecodesAsRgba()
    {
        DecodedImage image = WebPDecoder.Decode(File.ReadAllBytes(Paths.Fixture("exif", "rgba_lossless.webp")));

        Assert.Equal(PixelFormat.Rgba32, image.Format);
        Assert.Equal(SourceMode.Rgba, image.SourceMode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("474946383961")] // "GIF89a"
    [InlineData("52494646")]     // "RIFF" alone
    public void UnknownOrShortInputIsTyped(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);

        var load = Assert.Throws<ImageDecodeException>(() => ImageLoader.Load(bytes, LoaderPreset.TransformersLoadImage));
        var identify = Assert.Throws<ImageDecodeException>(() => ImageLoader.Identify(bytes));

        Assert.Equal(ImageErrorKind.UnknownFormat, load.Kind);
        Assert.Equal(ImageErrorKind.UnknownFormat, identify.Kind);
    }
}

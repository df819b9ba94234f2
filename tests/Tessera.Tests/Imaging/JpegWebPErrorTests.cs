using System;
using System.Buffers.Binary;
using System.IO;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Bad JPEG and WebP input gives a typed <see cref="ImageDecodeException"/>, never a crash.</summary>
public class JpegWebPErrorTests
{
    private static byte[] Corpus(string file) => File.ReadAllBytes(Paths.Corpus(file));

    private static byte[] Fixture(string file) => File.ReadAllBytes(Paths.Fixture("exif", file));

    /// <summary>Offset of the first FFxx segment with the given marker, walking segment lengths from SOI.</summary>
    private static int FindSegment(byte[] jpeg, byte marker)
    {
        int pos = 2;
        while (jpeg[pos + 1] != marker)
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        return pos;
    }

    [Theory]
    [InlineData("p_ladybug_crop_252x236.jpg")]
    [InlineData("p_tiny_28x28.jpg")]
    [InlineData("p_twowings_progressive_pil.jpg")]
    [InlineData("p_yellowflower_cmyk_im.jpg")]
    public void TruncatedJpegIsTruncated(string file)
    {
        // Pillow raises "image file is truncated" for every one of these prefixes (even one lacking only EOI).
        byte[] bytes = Corpus(file);
        for (int k = 1; k < 16; k++)
        {
            byte[] prefix = bytes.AsSpan(0, bytes.Length * k / 16).ToArray();

            var error = Assert.Throws<ImageDecodeException>(() => ImageLoader.Load(prefix, LoaderPreset.TransformersLoadImage));

            Assert.True(error.Kind == ImageErrorKind.Truncated, $"{file} cut at {k}/16: {error.Kind} {error.Message}");
        }
        var withoutEoi = Assert.Throws<ImageDecodeException>(() => JpegDecoder.Decode(bytes.AsSpan(0, bytes.Length - 2)));
        Assert.Equal(ImageErrorKind.Truncated, withoutEoi.Kind);
    }

    [Theory]
    [InlineData("p_wood-d.webp", true)]
    [InlineData("rgba_lossless.webp", false)]
    [InlineData("rgba_lossy_orient3.webp", false)]
    [InlineData("orient6_lossless.webp", false)]
    public void TruncatedWebPIsTyped(string file, bool corpus)
    {
        byte[] bytes = corpus ? Corpus(file) : Fixture(file);
        for (int k = 1; k < 16; k++)
        {
            byte[] prefix = bytes.AsSpan(0, Math.Max(12, bytes.Length * k / 16)).ToArray();

            var error = Assert.Throws<ImageDecodeException>(() => ImageLoader.Load(prefix, LoaderPreset.TransformersLoadImage));

            Assert.True(error.Kind == ImageErrorKind.Truncated, $"{file} cut at {k}/16: {error.Kind} {error.Message}");
        }
    }

    [Fact]
    public void WebPPrefixWithoutItsExifChunkIsTruncatedNotUnoriented()
    {
        // make_fixtures.py writes VP8X, VP8L, then EXIF; a prefix ending after the bitstream cannot tell the orientation.
        byte[] bytes = Fixture("orient6_lossless.webp");
        int exifChunk = bytes.AsSpan().IndexOf("EXIF"u8);

        var error = Assert.Throws<ImageDecodeException>(() => WebPDecoder.ReadHeader(bytes.AsSpan(0, exifChunk)));

        Assert.Equal(ImageErrorKind.Truncated, error.Kind);
        Assert.Equal(6, WebPDecoder.ReadHeader(bytes).ExifOrientation);
    }

    [Fact]
    public void HugeJpegFrameIsTooLargeBeforeAllocating()
    {
        byte[] bytes = Corpus("p_tiny_28x28.jpg");
        int sof = FindSegment(bytes, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 60000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageDecodeException>(() => JpegDecoder.Decode(bytes));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ImageErrorKind.TooLarge, error.Kind);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void HugeWebPCanvasIsTooLarge()
    {
        byte[] bytes = Fixture("orient6_lossless.webp"); // VP8X: canvas width−1 and height−1 as 24-bit LE at 24 and 27
        bytes[24] = bytes[25] = bytes[27] = bytes[28] = 0xFF;
        bytes[26] = bytes[29] = 0x00;

        var error = Assert.Throws<ImageDecodeException>(() => WebPDecoder.Decode(bytes));

        Assert.Equal(ImageErrorKind.TooLarge, error.Kind);
    }

    [Fact]
    public void LimitsAreTheCallers()
    {
        byte[] bytes = Corpus("p_tiny_28x28.jpg");

        var error = Assert.Throws<ImageDecodeException>(() => ImageLoader.Load(bytes, LoaderPreset.Raw, new DecodeLimits(28 * 28 - 1)));

        Assert.Equal(ImageErrorKind.TooLarge, error.Kind);
        Assert.Equal(28, ImageLoader.Load(bytes, LoaderPreset.Raw, new DecodeLimits(28 * 28)).Width);
    }

    [Theory]
    [InlineData(12, 0xC0, ImageErrorKind.Unsupported)] // 12-bit samples: Pillow "cannot handle 12-bit layers"
    [InlineData(8, 0xC3, ImageErrorKind.Unsupported)]  // lossless frame
    [InlineData(8, 0xC5, ImageErrorKind.Unsupported)]  // hierarchical frame
    public void UnsupportedFramesAreUnsupported(int precision, int marker, ImageErrorKind kind)
    {
        byte[] bytes = Corpus("p_tiny_28x28.jpg");
        int sof = FindSegment(bytes, 0xC0);
        bytes[sof + 1] = (byte)marker;
        bytes[sof + 4] = (byte)precision;

        Assert.Equal(kind, Assert.Throws<ImageDecodeException>(() => JpegDecoder.Decode(bytes)).Kind);
    }

    [Fact]
    public void CorruptJpegMarkersAreCorrupt()
    {
        byte[] zeroComponents = Corpus("p_tiny_28x28.jpg");
        zeroComponents[FindSegment(zeroComponents, 0xC0) + 9] = 0;
        byte[] badHuffman = Corpus("p_tiny_28x28.jpg");
        int dht = FindSegment(badHuffman, 0xC4);
        badHuffman.AsSpan(dht + 5, 16).Fill(0xFF); // code-length counts summing past 256: "Bogus Huffman table definition"
        byte[] badLength = Corpus("p_tiny_28x28.jpg");
        BinaryPrimitives.WriteUInt16BigEndian(badLength.AsSpan(FindSegment(badLength, 0xDB) + 2), 1);
        byte[] noFrame = Corpus("p_tiny_28x28.jpg");
        noFrame[FindSegment(noFrame, 0xC0) + 1] = 0xE5; // the SOF becomes an APP5 segment: a scan with no frame

        foreach (byte[] bytes in new[] { zeroComponents, badHuffman, badLength, noFrame })
            Assert.Equal(ImageErrorKind.Corrupt, Assert.Throws<ImageDecodeException>(() => JpegDecoder.Decode(bytes)).Kind);
    }

    [Theory]
    [InlineData("p_ladybug_crop_252x236.jpg")]
    [InlineData("p_wood-d.webp")]
    public void RandomByteDamageDecodesOrFailsTyped(string file)
    {
        // libjpeg and libwebp recover from some damage (as Pillow does) and reject the rest; either is fine, a crash is not.
        byte[] original = Corpus(file);
        ImageInfo info = ImageLoader.Identify(original);
        var random = new Random(20240611);
        for (int trial = 0; trial < 24; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int i = 0; i < 8; i++)
                bytes[random.Next(2, bytes.Length)] = (byte)random.Next(256);
            try
            {
                DecodedImage image = ImageLoader.Load(bytes, LoaderPreset.Raw);
                Assert.Equal((info.Width, info.Height), (image.Width, image.Height));
            }
            catch (ImageDecodeException e)
            {
                Assert.True(Enum.IsDefined(e.Kind));
            }
        }
    }

    [Fact]
    public void CorruptWebPIsCorrupt()
    {
        byte[] badSignature = Fixture("rgba_lossless.webp");
        badSignature[20] = 0x00; // VP8L signature byte 0x2F
        byte[] badBitstream = Fixture("rgba_lossless.webp");
        badBitstream.AsSpan(25).Fill(0xFF);

        foreach (byte[] bytes in new[] { badSignature, badBitstream })
            Assert.Equal(ImageErrorKind.Corrupt, Assert.Throws<ImageDecodeException>(() => WebPDecoder.Decode(bytes)).Kind);
    }

    [Fact]
    public void MissingLibraryNamesThePackage()
    {
        var error = Assert.Throws<ImageDecodeException>(() =>
            NativeLibraries.LoadFirst(["libtessera-no-such-turbojpeg.so.0", "tessera-no-such-turbojpeg"], NativeLibraries.TurboJpegMissingMessage));

        Assert.Equal(ImageErrorKind.CodecUnavailable, error.Kind);
        Assert.Contains("apt-get install -y libturbojpeg0", error.Message, StringComparison.Ordinal);
        Assert.Contains("libtessera-no-such-turbojpeg.so.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongDecoderForTheBytesIsUnknownFormat()
    {
        Assert.Equal(ImageErrorKind.UnknownFormat, Assert.Throws<ImageDecodeException>(() => JpegDecoder.Decode(Corpus("p_wood-d.webp"))).Kind);
        Assert.Equal(ImageErrorKind.UnknownFormat, Assert.Throws<ImageDecodeException>(() => WebPDecoder.Decode(Corpus("p_tiny_28x28.jpg"))).Kind);
    }
}

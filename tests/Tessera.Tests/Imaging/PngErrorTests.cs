using System;
using System.Linq;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Bad PNGs give <see cref="ImageDecodeException"/> of the right kind, never another exception.</summary>
public class PngErrorTests
{
    private static ImageErrorKind KindOf(byte[] file, DecodeLimits limits = default) =>
        Assert.Throws<ImageDecodeException>(() => PngDecoder.Decode(file, limits)).Kind;

    /// <summary>An 8-bit grey image 3×2 whose raw scanlines are filter 0 + pixels.</summary>
    private static byte[] Gray3x2(byte[]? ihdr = null, byte[]? scanlines = null, params byte[][] extra) =>
        PngTestFiles.Build(ihdr ?? PngTestFiles.Ihdr(3, 2, 8, 0), scanlines ?? [0, 1, 2, 3, 0, 4, 5, 6], extra);

    [Theory]
    [InlineData("rgb8_adam7.png")]
    [InlineData("palette4_short5.png")]
    [InlineData("gray16.png")]
    [InlineData("rgb8.png")]
    [InlineData("rgba16_17x1.png")]
    [InlineData("rgb8_idat_per_byte.png")]
    [InlineData("rgb8_exif3_then_5.png")]
    public void Every_prefix_is_truncated_or_decodes_to_the_full_image(string fixture)
    {
        byte[] file = PngTestFiles.Fixture(fixture);
        byte[] full = PngDecoder.Decode(file).Pixels;
        int decoded = 0;
        for (int n = 0; n < file.Length; n++)
        {
            byte[] prefix = file.AsSpan(0, n).ToArray();
            DecodedImage image;
            try
            {
                image = PngDecoder.Decode(prefix);
            }
            catch (ImageDecodeException e)
            {
                Assert.True(e.Kind == ImageErrorKind.Truncated, $"prefix {n}: {e.Kind} {e.Message}");
                continue;
            }
            // Only a prefix holding every scanline may decode (Pillow needs neither the zlib trailer nor IEND).
            Assert.Equal(full, image.Pixels);
            decoded++;
        }
        Assert.InRange(decoded, 0, file.Length - PngTestFiles.Chunks(file).First(c => c.Type == "IDAT").Offset);
    }

    [Fact]
    public void Bad_signature_is_unknown_format()
    {
        byte[] file = PngTestFiles.Fixture("rgb8.png");
        file[1] = (byte)'J';
        Assert.Equal(ImageErrorKind.UnknownFormat, KindOf(file));
        Assert.False(PngDecoder.IsPng(file));
        Assert.Equal(ImageErrorKind.UnknownFormat, KindOf([0xFF, 0xD8, 0xFF]));
    }

    [Theory]
    [InlineData("rgb8.png", "IHDR")]
    [InlineData("palette4.png", "PLTE")]
    [InlineData("rgb8_exif6.png", "eXIf")]
    public void Crc_mismatch_before_the_image_data_is_corrupt(string fixture, string chunk)
    {
        // Pillow's _open verifies the CRC of every chunk it reads before IDAT, critical or ancillary.
        byte[] file = PngTestFiles.Fixture(fixture);
        var c = PngTestFiles.Chunks(file).First(c => c.Type == chunk);
        file[c.Offset + 8 + c.Length] ^= 0x01;
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(file));
        Assert.Equal(ImageErrorKind.Corrupt, Assert.Throws<ImageDecodeException>(() => PngDecoder.ReadHeader(file)).Kind);
    }

    [Fact]
    public void Crc_of_idat_and_later_chunks_is_not_checked_like_pillow()
    {
        byte[] file = PngTestFiles.Fixture("rgb8_exif3_then_5.png");
        byte[] expected = PngDecoder.Decode(file).Pixels;
        foreach (var c in PngTestFiles.Chunks(file).Where(c => c.Type is "IDAT" or "IEND" || c.Offset > PngTestFiles.Chunks(file).First(x => x.Type == "IDAT").Offset))
            file[c.Offset + 8 + c.Length] ^= 0x55;
        Assert.Equal(expected, PngDecoder.Decode(file).Pixels);
    }

    [Fact]
    public void Bad_zlib_header_is_corrupt()
    {
        byte[] file = PngTestFiles.Fixture("gray8.png");
        var idat = PngTestFiles.Chunks(file).First(c => c.Type == "IDAT");
        file[idat.Offset + 9] ^= 0x01; // FCHECK no longer makes CMF·256 + FLG a multiple of 31
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(file));
    }

    [Fact]
    public void Bad_deflate_data_is_corrupt()
    {
        // zlib header 78 9C, then a final block of reserved type 3.
        byte[] file = PngTestFiles.Concat(PngTestFiles.Signature, PngTestFiles.Ihdr(3, 2, 8, 0),
            PngTestFiles.Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]), PngTestFiles.Chunk("IEND", []));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(file));
    }

    [Fact]
    public void Image_data_shorter_than_the_image_in_a_complete_file_is_corrupt()
    {
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(Gray3x2(scanlines: [0, 1, 2, 3])));
    }

    [Fact]
    public void Unknown_filter_type_is_corrupt()
    {
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(Gray3x2(scanlines: [0, 1, 2, 3, 5, 4, 5, 6])));
    }

    [Fact]
    public void Extra_inflated_data_is_ignored()
    {
        // Pillow stops once every scanline is read; the hand-built file checks the layout and the extra row is unused.
        DecodedImage exact = PngDecoder.Decode(Gray3x2());
        DecodedImage extra = PngDecoder.Decode(Gray3x2(scanlines: [0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0]));
        Assert.Equal(exact.Pixels, extra.Pixels);
        Assert.Equal([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6], exact.Pixels);
    }

    [Theory]
    [InlineData(0u, 2u, 8, 0, 0)]        // zero width
    [InlineData(3u, 0u, 8, 0, 0)]        // zero height
    [InlineData(0x80000000u, 2u, 8, 0, 0)] // width beyond 2^31 - 1
    [InlineData(3u, 2u, 3, 0, 0)]        // no 3-bit depth
    [InlineData(3u, 2u, 4, 2, 0)]        // RGB needs 8 or 16 bits
    [InlineData(3u, 2u, 16, 3, 0)]       // palettes go up to 8 bits
    [InlineData(3u, 2u, 8, 5, 0)]        // no colour type 5
    [InlineData(3u, 2u, 8, 0, 1)]        // filter method 1 (Pillow: "unknown filter category")
    public void Bad_ihdr_values_are_corrupt(uint width, uint height, byte depth, byte colorType, byte filterMethod)
    {
        byte[] file = Gray3x2(PngTestFiles.Ihdr(width, height, depth, colorType, filter: filterMethod));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(file));
    }

    [Fact]
    public void Short_ihdr_is_corrupt()
    {
        byte[] ihdr = PngTestFiles.Ihdr(3, 2, 8, 0);
        byte[] shortIhdr = PngTestFiles.Chunk("IHDR", ihdr.AsSpan(8, 12));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(Gray3x2(shortIhdr)));
    }

    [Fact]
    public void Missing_ihdr_plte_or_idat_is_corrupt()
    {
        byte[] idat = PngTestFiles.Chunk("IDAT", PngTestFiles.Zlib([0, 1, 2, 3, 0, 4, 5, 6]));
        byte[] iend = PngTestFiles.Chunk("IEND", []);
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(PngTestFiles.Concat(PngTestFiles.Signature, idat, iend)));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(PngTestFiles.Concat(PngTestFiles.Signature, PngTestFiles.Ihdr(3, 2, 8, 3), idat, iend)));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(PngTestFiles.Concat(PngTestFiles.Signature, PngTestFiles.Ihdr(3, 2, 8, 0), iend)));
    }

    [Fact]
    public void Bad_chunk_type_is_corrupt()
    {
        byte[] file = Gray3x2(null, null, PngTestFiles.Chunk("ab-d", [1, 2, 3]));
        Assert.Equal(ImageErrorKind.Corrupt, KindOf(file));
    }

    [Fact]
    public void Absurd_size_is_too_large_before_anything_is_allocated()
    {
        byte[] file = Gray3x2(PngTestFiles.Ihdr(100_000, 100_000, 16, 6));
        Assert.Equal(ImageErrorKind.TooLarge, KindOf(file)); // warm up (JIT, type loading)
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => PngDecoder.Decode(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ImageErrorKind.TooLarge, e.Kind);
        Assert.InRange(allocated, 0, 16_384); // the exception and its message; the image would be 40 GB
    }

    [Fact]
    public void Limits_are_checked_against_width_times_height()
    {
        byte[] file = PngTestFiles.Fixture("rgb8.png");
        PngHeader h = PngDecoder.ReadHeader(file);
        Assert.Equal(ImageErrorKind.TooLarge, KindOf(file, new DecodeLimits((long)h.Width * h.Height - 1)));
        Assert.Equal(h.Width, PngDecoder.Decode(file, new DecodeLimits((long)h.Width * h.Height)).Width);
        Assert.Equal(ImageErrorKind.TooLarge, KindOf(Gray3x2(PngTestFiles.Ihdr(int.MaxValue, 1, 8, 0)), new DecodeLimits(long.MaxValue)));
    }
}

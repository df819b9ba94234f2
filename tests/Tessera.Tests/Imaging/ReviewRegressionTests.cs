using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Imaging.Resampling;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Inputs found in review (mostly by mutating the fixtures) that escaped the typed-error contract or broke parity.</summary>
public sealed class ReviewRegressionTests
{
    /// <summary>A zlib header with the FDICT bit (0x78 0xBB: (0x78·256 + 0xBB) mod 31 = 0) makes zlib answer Z_NEED_DICT,
    /// which .NET's inflater reports as a ZLibException (an IOException), not an InvalidDataException.</summary>
    [Fact]
    public void Png_zlib_stream_asking_for_a_preset_dictionary_is_corrupt()
    {
        byte[] zlib = [0x78, 0xBB, 0x12, 0x34, 0x56, 0x78, 0x63, 0x00, 0x00];
        byte[] file = PngTestFiles.Concat(PngTestFiles.Signature, PngTestFiles.Ihdr(3, 2, 8, 0),
            PngTestFiles.Chunk("IDAT", zlib), PngTestFiles.Chunk("IEND", []));
        var e = Assert.Throws<ImageDecodeException>(() => PngDecoder.Decode(file));
        Assert.Equal(ImageErrorKind.Corrupt, e.Kind);
    }

    /// <summary>An animated VP8X (flags: animation + EXIF) whose own chunk size puts its end past int.MaxValue: the EXIF search started at
    /// the chunk's end cast to int, i.e. a negative offset, and sliced the span with it.</summary>
    [Fact]
    public void WebP_animated_vp8x_with_a_huge_chunk_size_gives_a_typed_answer()
    {
        byte[] file = new byte[12 + 8 + 10 + 8];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        Encoding.ASCII.GetBytes("WEBPVP8X").CopyTo(file, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), 0x7FFFFFF0u); // the end, 20 + size, is past int.MaxValue
        file[20] = 0x02 | 0x08; // animation, EXIF
        file[24] = 9;           // canvas 10×10 (minus-one encoding)
        file[27] = 9;
        Encoding.ASCII.GetBytes("ANIM").CopyTo(file, 30);

        try
        {
            WebPHeader header = WebPDecoder.ReadHeader(file);
            Assert.True(header.IsAnimated);
        }
        catch (ImageDecodeException)
        {
            // A typed error is as acceptable as a header here; any other exception is the bug.
        }
        var e = Assert.Throws<ImageDecodeException>(() => ImageLoader.Load(file, LoaderPreset.TransformersLoadImage));
        Assert.True(e.Kind is ImageErrorKind.Unsupported or ImageErrorKind.Truncated, e.Kind.ToString());
    }

    /// <summary>Pillow's ksize = ceil(support)·2 + 1 overflowed int for a source axis beyond ~358 M samples (LANCZOS,
    /// support 3·scale): the negative tap stride slipped past the size check and the kernels then indexed the weights
    /// at negative offsets. Such an axis must be refused with the typed argument error instead.</summary>
    [Theory]
    [InlineData(ResampleFilter.Lanczos, 400_000_000)]
    [InlineData(ResampleFilter.Bicubic, int.MaxValue)]
    [InlineData(ResampleFilter.Bilinear, int.MaxValue)]
    public void Coefficients_for_an_overflowing_tap_count_are_refused(ResampleFilter filter, int inSize)
    {
        var table = new AxisCoefficients();
        Assert.Throws<ArgumentException>(() => table.Compute(inSize, 0f, inSize, 1, filter));
        Assert.False(table.IsComputed);
    }

    /// <summary>libjpeg (jdmarker.c examine_app0) only counts an APP0 "JFIF\0" as JFIF when it carries at least 14
    /// bytes (APP0_DATA_LEN); a shorter one leaves the component ids to decide, and ids R, G, B mean RGB.</summary>
    [Fact]
    public void Jpeg_short_jfif_app0_does_not_force_ycbcr()
    {
        byte[] app0 = [0xFF, 0xE0, 0x00, 14, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1]; // 12-byte payload
        byte[] sof = [0xFF, 0xC0, 0x00, 17, 8, 0, 1, 0, 1, 3, (byte)'R', 0x11, 0, (byte)'G', 0x11, 0, (byte)'B', 0x11, 0];
        byte[] sos = [0xFF, 0xDA, 0x00, 12, 3, (byte)'R', 0, (byte)'G', 0, (byte)'B', 0, 0, 63, 0];
        byte[] file = PngTestFiles.Concat([0xFF, 0xD8], app0, sof, sos, [0x00, 0xFF, 0xD9]);
        Assert.Equal(JpegColorSpace.Rgb, JpegDecoder.ReadHeader(file).ColorSpace);

        // The full 14-byte JFIF segment does force YCbCr.
        byte[] app0Full = [0xFF, 0xE0, 0x00, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        Assert.Equal(JpegColorSpace.YCbCr, JpegDecoder.ReadHeader(PngTestFiles.Concat([0xFF, 0xD8], app0Full, sof, sos, [0x00, 0xFF, 0xD9])).ColorSpace);
    }

    /// <summary>The mutation probe that found the cases above, kept small and seeded: byte flips, 0xFF runs, plausible
    /// and huge length fields (both byte orders) and cuts, over every PNG, JPEG and WebP fixture. Loading and identifying
    /// must give an image or an <see cref="ImageDecodeException"/>, nothing else.</summary>
    [Fact]
    public void Mutated_fixtures_give_an_image_or_a_typed_error()
    {
        string[] files = Directory.GetFiles(Paths.Fixture("png"), "*.png")
            .Concat(Directory.GetFiles(Paths.Fixture("exif")).Where(f => f.EndsWith(".jpg") || f.EndsWith(".webp")))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var rng = new Random(20240611);
        var limits = new DecodeLimits(1 << 20);
        foreach (string path in files)
        {
            byte[] original = File.ReadAllBytes(path);
            for (int iteration = 0; iteration < 500; iteration++)
            {
                byte[] d = Mutate(original, rng);
                string where = $"{Path.GetFileName(path)} #{iteration}";
                try { ImageLoader.Identify(d); }
                catch (ImageDecodeException) { }
                catch (Exception e) { Assert.Fail($"Identify {where}: {e}"); }
                try { ImageLoader.Load(d, LoaderPreset.QwenVlUtils, limits); }
                catch (ImageDecodeException) { }
                catch (Exception e) { Assert.Fail($"Load {where}: {e}"); }
            }
        }
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        byte[] d = (byte[])original.Clone();
        for (int m = rng.Next(1, 5); m > 0; m--)
        {
            int at = rng.Next(d.Length);
            bool room = at + 4 <= d.Length;
            switch (rng.Next(6))
            {
                case 0: d[at] = (byte)rng.Next(256); break;
                case 1: d[at] = 0xFF; break;
                case 2 when room: BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(at), 0x7FFFFF00u | (uint)rng.Next(256)); break;
                case 3 when room: BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at), (uint)(d.Length - at + rng.Next(-16, 16))); break;
                case 4 when room: BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(at), (uint)(d.Length - at + rng.Next(-16, 16))); break;
                default:
                    if (rng.Next(3) == 0)
                        d = d.AsSpan(0, Math.Max(1, at)).ToArray();
                    break;
            }
        }
        return d;
    }
}

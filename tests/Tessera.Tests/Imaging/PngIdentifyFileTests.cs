using System;
using System.IO;
using Tessera.Imaging;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// <see cref="ImageLoader.Identify(string)"/> reads a PNG's first 64 KiB and seeks over the image data, so it must still
/// find an orientation stored after a large IDAT (pixels.md §2: Pillow reads the chunks after IDAT on load) and agree with
/// identifying the whole file in memory.
/// </summary>
public class PngIdentifyFileTests
{
    /// <summary>Big-endian TIFF with one IFD0 entry: Orientation (0x0112), SHORT, value <paramref name="orientation"/>.</summary>
    private static byte[] Tiff(int orientation) =>
    [
        0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
        0x00, 0x01,
        0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ];

    private static byte[] File(int idatChunks, int chunkBytes, bool exifBefore, bool exifAfter)
    {
        var random = new Random(idatChunks * 31 + chunkBytes);
        var parts = new System.Collections.Generic.List<byte[]> { PngTestFiles.Signature, PngTestFiles.Ihdr(4000, 3000, 8, 2) };
        if (exifBefore) parts.Add(PngTestFiles.Chunk("eXIf", Tiff(3)));
        for (int i = 0; i < idatChunks; i++)
        {
            var data = new byte[chunkBytes];
            random.NextBytes(data);
            parts.Add(PngTestFiles.Chunk("IDAT", data));
        }
        parts.Add(PngTestFiles.Chunk("tEXt", "Comment\0after the image"u8));
        if (exifAfter) parts.Add(PngTestFiles.Chunk("eXIf", Tiff(6)));
        parts.Add(PngTestFiles.Chunk("IEND", []));
        return PngTestFiles.Concat([.. parts]);
    }

    [Theory]
    [InlineData(1, 300_000, false, true)]   // one IDAT far larger than the first read
    [InlineData(40, 16_384, false, true)]   // many IDAT chunks, the usual encoder layout
    [InlineData(40, 16_384, true, true)]    // eXIf before IDAT wins; the later one is not read
    [InlineData(40, 16_384, false, false)]  // no orientation anywhere
    [InlineData(1, 100, false, true)]       // a small file read whole
    public void File_and_memory_identification_agree(int idatChunks, int chunkBytes, bool exifBefore, bool exifAfter)
    {
        byte[] png = File(idatChunks, chunkBytes, exifBefore, exifAfter);
        string path = Path.Combine(Path.GetTempPath(), $"tessera-identify-{Guid.NewGuid():N}.png");
        System.IO.File.WriteAllBytes(path, png);
        try
        {
            ImageInfo fromFile = ImageLoader.Identify(path);
            ImageInfo fromMemory = ImageLoader.Identify(png);
            Assert.Equal(fromMemory.ExifOrientation, fromFile.ExifOrientation);
            Assert.Equal((4000, 3000, ImageFormat.Png), (fromFile.Width, fromFile.Height, fromFile.Format));
            int expected = exifBefore ? 3 : exifAfter ? 6 : 1;
            Assert.Equal(expected, fromFile.ExifOrientation);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}

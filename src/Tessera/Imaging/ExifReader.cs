using System;
using System.Buffers.Binary;

namespace Tessera.Imaging;

// TEMPORARY COPY (codecs branch): another helper owns ExifReader.cs; the lead keeps that one. Same signature.
/// <summary>Reads the orientation tag from a TIFF-structured EXIF block (the bytes after "Exif\0\0").</summary>
internal static class ExifReader
{
    /// <summary>Tag 0x0112 of IFD0 (1 when absent, unreadable or not a SHORT/LONG).</summary>
    public static int ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
            return 1;
        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I') little = true;
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42)
            return 1;
        long ifd = U32(tiff, 4, little);
        if (ifd < 8 || ifd + 2 > tiff.Length)
            return 1;
        int count = U16(tiff, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + 12 * i;
            if (entry + 12 > tiff.Length)
                return 1;
            if (U16(tiff, entry, little) != 0x0112)
                continue;
            int type = U16(tiff, entry + 2, little);
            return type switch
            {
                3 => U16(tiff, entry + 8, little),
                4 => (int)Math.Min(U32(tiff, entry + 8, little), int.MaxValue),
                _ => 1,
            };
        }
        return 1;
    }

    private static int U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at)) : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(at));

    private static long U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at)) : BinaryPrimitives.ReadUInt32BigEndian(s.Slice(at));
}

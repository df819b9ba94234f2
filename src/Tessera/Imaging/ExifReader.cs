using System;
using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>
/// Reads the EXIF orientation (IFD0 tag 0x0112) from a TIFF-structured EXIF block the way Pillow's
/// <c>Image.getexif()</c> + <c>ImageOps.exif_transpose</c> see it (pixels.md §2).
/// </summary>
/// <remarks>
/// The input is the TIFF structure itself (<c>II*\0</c> / <c>MM\0*</c> header, IFD0 offset, entries), i.e. a PNG
/// <c>eXIf</c> payload, or a JPEG APP1 / WebP EXIF payload after its <c>Exif\0\0</c> prefix. The reader never throws:
/// any malformed input yields 1. Where Pillow itself is lenient, so is this reader:
/// <list type="bullet">
/// <item>entries are read in order; one with a type Pillow does not know (not 1–13, 16) or a zero count is skipped;</item>
/// <item>an entry whose out-of-line data lies past the end, or an entry list cut short, stops the walk, keeping what
/// was read so far (Pillow catches the <c>OSError</c> and keeps the partial directory);</item>
/// <item>a repeated tag: the last one wins;</item>
/// <item>the value is the first element; Pillow's lookup table matches it when it equals an integer 2–8 in Python
/// terms, so SHORT, LONG, signed and 64-bit integers, integral FLOAT/DOUBLE and integral RATIONALs count, while
/// BYTE, ASCII and UNDEFINED values (Python bytes/str) never do.</item>
/// </list>
/// BigTIFF headers give 1 (Pillow's <c>Exif</c> cannot read them).
/// </remarks>
internal static class ExifReader
{
    private const ushort OrientationTag = 0x0112;

    /// <summary>The orientation 2–8 that Pillow's <c>exif_transpose</c> acts on, or 1 (absent, invalid or malformed).</summary>
    public static int ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        TryReadOrientation(tiff, out int orientation);
        return orientation;
    }

    /// <summary>
    /// Whether IFD0 holds an orientation tag in Pillow's sense (<c>0x0112 in getexif()</c>): an entry of a type Pillow
    /// loads, with a non-zero count and readable data, whatever its value. Pillow's XMP fallback applies only when it
    /// does not. <paramref name="orientation"/> is what <see cref="ReadOrientation"/> returns.
    /// </summary>
    /// <remarks>Blocks Pillow cannot read at all (not a TIFF header, BigTIFF) report no tag; Pillow raises there.</remarks>
    public static bool TryReadOrientation(ReadOnlySpan<byte> tiff, out int orientation)
    {
        orientation = 1;
        if (tiff.Length < 8)
            return false;
        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I')
            little = true;
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M')
            little = false;
        else
            return false;
        // Pillow's accepted prefixes carry the magic 42 in either byte order; 43 (BigTIFF) is not readable by Exif.
        if (!((tiff[2] == 0x2A && tiff[3] == 0) || (tiff[2] == 0 && tiff[3] == 0x2A)))
            return false;

        long ifd = U32(tiff.Slice(4), little);
        if (ifd > tiff.Length - 2)
            return false;
        int count = U16(tiff.Slice((int)ifd), little);
        long pos = ifd + 2;
        bool present = false;
        for (int i = 0; i < count; i++, pos += 12)
        {
            if (pos + 12 > tiff.Length)
                break;
            ReadOnlySpan<byte> entry = tiff.Slice((int)pos, 12);
            int tag = U16(entry, little);
            int type = U16(entry.Slice(2), little);
            long n = U32(entry.Slice(4), little);
            int unit = UnitSize(type);
            if (unit == 0)
                continue;
            long size = n * unit;
            ReadOnlySpan<byte> value;
            if (size > 4)
            {
                long offset = U32(entry.Slice(8), little);
                if (offset + size > tiff.Length)
                    break;
                value = tiff.Slice((int)offset, (int)size);
            }
            else
            {
                value = entry.Slice(8, (int)size);
            }
            if (size == 0)
                continue;
            if (tag == OrientationTag)
            {
                orientation = Interpret(type, value, little);
                present = true;
            }
        }
        return present;
    }

    /// <summary>Bytes per element for the TIFF types Pillow loads (0 = unknown, skipped).</summary>
    private static int UnitSize(int type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 or 16 => 8,
        _ => 0,
    };

    /// <summary>The orientation Pillow's dict lookup would find for the first value, or 1.</summary>
    private static int Interpret(int type, ReadOnlySpan<byte> v, bool little)
    {
        double value;
        switch (type)
        {
            case 3: value = U16(v, little); break;
            case 4 or 13: value = U32(v, little); break;
            case 6: value = (sbyte)v[0]; break;
            case 8: value = (short)U16(v, little); break;
            case 9: value = (int)U32(v, little); break;
            case 16:
                ulong q = little ? BinaryPrimitives.ReadUInt64LittleEndian(v) : BinaryPrimitives.ReadUInt64BigEndian(v);
                value = q > 8 ? 0 : q;
                break;
            case 11:
                value = little ? BinaryPrimitives.ReadSingleLittleEndian(v) : BinaryPrimitives.ReadSingleBigEndian(v);
                break;
            case 12:
                value = little ? BinaryPrimitives.ReadDoubleLittleEndian(v) : BinaryPrimitives.ReadDoubleBigEndian(v);
                break;
            case 5 or 10:
                long num = type == 5 ? U32(v, little) : (int)U32(v, little);
                long den = type == 5 ? U32(v.Slice(4), little) : (int)U32(v.Slice(4), little);
                // Pillow's IFDRational: denominator 0 is NaN; otherwise an exact fraction, equal to an int only when integral.
                if (den == 0 || num % den != 0)
                    return 1;
                value = num / den;
                break;
            default:
                return 1; // BYTE, ASCII, UNDEFINED: bytes or str in Python, never equal to an int key
        }
        return value is >= 2 and <= 8 && value == Math.Floor(value) ? (int)value : 1;
    }

    private static int U16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static long U32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Codecs;

/// <summary>Scanline work: undoing the five PNG filters and turning raw samples into Pillow's RGB / RGBA bytes.</summary>
internal static class PngRows
{
    /// <summary>Undoes filter <paramref name="filter"/> on <paramref name="row"/> in place, given the previous unfiltered
    /// row of the same pass (all zeros for the first row); <paramref name="bpp"/> is bytes per complete pixel (≥ 1).</summary>
    /// <exception cref="ImageDecodeException">An unknown filter type (Corrupt).</exception>
    public static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        prior = prior.Slice(0, n);
        switch (filter)
        {
            case 0:
                return;
            case 1: // Sub
                for (int i = bpp; i < n; i++)
                    row[i] += row[i - bpp];
                return;
            case 2: // Up
                for (int i = 0; i < n; i++)
                    row[i] += prior[i];
                return;
            case 3: // Average
                for (int i = 0; i < bpp && i < n; i++)
                    row[i] += (byte)(prior[i] >> 1);
                for (int i = bpp; i < n; i++)
                    row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                return;
            case 4: // Paeth
                for (int i = 0; i < bpp && i < n; i++)
                    row[i] += prior[i]; // a = c = 0: the predictor is b
                if (n > bpp)
                    PaethRest(ref MemoryMarshal.GetReference(row), ref MemoryMarshal.GetReference(prior), n, bpp);
                return;
            default:
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"PNG scanline has unknown filter type {filter}.");
        }
    }

    /// <summary>Paeth from byte <paramref name="bpp"/> on (the caller checked n &gt; bpp and that both rows hold n bytes);
    /// branch-free selection because photographic rows make the predictor choice unpredictable.</summary>
    private static void PaethRest(ref byte row, ref byte prior, int n, int bpp)
    {
        for (int i = bpp; i < n; i++)
        {
            int a = Unsafe.Add(ref row, i - bpp);
            int b = Unsafe.Add(ref prior, i);
            int c = Unsafe.Add(ref prior, i - bpp);
            int pa = b - c;
            int pb = a - c;
            int pc = pa + pb;
            pa = (pa ^ (pa >> 31)) - (pa >> 31);
            pb = (pb ^ (pb >> 31)) - (pb >> 31);
            pc = (pc ^ (pc >> 31)) - (pc >> 31);
            int predictor = pb <= pc ? b : c;
            predictor = pa <= pb && pa <= pc ? a : predictor;
            Unsafe.Add(ref row, i) += (byte)predictor;
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> pixels of an unfiltered scanline into <paramref name="outRow"/> at x positions
    /// <paramref name="x0"/>, <paramref name="x0"/> + <paramref name="dx"/>, … following Pillow's
    /// <c>convert("RGB")</c> (or its RGBA layout for the RGBA modes), pixels.md §1.1–1.3.
    /// </summary>
    /// <param name="raw">The scanline without its filter byte.</param>
    /// <param name="count">Pixels in the scanline.</param>
    /// <param name="outRow">The whole output row (3 or 4 bytes per pixel).</param>
    /// <param name="x0">First output x.</param>
    /// <param name="dx">Output x step (1, or the Adam7 pass step).</param>
    /// <param name="header">The image header (colour type, bit depth).</param>
    /// <param name="palette">768 bytes: RGB of each of the 256 indices (black beyond PLTE).</param>
    public static void Emit(ReadOnlySpan<byte> raw, int count, Span<byte> outRow, int x0, int dx, in PngHeader header, ReadOnlySpan<byte> palette)
    {
        int depth = header.BitDepth;
        switch (header.ColorType)
        {
            case PngColorType.Gray when depth == 8:
                if (dx == 1)
                {
                    GrayToRgb(raw.Slice(0, count), outRow.Slice(x0 * 3, count * 3));
                    return;
                }
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    byte v = raw[i];
                    outRow[o] = v;
                    outRow[o + 1] = v;
                    outRow[o + 2] = v;
                }
                return;
            case PngColorType.Gray when depth == 16:
                // Pillow opens 16-bit grey as "I"; convert("RGB") clamps to 255 rather than scaling.
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    byte v = raw[2 * i] != 0 ? (byte)255 : raw[2 * i + 1];
                    outRow[o] = v;
                    outRow[o + 1] = v;
                    outRow[o + 2] = v;
                }
                return;
            case PngColorType.Gray:
            {
                // 1 bit: mode "1", stored 0/255; 2 bits: ×0x55; 4 bits: ×0x11 (Pillow's L;2 and L;4 unpackers).
                int mask = (1 << depth) - 1;
                int scale = 255 / mask;
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    int bit = i * depth;
                    byte v = (byte)(((raw[bit >> 3] >> (8 - depth - (bit & 7))) & mask) * scale);
                    outRow[o] = v;
                    outRow[o + 1] = v;
                    outRow[o + 2] = v;
                }
                return;
            }
            case PngColorType.Rgb when depth == 8:
                if (dx == 1)
                {
                    raw.Slice(0, count * 3).CopyTo(outRow.Slice(x0 * 3));
                    return;
                }
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    outRow[o] = raw[3 * i];
                    outRow[o + 1] = raw[3 * i + 1];
                    outRow[o + 2] = raw[3 * i + 2];
                }
                return;
            case PngColorType.Rgb:
                // RGB;16B keeps the high byte of each sample.
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    outRow[o] = raw[6 * i];
                    outRow[o + 1] = raw[6 * i + 2];
                    outRow[o + 2] = raw[6 * i + 4];
                }
                return;
            case PngColorType.Palette when depth == 8 && dx == 1:
                PaletteToRgb(raw.Slice(0, count), outRow.Slice(x0 * 3, count * 3), palette.Slice(0, 768));
                return;
            case PngColorType.Palette:
            {
                int mask = (1 << depth) - 1;
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    int index;
                    if (depth == 8)
                    {
                        index = raw[i];
                    }
                    else
                    {
                        int bit = i * depth;
                        index = (raw[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
                    }
                    int p = index * 3;
                    outRow[o] = palette[p];
                    outRow[o + 1] = palette[p + 1];
                    outRow[o + 2] = palette[p + 2];
                }
                return;
            }
            case PngColorType.GrayAlpha when depth == 8:
                // LA → RGB drops alpha.
                for (int i = 0, o = x0 * 3; i < count; i++, o += dx * 3)
                {
                    byte v = raw[2 * i];
                    outRow[o] = v;
                    outRow[o + 1] = v;
                    outRow[o + 2] = v;
                }
                return;
            case PngColorType.GrayAlpha:
                // Pillow opens 16-bit grey+alpha as RGBA (rawmode LA;16B): high bytes, grey replicated.
                for (int i = 0, o = x0 * 4; i < count; i++, o += dx * 4)
                {
                    byte v = raw[4 * i];
                    outRow[o] = v;
                    outRow[o + 1] = v;
                    outRow[o + 2] = v;
                    outRow[o + 3] = raw[4 * i + 2];
                }
                return;
            case PngColorType.Rgba when depth == 8:
                if (dx == 1)
                {
                    raw.Slice(0, count * 4).CopyTo(outRow.Slice(x0 * 4));
                    return;
                }
                for (int i = 0, o = x0 * 4; i < count; i++, o += dx * 4)
                {
                    outRow[o] = raw[4 * i];
                    outRow[o + 1] = raw[4 * i + 1];
                    outRow[o + 2] = raw[4 * i + 2];
                    outRow[o + 3] = raw[4 * i + 3];
                }
                return;
            default: // RGBA 16: high bytes
                for (int i = 0, o = x0 * 4; i < count; i++, o += dx * 4)
                {
                    outRow[o] = raw[8 * i];
                    outRow[o + 1] = raw[8 * i + 2];
                    outRow[o + 2] = raw[8 * i + 4];
                    outRow[o + 3] = raw[8 * i + 6];
                }
                return;
        }
    }

    /// <summary>One grey byte to three equal bytes (lengths checked by the caller's slices: dst is 3 × src).</summary>
    private static void GrayToRgb(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        for (int i = 0; i < src.Length; i++)
        {
            byte v = Unsafe.Add(ref s, i);
            Unsafe.Add(ref d, 3 * i) = v;
            Unsafe.Add(ref d, 3 * i + 1) = v;
            Unsafe.Add(ref d, 3 * i + 2) = v;
        }
    }

    /// <summary>8-bit indices through a 256-entry RGB table (dst is 3 × src; any index is inside the table).</summary>
    private static void PaletteToRgb(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<byte> table)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        ref byte t = ref MemoryMarshal.GetReference(table);
        for (int i = 0; i < src.Length; i++)
        {
            int p = Unsafe.Add(ref s, i) * 3;
            Unsafe.Add(ref d, 3 * i) = Unsafe.Add(ref t, p);
            Unsafe.Add(ref d, 3 * i + 1) = Unsafe.Add(ref t, p + 1);
            Unsafe.Add(ref d, 3 * i + 2) = Unsafe.Add(ref t, p + 2);
        }
    }
}

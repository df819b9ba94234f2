using System;
using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>
/// EXIF orientation as Pillow's <c>ImageOps.exif_transpose</c> applies it (pixels.md §2): a pure pixel permutation,
/// so it gives the same bytes before or after a per-pixel mode conversion.
/// </summary>
public static class Orientation
{
    /// <summary>True for the tags (5–8) whose transpose swaps width and height.</summary>
    public static bool SwapsAxes(int exifOrientation) => exifOrientation is >= 5 and <= 8;

    /// <summary>The size of a <paramref name="width"/>×<paramref name="height"/> image after applying <paramref name="exifOrientation"/>.</summary>
    public static (int Width, int Height) OrientedSize(int width, int height, int exifOrientation) =>
        SwapsAxes(exifOrientation) ? (height, width) : (width, height);

    /// <summary>
    /// Writes <paramref name="source"/> transposed for <paramref name="exifOrientation"/> into <paramref name="destination"/>,
    /// tightly packed in the source's pixel format, with the size <see cref="OrientedSize"/> gives. Tags other than 2–8
    /// (1, missing, 0, 9, …) copy the image unchanged, as Pillow does. Allocates nothing.
    /// </summary>
    /// <remarks>With W×H the source size, out[y][x] is: 2 in[y][W−1−x]; 3 in[H−1−y][W−1−x]; 4 in[H−1−y][x];
    /// 5 in[x][y]; 6 in[H−1−x][y]; 7 in[H−1−x][W−1−y]; 8 in[x][W−1−y].</remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the oriented image.</exception>
    public static void Apply(ImageView source, int exifOrientation, Span<byte> destination)
    {
        int bpp = source.Format.BytesPerPixel();
        int w = source.Width, h = source.Height, stride = source.Stride;
        (int outWidth, int outHeight) = OrientedSize(w, h, exifOrientation);
        int outRow = outWidth * bpp;
        if (destination.Length < (long)outRow * outHeight)
            throw new ArgumentException($"An oriented {outWidth}×{outHeight} {source.Format} image needs {(long)outRow * outHeight} bytes; the span holds {destination.Length}.", nameof(destination));

        ReadOnlySpan<byte> data = source.Data;
        for (int y = 0; y < outHeight; y++)
        {
            // Source offset of out[y][0] and the source step as x grows.
            (long start, int step) = exifOrientation switch
            {
                2 => ((long)y * stride + (long)(w - 1) * bpp, -bpp),
                3 => ((long)(h - 1 - y) * stride + (long)(w - 1) * bpp, -bpp),
                4 => ((long)(h - 1 - y) * stride, bpp),
                5 => ((long)y * bpp, stride),
                6 => ((long)(h - 1) * stride + (long)y * bpp, -stride),
                7 => ((long)(h - 1) * stride + (long)(w - 1 - y) * bpp, -stride),
                8 => ((long)(w - 1 - y) * bpp, stride),
                _ => ((long)y * stride, bpp),
            };
            Span<byte> row = destination.Slice(y * outRow, outRow);
            if (step == bpp)
            {
                data.Slice((int)start, outRow).CopyTo(row);
                continue;
            }
            int s = (int)start;
            switch (bpp)
            {
                case 3:
                    for (int d = 0; d < outRow; d += 3, s += step)
                    {
                        row[d] = data[s];
                        row[d + 1] = data[s + 1];
                        row[d + 2] = data[s + 2];
                    }
                    break;
                case 4:
                    for (int d = 0; d < outRow; d += 4, s += step)
                        BinaryPrimitives.WriteUInt32LittleEndian(row.Slice(d), BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(s)));
                    break;
                default:
                    for (int d = 0; d < outRow; d += bpp, s += step)
                        data.Slice(s, bpp).CopyTo(row.Slice(d, bpp));
                    break;
            }
        }
    }
}

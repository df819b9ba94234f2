using System;
using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>
/// Conversion of any <see cref="PixelFormat"/> to tightly packed RGB24 with Pillow's <c>convert("RGB")</c> rules: alpha is
/// dropped (never composited), grey is replicated, a 16-bit grey sample is <em>clamped</em> to 255 (Pillow's <c>I;16</c> →
/// RGB), and 16-bit colour samples keep their high byte (Pillow's 16-bit PNG RGB/RGBA modes).
/// </summary>
public static class PixelConversion
{
    /// <summary>Whether the resampler reads <paramref name="format"/> directly (no conversion pass needed).</summary>
    public static bool IsDirectlyResamplable(PixelFormat format) =>
        format is PixelFormat.Rgb24 or PixelFormat.Rgba32 or PixelFormat.Bgra32 or PixelFormat.Gray8;

    /// <summary>Writes <paramref name="source"/> as RGB24 into <paramref name="destination"/> (at least width × height × 3 bytes).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void ToRgb24(ImageView source, Span<byte> destination)
    {
        long needed = (long)source.Width * source.Height * 3;
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; a {source.Width}×{source.Height} RGB image needs {needed}.", nameof(destination));
        int w = source.Width;
        for (int y = 0; y < source.Height; y++)
        {
            var row = source.Row(y);
            var dst = destination.Slice(y * w * 3, w * 3);
            switch (source.Format)
            {
                case PixelFormat.Rgb24:
                    row.CopyTo(dst);
                    break;
                case PixelFormat.Rgba32:
                    for (int x = 0; x < w; x++) { dst[3 * x] = row[4 * x]; dst[3 * x + 1] = row[4 * x + 1]; dst[3 * x + 2] = row[4 * x + 2]; }
                    break;
                case PixelFormat.Bgra32:
                    for (int x = 0; x < w; x++) { dst[3 * x] = row[4 * x + 2]; dst[3 * x + 1] = row[4 * x + 1]; dst[3 * x + 2] = row[4 * x]; }
                    break;
                case PixelFormat.Gray8:
                    for (int x = 0; x < w; x++) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = row[x];
                    break;
                case PixelFormat.GrayAlpha16:
                    for (int x = 0; x < w; x++) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = row[2 * x];
                    break;
                case PixelFormat.Gray16:
                    for (int x = 0; x < w; x++)
                    {
                        ushort v = Sample(row, x);
                        dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = v > 255 ? (byte)255 : (byte)v;
                    }
                    break;
                case PixelFormat.Rgb48:
                case PixelFormat.Rgba64:
                    int samples = source.Format == PixelFormat.Rgb48 ? 3 : 4;
                    for (int x = 0; x < w; x++)
                        for (int c = 0; c < 3; c++)
                            dst[3 * x + c] = (byte)(Sample(row, x * samples + c) >> 8);
                    break;
                default:
                    throw new ArgumentException($"Unknown pixel format {source.Format}.", nameof(source));
            }
        }
    }

    private static ushort Sample(ReadOnlySpan<byte> row, int index) =>
        BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(row.Slice(2 * index, 2))
            : BinaryPrimitives.ReadUInt16BigEndian(row.Slice(2 * index, 2));
}

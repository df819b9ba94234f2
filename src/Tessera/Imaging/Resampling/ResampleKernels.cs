using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Imaging.Resampling;

/// <summary>How the resampler reads a source pixel: bytes per pixel and where R, G, B sit (grey: one channel).</summary>
internal readonly struct SourceLayout
{
    private SourceLayout(int bytesPerPixel, int r, int g, int b, bool gray)
    {
        BytesPerPixel = bytesPerPixel;
        R = r;
        G = g;
        B = b;
        IsGray = gray;
    }

    public int BytesPerPixel { get; }
    public int R { get; }
    public int G { get; }
    public int B { get; }
    public bool IsGray { get; }

    /// <summary>Samples per pixel the resampler produces: 1 for grey, 3 otherwise.</summary>
    public int Channels => IsGray ? 1 : 3;

    public static bool TryGet(PixelFormat format, out SourceLayout layout)
    {
        switch (format)
        {
            case PixelFormat.Rgb24: layout = new SourceLayout(3, 0, 1, 2, false); return true;
            case PixelFormat.Rgba32: layout = new SourceLayout(4, 0, 1, 2, false); return true;
            case PixelFormat.Bgra32: layout = new SourceLayout(4, 2, 1, 0, false); return true;
            case PixelFormat.Gray8: layout = new SourceLayout(1, 0, 0, 0, true); return true;
            default: layout = default; return false;
        }
    }
}

/// <summary>
/// The two 8-bit convolution passes of Pillow's resampler (pixels.md §3.4), each with a scalar path and an x86 SIMD
/// path. All arithmetic is integer, so both paths give the same bytes: the SIMD horizontal pass splits every weight
/// into K = High·2^15 + Low and uses 16-bit multiply-add; its sums may wrap, but they wrap modulo 2^32 exactly like the
/// true sum, which itself fits in 32 bits, so the final value is identical.
/// </summary>
internal static unsafe class ResampleKernels
{
    private const int Half = 1 << (AxisCoefficients.PrecisionBits - 1);

    /// <summary>Whether the SIMD paths can run on this machine (AVX2 implies the SSSE3/SSE4.1 the kernels use).</summary>
    public static bool SimdAvailable => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int acc)
    {
        int v = acc >> AxisCoefficients.PrecisionBits;
        return v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
    }

    /// <summary>
    /// Horizontal pass: rows <paramref name="firstRow"/> … <paramref name="firstRow"/> + <paramref name="rows"/> − 1
    /// of the source become rows 0 … <paramref name="rows"/> − 1 of <paramref name="dst"/>
    /// (<see cref="SourceLayout.Channels"/> bytes per output pixel).
    /// </summary>
    public static void Horizontal(ReadOnlySpan<byte> src, int srcStride, SourceLayout layout, int firstRow, int rows,
        Span<byte> dst, int dstStride, AxisCoefficients coeffs, bool simd)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* bounds = coeffs.Bounds)
        fixed (int* k = coeffs.Fixed)
        fixed (short* lo = coeffs.Low)
        fixed (short* hi = coeffs.High)
        fixed (int* expanded = coeffs.Expanded)
        {
            for (int y = 0; y < rows; y++)
            {
                long rowStart = (long)(firstRow + y) * srcStride;
                byte* srow = s + rowStart;
                long avail = src.Length - rowStart;
                byte* drow = d + (long)y * dstStride;
                long dAvail = dst.Length - (long)y * dstStride;
                if (layout.IsGray)
                {
                    if (simd)
                        HorizontalRowGraySimd(srow, avail, drow, coeffs.OutSize, bounds, k, lo, hi, coeffs.Stride);
                    else
                        HorizontalRowGrayScalar(srow, drow, coeffs.OutSize, bounds, k, coeffs.Stride);
                }
                else if (simd)
                {
                    HorizontalRowColorSimd(srow, avail, layout, drow, dAvail, coeffs.OutSize, bounds, k, expanded, coeffs.Stride);
                }
                else
                {
                    HorizontalRowColorScalar(srow, layout, drow, coeffs.OutSize, bounds, k, coeffs.Stride);
                }
            }
        }
    }

    private static void HorizontalRowGrayScalar(byte* srow, byte* drow, int outSize, int* bounds, int* k, int stride)
    {
        for (int x = 0; x < outSize; x++)
        {
            int xmin = bounds[2 * x], n = bounds[2 * x + 1];
            int* kx = k + (long)x * stride;
            byte* p = srow + xmin;
            int acc = Half;
            for (int j = 0; j < n; j++)
                acc += p[j] * kx[j];
            drow[x] = Clip8(acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColorPixelScalar(byte* srow, SourceLayout layout, byte* dpx, int xmin, int n, int* kx)
    {
        int bpp = layout.BytesPerPixel;
        byte* p = srow + (long)xmin * bpp;
        int r = Half, g = Half, b = Half;
        int or = layout.R, og = layout.G, ob = layout.B;
        for (int j = 0; j < n; j++)
        {
            int kj = kx[j];
            r += p[or] * kj;
            g += p[og] * kj;
            b += p[ob] * kj;
            p += bpp;
        }

        dpx[0] = Clip8(r);
        dpx[1] = Clip8(g);
        dpx[2] = Clip8(b);
    }

    private static void HorizontalRowColorScalar(byte* srow, SourceLayout layout, byte* drow, int outSize, int* bounds, int* k, int stride)
    {
        for (int x = 0; x < outSize; x++)
            ColorPixelScalar(srow, layout, drow + 3L * x, bounds[2 * x], bounds[2 * x + 1], k + (long)x * stride);
    }

    /// <summary>
    /// vpshufb mask for 16 source bytes broadcast to both lanes: the low lane becomes the 16-bit samples
    /// [R0, R1, G0, G1, B0, B1, 0, 0] of pixels 0 and 1, the high lane the same for pixels 2 and 3.
    /// </summary>
    private static Vector256<byte> QuadMask(SourceLayout layout)
    {
        byte bpp = (byte)layout.BytesPerPixel, r = (byte)layout.R, g = (byte)layout.G, b = (byte)layout.B;
        const byte Z = 0x80;
        byte q = (byte)(2 * bpp);
        return Vector256.Create(
            r, Z, (byte)(r + bpp), Z, g, Z, (byte)(g + bpp), Z, b, Z, (byte)(b + bpp), Z, Z, Z, Z, Z,
            (byte)(r + q), Z, (byte)(r + q + bpp), Z, (byte)(g + q), Z, (byte)(g + q + bpp), Z,
            (byte)(b + q), Z, (byte)(b + q + bpp), Z, Z, Z, Z, Z);
    }

    private static void HorizontalRowColorSimd(byte* srow, long avail, SourceLayout layout, byte* drow, long dAvail,
        int outSize, int* bounds, int* k, int* expanded, int stride)
    {
        int bpp = layout.BytesPerPixel;
        Vector256<byte> mask = QuadMask(layout);
        Vector128<int> half = Vector128.Create(Half);
        for (int x = 0; x < outSize; x++)
        {
            int xmin = bounds[2 * x], n = bounds[2 * x + 1];
            int groups = (n + 3) >> 2;
            byte* dpx = drow + 3L * x;
            // The last group load reads 16 bytes from pixel xmin + 4·(groups − 1); fall back to scalar where that
            // would leave the source span, or where the 4-byte store would leave the destination.
            if (((long)xmin + 4 * groups - 4) * bpp + 16 > avail || 3L * x + 4 > dAvail)
            {
                ColorPixelScalar(srow, layout, dpx, xmin, n, k + (long)x * stride);
                continue;
            }

            byte* p = srow + (long)xmin * bpp;
            int* e = expanded + (long)x * stride * 4;
            Vector256<int> accLo = Vector256<int>.Zero, accHi = Vector256<int>.Zero;
            for (int i = 0; i < groups; i++)
            {
                Vector256<short> px = Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(p), mask).AsInt16();
                accLo = Avx2.Add(accLo, Avx2.MultiplyAddAdjacent(px, Avx.LoadVector256(e).AsInt16()));
                accHi = Avx2.Add(accHi, Avx2.MultiplyAddAdjacent(px, Avx.LoadVector256(e + 8).AsInt16()));
                p += 4 * bpp;
                e += 16;
            }

            Vector128<int> lo = Sse2.Add(accLo.GetLower(), accLo.GetUpper());
            Vector128<int> hi = Sse2.Add(accHi.GetLower(), accHi.GetUpper());
            Vector128<int> acc = Sse2.Add(Sse2.Add(Sse2.ShiftLeftLogical(hi, 15), lo), half);
            acc = Sse2.ShiftRightArithmetic(acc, AxisCoefficients.PrecisionBits);
            Vector128<short> s16 = Sse2.PackSignedSaturate(acc, acc);
            Vector128<byte> u8 = Sse2.PackUnsignedSaturate(s16, s16);
            *(uint*)dpx = u8.AsUInt32().ToScalar();
        }
    }

    private static void HorizontalRowGraySimd(byte* srow, long avail, byte* drow, int outSize, int* bounds, int* k,
        short* lo, short* hi, int stride)
    {
        for (int x = 0; x < outSize; x++)
        {
            int xmin = bounds[2 * x], n = bounds[2 * x + 1];
            int groups = (n + 7) >> 3;
            if ((long)xmin + 8L * groups > avail)
            {
                int* kx = k + (long)x * stride;
                int a = Half;
                for (int j = 0; j < n; j++)
                    a += srow[xmin + j] * kx[j];
                drow[x] = Clip8(a);
                continue;
            }

            byte* p = srow + xmin;
            short* kl = lo + (long)x * stride;
            short* kh = hi + (long)x * stride;
            Vector128<int> accLo = Vector128<int>.Zero, accHi = Vector128<int>.Zero;
            for (int i = 0; i < groups; i++)
            {
                Vector128<short> px = Sse41.ConvertToVector128Int16(p);
                accLo = Sse2.Add(accLo, Sse2.MultiplyAddAdjacent(px, Sse2.LoadVector128(kl)));
                accHi = Sse2.Add(accHi, Sse2.MultiplyAddAdjacent(px, Sse2.LoadVector128(kh)));
                p += 8;
                kl += 8;
                kh += 8;
            }

            Vector128<int> acc = Sse2.Add(Sse2.ShiftLeftLogical(accHi, 15), accLo);
            acc = Sse2.Add(acc, Sse2.Shuffle(acc, 0b_01_00_11_10));
            acc = Sse2.Add(acc, Sse2.Shuffle(acc, 0b_10_11_00_01));
            drow[x] = Clip8(acc.ToScalar() + Half);
        }
    }

    /// <summary>
    /// Vertical pass: output row y = Σ_j K_j · source row (Bounds[2y] − <paramref name="rowShift"/> + j), over
    /// <paramref name="rowBytes"/> bytes per row (channels are interleaved and independent, so a row is just bytes).
    /// </summary>
    public static void Vertical(ReadOnlySpan<byte> src, int srcStride, int rowShift, int rowBytes,
        Span<byte> dst, int dstStride, int firstOutRow, int outRows, AxisCoefficients coeffs, bool simd)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* bounds = coeffs.Bounds)
        fixed (int* k = coeffs.Fixed)
        {
            for (int r = 0; r < outRows; r++)
            {
                int y = firstOutRow + r;
                int ymin = bounds[2 * y] - rowShift, n = bounds[2 * y + 1];
                int* ky = k + (long)y * coeffs.Stride;
                byte* first = s + (long)ymin * srcStride;
                byte* drow = d + (long)r * dstStride;
                int x = 0;
                if (simd)
                    x = VerticalRowSimd(first, srcStride, n, ky, drow, rowBytes);
                for (; x < rowBytes; x++)
                {
                    int acc = Half;
                    byte* p = first + x;
                    for (int j = 0; j < n; j++)
                    {
                        acc += *p * ky[j];
                        p += srcStride;
                    }

                    drow[x] = Clip8(acc);
                }
            }
        }
    }

    /// <summary>Vectorised part of one vertical output row; returns how many bytes it wrote.</summary>
    private static int VerticalRowSimd(byte* first, int srcStride, int n, int* ky, byte* drow, int rowBytes)
    {
        int x = 0;
        Vector256<int> half = Vector256.Create(Half);
        for (; x + 32 <= rowBytes; x += 32)
        {
            Vector256<int> a0 = half, a1 = half, a2 = half, a3 = half;
            byte* p = first + x;
            for (int j = 0; j < n; j++)
            {
                Vector256<int> kj = Vector256.Create(ky[j]);
                a0 = Avx2.Add(a0, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p), kj));
                a1 = Avx2.Add(a1, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 8), kj));
                a2 = Avx2.Add(a2, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 16), kj));
                a3 = Avx2.Add(a3, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 24), kj));
                p += srcStride;
            }

            Sse2.Store(drow + x, Narrow(a0, a1));
            Sse2.Store(drow + x + 16, Narrow(a2, a3));
        }

        for (; x + 16 <= rowBytes; x += 16)
        {
            Vector256<int> a0 = half, a1 = half;
            byte* p = first + x;
            for (int j = 0; j < n; j++)
            {
                Vector256<int> kj = Vector256.Create(ky[j]);
                a0 = Avx2.Add(a0, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p), kj));
                a1 = Avx2.Add(a1, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 8), kj));
                p += srcStride;
            }

            Sse2.Store(drow + x, Narrow(a0, a1));
        }

        return x;
    }

    /// <summary>Shifts 16 accumulators down by the precision and clips them to bytes, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Narrow(Vector256<int> a0, Vector256<int> a1)
    {
        a0 = Avx2.ShiftRightArithmetic(a0, AxisCoefficients.PrecisionBits);
        a1 = Avx2.ShiftRightArithmetic(a1, AxisCoefficients.PrecisionBits);
        Vector128<short> s0 = Sse2.PackSignedSaturate(a0.GetLower(), a0.GetUpper());
        Vector128<short> s1 = Sse2.PackSignedSaturate(a1.GetLower(), a1.GetUpper());
        return Sse2.PackUnsignedSaturate(s0, s1);
    }
}

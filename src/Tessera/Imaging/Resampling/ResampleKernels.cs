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
        if (rows > 0 && (long)(rows - 1) * dstStride + (long)coeffs.OutSize * layout.Channels > dst.Length)
            throw new ArgumentException($"{rows} rows of {coeffs.OutSize} pixels do not fit the destination.", nameof(dst));
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* bounds = coeffs.Bounds)
        fixed (int* k = coeffs.Fixed)
        fixed (short* lo = coeffs.Low)
        fixed (short* hi = coeffs.High)
        fixed (int* pairs = coeffs.Pairs)
        {
            if (simd && !layout.IsGray)
            {
                // Four rows per sweep over the outputs: each output's weights are read once for all of them. A short
                // last block repeats its final row (same bytes written twice to the same place).
                for (int y = 0; y < rows; y += 4)
                {
                    int y1 = Math.Min(y + 1, rows - 1), y2 = Math.Min(y + 2, rows - 1), y3 = Math.Min(y + 3, rows - 1);
                    long last = (long)(firstRow + y3) * srcStride;
                    HorizontalRowsColorSimd(
                        s + (long)(firstRow + y) * srcStride, s + (long)(firstRow + y1) * srcStride,
                        s + (long)(firstRow + y2) * srcStride, s + last, src.Length - last, layout,
                        d + (long)y * dstStride, d + (long)y1 * dstStride, d + (long)y2 * dstStride, d + (long)y3 * dstStride,
                        coeffs.OutSize, bounds, k, pairs, coeffs.Stride);
                }

                return;
            }

            for (int y = 0; y < rows; y++)
            {
                long rowStart = (long)(firstRow + y) * srcStride;
                byte* srow = s + rowStart;
                long avail = src.Length - rowStart;
                byte* drow = d + (long)y * dstStride;
                if (!layout.IsGray)
                    HorizontalRowColorScalar(srow, layout, drow, coeffs.OutSize, bounds, k, coeffs.Stride);
                else if (simd)
                    HorizontalRowGraySimd(srow, avail, drow, coeffs.OutSize, bounds, k, lo, hi, coeffs.Stride);
                else
                    HorizontalRowGrayScalar(srow, drow, coeffs.OutSize, bounds, k, coeffs.Stride);
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
    /// vpshufb mask for 16 source bytes starting at pixel 0, the same in both lanes: the 16-bit samples
    /// [R, R', G, G', B, B', 0, 0] of pixels <paramref name="first"/> and <paramref name="first"/> + 1.
    /// </summary>
    private static Vector256<byte> PairMask(SourceLayout layout, int first)
    {
        int bpp = layout.BytesPerPixel;
        byte r = (byte)(layout.R + first * bpp), g = (byte)(layout.G + first * bpp), b = (byte)(layout.B + first * bpp);
        byte r1 = (byte)(r + bpp), g1 = (byte)(g + bpp), b1 = (byte)(b + bpp);
        const byte Z = 0x80;
        return Vector256.Create(
            r, Z, r1, Z, g, Z, g1, Z, b, Z, b1, Z, Z, Z, Z, Z,
            r, Z, r1, Z, g, Z, g1, Z, b, Z, b1, Z, Z, Z, Z, Z);
    }

    /// <summary>16 bytes of row <paramref name="a"/> in the low lane and of row <paramref name="b"/> in the high lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> TwoRows(byte* a, byte* b) =>
        Avx2.InsertVector128(Sse2.LoadVector128(a).ToVector256Unsafe(), Sse2.LoadVector128(b), 1);

    /// <summary>
    /// Horizontal pass over four source rows at once (<paramref name="s0"/> … <paramref name="s3"/>, in increasing
    /// address order; they may repeat). Rows 0 and 1 share one 256-bit register (one per lane), rows 2 and 3 another,
    /// so each pair of taps costs one broadcast of its packed low and high weights for all four rows and there is no
    /// horizontal reduction: lane dwords 0–2 accumulate R, G, B. <paramref name="avail"/> is the number of source bytes
    /// readable from <paramref name="s3"/>; outputs whose last 16-byte load would pass it are computed by the scalar code.
    /// </summary>
    private static void HorizontalRowsColorSimd(byte* s0, byte* s1, byte* s2, byte* s3, long avail, SourceLayout layout,
        byte* d0, byte* d1, byte* d2, byte* d3, int outSize, int* bounds, int* k, int* pairs, int stride)
    {
        int bpp = layout.BytesPerPixel;
        Vector256<byte> m01 = PairMask(layout, 0), m23 = PairMask(layout, 2);
        Vector256<int> half = Vector256.Create(Half);
        for (int x = 0; x < outSize; x++)
        {
            int xmin = bounds[2 * x], n = bounds[2 * x + 1];
            int npairs = (n + 1) >> 1;
            int quads = npairs >> 1;
            bool odd = (npairs & 1) != 0;
            long lastLoad = (long)xmin + 4L * (odd ? quads : quads - 1);
            if (lastLoad * bpp + 16 > avail)
            {
                int* kx = k + (long)x * stride;
                ColorPixelScalar(s0, layout, d0 + 3L * x, xmin, n, kx);
                ColorPixelScalar(s1, layout, d1 + 3L * x, xmin, n, kx);
                ColorPixelScalar(s2, layout, d2 + 3L * x, xmin, n, kx);
                ColorPixelScalar(s3, layout, d3 + 3L * x, xmin, n, kx);
                continue;
            }

            long off = (long)xmin * bpp;
            int* w = pairs + (long)x * stride;
            // The rounding half starts in the low accumulators: (High·2^15 + Low sums) + Half, all modulo 2^32.
            Vector256<int> loA = half, hiA = Vector256<int>.Zero;
            Vector256<int> loB = half, hiB = Vector256<int>.Zero;
            for (int q = 0; q < quads; q++)
            {
                Vector256<byte> a = TwoRows(s0 + off, s1 + off), b = TwoRows(s2 + off, s3 + off);
                Vector256<short> wl01 = Vector256.Create(w[0]).AsInt16(), wh01 = Vector256.Create(w[1]).AsInt16();
                Vector256<short> wl23 = Vector256.Create(w[2]).AsInt16(), wh23 = Vector256.Create(w[3]).AsInt16();
                Vector256<short> a01 = Avx2.Shuffle(a, m01).AsInt16(), a23 = Avx2.Shuffle(a, m23).AsInt16();
                Vector256<short> b01 = Avx2.Shuffle(b, m01).AsInt16(), b23 = Avx2.Shuffle(b, m23).AsInt16();
                loA = MulAdd(MulAdd(loA, a01, wl01), a23, wl23);
                hiA = MulAdd(MulAdd(hiA, a01, wh01), a23, wh23);
                loB = MulAdd(MulAdd(loB, b01, wl01), b23, wl23);
                hiB = MulAdd(MulAdd(hiB, b01, wh01), b23, wh23);
                off += 4 * bpp;
                w += 4;
            }

            if (odd)
            {
                Vector256<short> a01 = Avx2.Shuffle(TwoRows(s0 + off, s1 + off), m01).AsInt16();
                Vector256<short> b01 = Avx2.Shuffle(TwoRows(s2 + off, s3 + off), m01).AsInt16();
                Vector256<short> wl01 = Vector256.Create(w[0]).AsInt16(), wh01 = Vector256.Create(w[1]).AsInt16();
                loA = MulAdd(loA, a01, wl01);
                hiA = MulAdd(hiA, a01, wh01);
                loB = MulAdd(loB, b01, wl01);
                hiB = MulAdd(hiB, b01, wh01);
            }

            Vector256<int> accA = Avx2.ShiftRightArithmetic(
                Avx2.Add(Avx2.ShiftLeftLogical(hiA, 15), loA), AxisCoefficients.PrecisionBits);
            Vector256<int> accB = Avx2.ShiftRightArithmetic(
                Avx2.Add(Avx2.ShiftLeftLogical(hiB, 15), loB), AxisCoefficients.PrecisionBits);
            // Per lane: dwords 0–3 of A then of B → bytes 0–3 row 0 | 4–7 row 2 (low lane), row 1 | row 3 (high lane).
            Vector256<short> s16 = Avx2.PackSignedSaturate(accA, accB);
            Vector256<byte> u8 = Avx2.PackUnsignedSaturate(s16, s16);
            ulong low = u8.GetLower().AsUInt64().ToScalar(), high = u8.GetUpper().AsUInt64().ToScalar();
            long o = 3L * x;
            if (x + 1 < outSize)
            {
                // 4-byte stores: the spare byte lands on the next output of the same row, which is written later.
                *(uint*)(d0 + o) = (uint)low;
                *(uint*)(d2 + o) = (uint)(low >> 32);
                *(uint*)(d1 + o) = (uint)high;
                *(uint*)(d3 + o) = (uint)(high >> 32);
            }
            else
            {
                Store3(d0 + o, (uint)low);
                Store3(d2 + o, (uint)(low >> 32));
                Store3(d1 + o, (uint)high);
                Store3(d3 + o, (uint)(high >> 32));
            }
        }
    }

    /// <summary>
    /// <paramref name="acc"/> + pmaddwd(<paramref name="a"/>, <paramref name="b"/>): one fused vpdpwssd where AVX-VNNI
    /// exists on net9.0+ (it does not saturate, so the sums are the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MulAdd(Vector256<int> acc, Vector256<short> a, Vector256<short> b)
    {
#if NET9_0_OR_GREATER
        // (AvxVnni is a preview API on net8.0; there the two-instruction form runs.)
        if (AvxVnni.IsSupported)
            return AvxVnni.MultiplyWideningAndAdd(acc, a, b);
#endif
        return Avx2.Add(acc, Avx2.MultiplyAddAdjacent(a, b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(byte* p, uint rgb)
    {
        *(ushort*)p = (ushort)rgb;
        p[2] = (byte)(rgb >> 16);
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
        fixed (int* pairs = coeffs.Pairs)
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
                    x = VerticalRowSimd(first, srcStride, n, ky, pairs + (long)y * coeffs.Stride, drow, rowBytes);
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
    private static int VerticalRowSimd(byte* first, int srcStride, int n, int* ky, int* pairs, byte* drow, int rowBytes)
    {
        int x = VerticalRowPairsSimd(first, srcStride, n, pairs, drow, rowBytes);
        Vector256<int> half = Vector256.Create(Half);
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

    /// <summary>
    /// 32 output bytes at a time, two taps per step: the bytes of rows j and j + 1 are interleaved as 16-bit pairs and
    /// multiplied by the packed low and high weight pairs of <see cref="AxisCoefficients.Pairs"/> with pmaddwd (exact,
    /// as in the horizontal pass). With an odd tap count the last step pairs row n − 1 with itself under a zero weight,
    /// so no row past the window is read. Returns how many bytes it wrote (a multiple of 32).
    /// </summary>
    private static int VerticalRowPairsSimd(byte* first, int srcStride, int n, int* pairs, byte* drow, int rowBytes)
    {
        int x = 0;
        Vector256<int> half = Vector256.Create(Half);
        int npairs = (n + 1) >> 1;
        for (; x + 32 <= rowBytes; x += 32)
        {
            Vector256<int> l0 = half, l1 = half, l2 = half, l3 = half;
            Vector256<int> h0 = Vector256<int>.Zero, h1 = Vector256<int>.Zero, h2 = Vector256<int>.Zero, h3 = Vector256<int>.Zero;
            byte* p = first + x;
            int* w = pairs;
            for (int m = 0; m < npairs; m++)
            {
                byte* q = 2 * m + 1 < n ? p + srcStride : p;
                Vector256<short> wl = Vector256.Create(w[0]).AsInt16(), wh = Vector256.Create(w[1]).AsInt16();
                Vector256<short> a0 = Avx2.ConvertToVector256Int16(p), b0 = Avx2.ConvertToVector256Int16(q);
                Vector256<short> a1 = Avx2.ConvertToVector256Int16(p + 16), b1 = Avx2.ConvertToVector256Int16(q + 16);
                // Per lane, UnpackLow holds bytes 0–3 (8–11) and UnpackHigh bytes 4–7 (12–15) as (row j, row j + 1) pairs.
                Vector256<short> u0 = Avx2.UnpackLow(a0, b0), v0 = Avx2.UnpackHigh(a0, b0);
                Vector256<short> u1 = Avx2.UnpackLow(a1, b1), v1 = Avx2.UnpackHigh(a1, b1);
                l0 = MulAdd(l0, u0, wl);
                h0 = MulAdd(h0, u0, wh);
                l1 = MulAdd(l1, v0, wl);
                h1 = MulAdd(h1, v0, wh);
                l2 = MulAdd(l2, u1, wl);
                h2 = MulAdd(h2, u1, wh);
                l3 = MulAdd(l3, v1, wl);
                h3 = MulAdd(h3, v1, wh);
                p += 2L * srcStride;
                w += 2;
            }

            // packs(u, v) restores byte order within each lane; packus then interleaves the two 16-byte halves by
            // lane, which vpermq undoes.
            Vector256<short> s0 = Avx2.PackSignedSaturate(Combine(l0, h0), Combine(l1, h1));
            Vector256<short> s1 = Avx2.PackSignedSaturate(Combine(l2, h2), Combine(l3, h3));
            Vector256<byte> bytes = Avx2.PackUnsignedSaturate(s0, s1);
            Avx.Store(drow + x, Avx2.Permute4x64(bytes.AsUInt64(), 0b_11_01_10_00).AsByte());
        }

        return x;
    }

    /// <summary>(High sums · 2^15 + Low sums) » PrecisionBits, lane by lane (the rounding half is already in Low).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Combine(Vector256<int> lo, Vector256<int> hi) =>
        Avx2.ShiftRightArithmetic(Avx2.Add(Avx2.ShiftLeftLogical(hi, 15), lo), AxisCoefficients.PrecisionBits);

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

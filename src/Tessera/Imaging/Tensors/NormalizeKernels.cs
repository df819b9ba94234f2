using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Imaging.Tensors;

/// <summary>
/// The unchecked loops behind <see cref="PixelTensors"/>: interleaved RGB24 rows in, planar float32 / binary16 /
/// bfloat16 out. Callers have validated every size and pointer range.
/// </summary>
/// <remarks>
/// <para>Every path gives identical bits. The scalar path looks every byte up in the 768-entry
/// <see cref="NormalizationTable"/>, whose entries are the exact scalar formula. The SIMD paths de-interleave 16
/// pixels with byte shuffles, then either gather the 16 table entries per channel (AVX2; the fastest) or widen to
/// int32, convert to float and evaluate <c>(v / 255 − mean) / std</c> per lane (other SIMD hardware): vector
/// subtraction and division are correctly rounded IEEE operations, exactly like the scalar ones, and nothing is
/// fused or reordered, so every lane equals the table entry. Tails shorter than 16 pixels use the table.</para>
/// <para>16-bit outputs: the scalar and gather paths read the table's converted entries; the arithmetic path
/// computes float32 vectors into a stack buffer and converts them (binary16 through
/// <see cref="TensorPrimitives.ConvertToHalf"/>, bfloat16 with an integer round-to-nearest-even), both
/// round-to-nearest-even from the same float32.</para>
/// </remarks>
internal static unsafe class NormalizeKernels
{
    /// <summary>Pixels per stack-buffer chunk on the 16-bit and patch paths.</summary>
    internal const int ChunkPixels = 256;

    [ThreadStatic]
    private static KernelPath t_path;

    /// <summary>Test and benchmark switch (per thread, so parallel tests do not see each other's setting): the
    /// path to take; <see cref="KernelPath.Auto"/> picks the fastest the hardware supports.</summary>
    internal static KernelPath Path
    {
        get => t_path;
        set => t_path = value;
    }

    /// <summary>Test switch: force the scalar table path even where SIMD is available.</summary>
    internal static bool ForceScalar
    {
        get => t_path == KernelPath.Scalar;
        set => t_path = value ? KernelPath.Scalar : KernelPath.Auto;
    }

    /// <summary>Whether the SIMD path can run here (false under <c>DOTNET_EnableHWIntrinsic=0</c>).</summary>
    internal static bool SimdAvailable => Vector128.IsHardwareAccelerated;

    /// <summary>The path the public API takes (false = scalar).</summary>
    internal static bool UseSimd => SimdAvailable && t_path != KernelPath.Scalar;

    /// <summary>AVX2 gathers from the table (the fastest path where AVX2 exists).</summary>
    private static bool UseGather => Avx2.IsSupported && t_path is KernelPath.Auto or KernelPath.Gather;

    /// <summary>256-bit arithmetic, unless a test asked for the 128-bit lanes other hardware takes.</summary>
    private static bool Use256 => Avx2.IsSupported && t_path != KernelPath.Vector128Arithmetic;

    // Shuffle masks that pull channel ch of 16 consecutive RGB pixels out of the k-th 16-byte slice of their 48
    // bytes; lanes whose byte lives in another slice get 0x80 (a zero under pshufb, tbl and Vector128.Shuffle).
    private static readonly Vector128<byte> s_r0 = Mask(0, 0), s_r1 = Mask(0, 1), s_r2 = Mask(0, 2);
    private static readonly Vector128<byte> s_g0 = Mask(1, 0), s_g1 = Mask(1, 1), s_g2 = Mask(1, 2);
    private static readonly Vector128<byte> s_b0 = Mask(2, 0), s_b1 = Mask(2, 1), s_b2 = Mask(2, 2);

    private static Vector128<byte> Mask(int channel, int slice)
    {
        Span<byte> m = stackalloc byte[16];
        for (int j = 0; j < 16; j++)
        {
            int at = 3 * j + channel - 16 * slice;
            m[j] = at is >= 0 and < 16 ? (byte)at : (byte)0x80;
        }
        return Vector128.Create((ReadOnlySpan<byte>)m);
    }

    /// <summary>Normalises <paramref name="count"/> interleaved pixels at <paramref name="src"/> into three float32 planes.</summary>
    internal static void RowFloat32(byte* src, int count, NormalizationTable table, float* r, float* g, float* b, bool simd)
    {
        int i = 0;
        if (simd && count >= 16 && UseGather)
        {
            fixed (float* lut = table.Float32)
            {
                for (; i <= count - 16; i += 16)
                {
                    Deinterleave16(src + 3 * i, out Vector128<byte> vr, out Vector128<byte> vg, out Vector128<byte> vb);
                    Gather16(vr, lut, r + i);
                    Gather16(vg, lut + 256, g + i);
                    Gather16(vb, lut + 512, b + i);
                }
            }
        }
        else if (simd && count >= 16)
        {
            NormalizationConstants k = table.Constants;
            for (; i <= count - 16; i += 16)
            {
                Deinterleave16(src + 3 * i, out Vector128<byte> vr, out Vector128<byte> vg, out Vector128<byte> vb);
                Emit16(vr, r + i, k.MeanR, k.StdR);
                Emit16(vg, g + i, k.MeanG, k.StdG);
                Emit16(vb, b + i, k.MeanB, k.StdB);
            }
        }
        fixed (float* lut = table.Float32)
        {
            for (; i < count; i++)
            {
                byte* p = src + 3 * i;
                r[i] = lut[p[0]];
                g[i] = lut[256 + p[1]];
                b[i] = lut[512 + p[2]];
            }
        }
    }

    /// <summary>Whether <see cref="QwenPatchesFloat32"/> can run: AVX2 (gathers or 256-bit arithmetic) and a patch
    /// row of 8..16 pixels.</summary>
    internal static bool CanRunQwenPatchesFloat32(int patchSize) =>
        Avx2.IsSupported && patchSize is >= 8 and <= 16 && t_path is KernelPath.Auto or KernelPath.Gather or KernelPath.Arithmetic;

    /// <summary>
    /// Float32 Qwen2-VL patches straight from the source rows (no strip buffer, no copy back): each output row is
    /// written front to back while its patch is read; every patch row of p pixels is de-interleaved once, turned
    /// into pixels 0..7 and p−8..p−1 (two overlapping vectors per channel) and stored into all tp temporal copies.
    /// Auto and Arithmetic evaluate <c>(v / 255 − mean) / std</c> per lane (measured faster than gathers here: on
    /// 1260×784, 3.9 vs 5.5 ms; gathers are microcoded on recent Intel parts); Gather looks the table up. Both give
    /// the table's bits, like every other path (see the class remarks). The 48-byte load reads up to
    /// 48 − 3p bytes past a patch row; where that would pass <paramref name="srcEnd"/> the row is looked up per byte.
    /// </summary>
    internal static void QwenPatchesFloat32(byte* src, byte* srcEnd, int width, int height, int p, int m, int tp,
        NormalizationTable table, float* dst, long columns)
    {
        long stride = 3L * width;
        int gw = width / p, gh = height / p, blocksPerRow = gw / m;
        long blockFloats = (long)p * p;
        int tail = p - 8;
        // Picks bytes tail..tail+7 into lanes 0..7: the indices of pixels p−8..p−1 after widening.
        Vector128<byte> tailMask = Vector128.Create(
            (byte)tail, (byte)(tail + 1), (byte)(tail + 2), (byte)(tail + 3), (byte)(tail + 4), (byte)(tail + 5), (byte)(tail + 6), (byte)(tail + 7),
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        NormalizationConstants k = table.Constants;
        bool arithmetic = t_path != KernelPath.Gather;
        fixed (float* lut = table.Float32)
        {
            for (int gy = 0; gy < gh; gy++)
            {
                int bh = gy / m, mh = gy % m;
                byte* patchRow = src + (long)gy * p * stride;
                for (int gx = 0; gx < gw; gx++)
                {
                    int bw = gx / m, mw = gx % m;
                    long row = ((long)(bh * blocksPerRow + bw) * m + mh) * m + mw;
                    float* output = dst + row * columns;
                    byte* patch = patchRow + 3L * gx * p;
                    for (int py = 0; py < p; py++)
                    {
                        byte* s = patch + py * stride;
                        float* o = output + py * p;
                        if (s + 48 <= srcEnd)
                        {
                            Deinterleave16(s, out Vector128<byte> vr, out Vector128<byte> vg, out Vector128<byte> vb);
                            if (arithmetic)
                            {
                                ArithPatchRow(vr, tailMask, k.MeanR, k.StdR, o, tail, tp, blockFloats);
                                ArithPatchRow(vg, tailMask, k.MeanG, k.StdG, o + tp * blockFloats, tail, tp, blockFloats);
                                ArithPatchRow(vb, tailMask, k.MeanB, k.StdB, o + 2 * tp * blockFloats, tail, tp, blockFloats);
                            }
                            else
                            {
                                GatherPatchRow(vr, tailMask, lut, o, tail, tp, blockFloats);
                                GatherPatchRow(vg, tailMask, lut + 256, o + tp * blockFloats, tail, tp, blockFloats);
                                GatherPatchRow(vb, tailMask, lut + 512, o + 2 * tp * blockFloats, tail, tp, blockFloats);
                            }
                        }
                        else
                        {
                            for (int c = 0; c < 3; c++)
                            {
                                for (int px = 0; px < p; px++)
                                {
                                    float v = lut[256 * c + s[3 * px + c]];
                                    for (int tt = 0; tt < tp; tt++) o[(c * tp + tt) * blockFloats + px] = v;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Pixels 0..7 and tail..tail+7 of one channel of a patch row, by arithmetic, into every temporal copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ArithPatchRow(Vector128<byte> x, Vector128<byte> tailMask, float mean, float std, float* dst, int tail, int tp, long blockFloats)
    {
        Vector256<float> m = Vector256.Create(mean), sd = Vector256.Create(std), d255 = Vector256.Create(255f);
        Vector256<float> head = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(x));
        Vector256<float> last = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(Ssse3.Shuffle(x, tailMask)));
        head = (head / d255 - m) / sd;
        last = (last / d255 - m) / sd;
        for (int tt = 0; tt < tp; tt++)
        {
            float* d = dst + tt * blockFloats;
            head.Store(d);
            last.Store(d + tail);
        }
    }

    /// <summary>Pixels 0..7 and tail..tail+7 of one channel of a patch row, from the table, into every temporal copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherPatchRow(Vector128<byte> x, Vector128<byte> tailMask, float* lut, float* dst, int tail, int tp, long blockFloats)
    {
        Vector256<float> head = Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(x), 4);
        Vector256<float> last = Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(Ssse3.Shuffle(x, tailMask)), 4);
        for (int tt = 0; tt < tp; tt++)
        {
            float* d = dst + tt * blockFloats;
            head.Store(d);
            last.Store(d + tail);
        }
    }

    /// <summary>Scalar table path for 16-bit outputs: <paramref name="lut"/> is the table's Float16 or BFloat16 array.</summary>
    internal static void Row16Table(byte* src, int count, ushort[] lut, ushort* r, ushort* g, ushort* b)
    {
        fixed (ushort* t = lut)
        {
            for (int i = 0; i < count; i++)
            {
                byte* p = src + 3 * i;
                r[i] = t[p[0]];
                g[i] = t[256 + p[1]];
                b[i] = t[512 + p[2]];
            }
        }
    }

    /// <summary>
    /// Normalises <paramref name="count"/> pixels into three planes of <paramref name="type"/> elements. The SIMD path
    /// for 16-bit types needs <paramref name="scratch"/> of 3 × <see cref="ChunkPixels"/> floats.
    /// </summary>
    internal static void Row(byte* src, int count, NormalizationTable table, TensorElementType type,
        byte* r, byte* g, byte* b, float* scratch, bool simd)
    {
        if (type == TensorElementType.Float32)
        {
            RowFloat32(src, count, table, (float*)r, (float*)g, (float*)b, simd);
            return;
        }
        if (simd && UseGather)
        {
            Row16Gather(src, count, type == TensorElementType.Float16 ? table.Float16Wide : table.BFloat16Wide, (ushort*)r, (ushort*)g, (ushort*)b);
            return;
        }
        if (!simd)
        {
            Row16Table(src, count, type == TensorElementType.Float16 ? table.Float16 : table.BFloat16, (ushort*)r, (ushort*)g, (ushort*)b);
            return;
        }
        for (int start = 0; start < count; start += ChunkPixels)
        {
            int n = Math.Min(ChunkPixels, count - start);
            float* sr = scratch, sg = scratch + ChunkPixels, sb = scratch + 2 * ChunkPixels;
            RowFloat32(src + 3 * start, n, table, sr, sg, sb, simd: true);
            Convert16(sr, (ushort*)r + start, n, type);
            Convert16(sg, (ushort*)g + start, n, type);
            Convert16(sb, (ushort*)b + start, n, type);
        }
    }

    /// <summary>AVX2 path for 16-bit outputs: gathers from the table's entries widened to 32 bits, then narrows.</summary>
    private static void Row16Gather(byte* src, int count, int[] wide, ushort* r, ushort* g, ushort* b)
    {
        fixed (int* t = wide)
        {
            int i = 0;
            for (; i <= count - 16; i += 16)
            {
                Deinterleave16(src + 3 * i, out Vector128<byte> vr, out Vector128<byte> vg, out Vector128<byte> vb);
                GatherNarrow16(vr, t, r + i);
                GatherNarrow16(vg, t + 256, g + i);
                GatherNarrow16(vb, t + 512, b + i);
            }
            for (; i < count; i++)
            {
                byte* p = src + 3 * i;
                r[i] = (ushort)t[p[0]];
                g[i] = (ushort)t[256 + p[1]];
                b[i] = (ushort)t[512 + p[2]];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherNarrow16(Vector128<byte> x, int* lut, ushort* dst)
    {
        Vector256<int> lo = Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(x), 4);
        Vector256<int> hi = Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(x, 8)), 4);
        Vector256.Narrow(lo.AsUInt32(), hi.AsUInt32()).Store(dst);
    }

    /// <summary>Converts float32 values to binary16 or bfloat16 bits, round-to-nearest-even (vectorised).</summary>
    internal static void Convert16(float* src, ushort* dst, int count, TensorElementType type)
    {
        if (type == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToHalf(new ReadOnlySpan<float>(src, count), new Span<Half>(dst, count));
            return;
        }
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
            {
                Vector256<ushort> lo = BFloat16x8(Vector256.Load(src + i));
                Vector256<ushort> hi = BFloat16x8(Vector256.Load(src + i + 8));
                // Narrowing the 32-bit lanes keeps their low halves: lanes 0..7 then 8..15.
                Vector256.Narrow(lo.AsUInt32(), hi.AsUInt32()).Store(dst + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= count - 8; i += 8)
            {
                Vector128<uint> lo = BFloat16x4(Vector128.Load(src + i));
                Vector128<uint> hi = BFloat16x4(Vector128.Load(src + i + 4));
                Vector128.Narrow(lo, hi).Store(dst + i);
            }
        }
        for (; i < count; i++) dst[i] = BFloat16Bits.FromSingle(src[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> BFloat16x8(Vector256<float> v)
    {
        Vector256<uint> bits = v.AsUInt32();
        Vector256<uint> rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >>> 16) & Vector256<uint>.One)) >>> 16;
        Vector256<uint> isNumber = Vector256.Equals(v, v).AsUInt32();
        return Vector256.ConditionalSelect(isNumber, rounded, Vector256.Create((uint)BFloat16Bits.NaN)).AsUInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> BFloat16x4(Vector128<float> v)
    {
        Vector128<uint> bits = v.AsUInt32();
        Vector128<uint> rounded = (bits + Vector128.Create(0x7FFFu) + ((bits >>> 16) & Vector128<uint>.One)) >>> 16;
        Vector128<uint> isNumber = Vector128.Equals(v, v).AsUInt32();
        return Vector128.ConditionalSelect(isNumber, rounded, Vector128.Create((uint)BFloat16Bits.NaN));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave16(byte* p, out Vector128<byte> r, out Vector128<byte> g, out Vector128<byte> b)
    {
        Vector128<byte> a0 = Vector128.Load(p), a1 = Vector128.Load(p + 16), a2 = Vector128.Load(p + 32);
        r = Pick(a0, s_r0) | Pick(a1, s_r1) | Pick(a2, s_r2);
        g = Pick(a0, s_g0) | Pick(a1, s_g1) | Pick(a2, s_g2);
        b = Pick(a0, s_b0) | Pick(a1, s_b1) | Pick(a2, s_b2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Pick(Vector128<byte> v, Vector128<byte> mask)
    {
        if (Ssse3.IsSupported) return Ssse3.Shuffle(v, mask);
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.VectorTableLookup(v, mask);
        return Vector128.Shuffle(v, mask);
    }

    /// <summary>Looks 16 bytes of one channel up in its 256-entry table and stores 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather16(Vector128<byte> x, float* lut, float* dst)
    {
        Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(x), 4).Store(dst);
        Avx2.GatherVector256(lut, Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(x, 8)), 4).Store(dst + 8);
    }

    /// <summary>Normalises 16 bytes of one channel and stores 16 floats: ((float)x / 255 − mean) / std per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit16(Vector128<byte> x, float* dst, float mean, float std)
    {
        if (Use256)
        {
            Vector256<float> m = Vector256.Create(mean), s = Vector256.Create(std), d = Vector256.Create(255f);
            Vector256<float> lo = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(x));
            Vector256<float> hi = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(x, 8)));
            ((lo / d - m) / s).Store(dst);
            ((hi / d - m) / s).Store(dst + 8);
            return;
        }
        Vector128<float> m4 = Vector128.Create(mean), s4 = Vector128.Create(std), d4 = Vector128.Create(255f);
        Vector128<ushort> w0 = Vector128.WidenLower(x), w1 = Vector128.WidenUpper(x);
        Store4(Vector128.WidenLower(w0), dst, m4, s4, d4);
        Store4(Vector128.WidenUpper(w0), dst + 4, m4, s4, d4);
        Store4(Vector128.WidenLower(w1), dst + 8, m4, s4, d4);
        Store4(Vector128.WidenUpper(w1), dst + 12, m4, s4, d4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Vector128<uint> x, float* dst, Vector128<float> mean, Vector128<float> std, Vector128<float> d)
    {
        Vector128<float> v = Vector128.ConvertToSingle(x.AsInt32());
        ((v / d - mean) / std).Store(dst);
    }
}

/// <summary>Which loop <see cref="NormalizeKernels"/> runs (tests and benchmarks pin one; the library uses Auto).</summary>
internal enum KernelPath
{
    /// <summary>AVX2 gathers where available, else 128-bit arithmetic, else scalar.</summary>
    Auto,
    /// <summary>The table, one byte at a time.</summary>
    Scalar,
    /// <summary>AVX2 gathers from the table (falls back like Auto without AVX2).</summary>
    Gather,
    /// <summary>Shuffle + IEEE arithmetic in the widest vectors available.</summary>
    Arithmetic,
    /// <summary>Shuffle + IEEE arithmetic restricted to 128-bit vectors (what non-AVX2 hardware runs).</summary>
    Vector128Arithmetic,
}

using System;

namespace Tessera.Imaging.Resampling;

/// <summary>
/// The fixed-point resampling weights for one axis, computed exactly as Pillow's <c>precompute_coeffs</c> followed by
/// <c>normalize_coeffs_8bpc</c> (pixels.md §3.3). Reusable: <see cref="Compute"/> refills the arrays in place and
/// only grows them, so a workspace that sees the same geometry again allocates nothing.
/// </summary>
internal sealed class AxisCoefficients
{
    /// <summary>Pillow's PRECISION_BITS: 32 − 8 − 2.</summary>
    public const int PrecisionBits = 22;

    /// <summary>Taps are padded with zero weights to a multiple of this (the SIMD kernels read taps in groups).</summary>
    public const int TapAlignment = 8;

    private double[] _weights = [];

    /// <summary>Source length on this axis.</summary>
    public int InSize { get; private set; }

    /// <summary>Output length on this axis.</summary>
    public int OutSize { get; private set; }

    /// <summary>Box start (float32, as Pillow passes it to C).</summary>
    public float In0 { get; private set; }

    /// <summary>Box end.</summary>
    public float In1 { get; private set; }

    /// <summary>The filter the weights belong to.</summary>
    public ResampleFilter Filter { get; private set; }

    /// <summary>Whether the arrays hold a computed table.</summary>
    public bool IsComputed { get; private set; }

    /// <summary>Pillow's ksize: ceil(support)·2 + 1, the most taps any output sample can have.</summary>
    public int KSize { get; private set; }

    /// <summary>Distance between the tap lists of consecutive outputs in <see cref="Fixed"/>, <see cref="Low"/> and <see cref="High"/>.</summary>
    public int Stride { get; private set; }

    /// <summary>Per output i: <c>Bounds[2i]</c> = first source index, <c>Bounds[2i + 1]</c> = tap count.</summary>
    public int[] Bounds { get; private set; } = [];

    /// <summary>22-bit fixed-point weights, <see cref="Stride"/> per output, zero past the tap count.</summary>
    public int[] Fixed { get; private set; } = [];

    /// <summary>Low 15 bits of each weight (<c>K &amp; 0x7FFF</c>), for 16-bit multiply-add kernels.</summary>
    public short[] Low { get; private set; } = [];

    /// <summary>The rest of each weight (<c>K &gt;&gt; 15</c>), so that K = High·2^15 + Low exactly.</summary>
    public short[] High { get; private set; } = [];

    /// <summary>
    /// The weights laid out for the AVX2 colour kernel, <see cref="Stride"/> ints per output: for each pair of taps
    /// (2m, 2m + 1), one int packing their two 16-bit <see cref="Low"/> halves, then one packing their
    /// <see cref="High"/> halves. The kernel broadcasts each int to every lane, so the table stays as small as
    /// <see cref="Fixed"/>.
    /// </summary>
    public int[] Pairs { get; private set; } = [];

    /// <summary>Whether the table already holds this geometry.</summary>
    public bool Matches(int inSize, float in0, float in1, int outSize, ResampleFilter filter) =>
        IsComputed && InSize == inSize && OutSize == outSize && Filter == filter
        && In0.Equals(in0) && In1.Equals(in1);

    /// <summary>Fills the table for one axis (no-op when it already holds this geometry).</summary>
    public void Compute(int inSize, float in0, float in1, int outSize, ResampleFilter filter)
    {
        if (Matches(inSize, in0, in1, outSize, filter))
            return;
        IsComputed = false;

        double support0 = Support(filter);
        // scale: float32 subtraction, then double division (pixels.md §3.3 step 1).
        double scale = (double)(in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = support0 * filterscale;
        // In double first: for a source axis beyond ~358 M samples the tap count itself overflows int.
        double taps = Math.Ceiling(support) * 2 + 1;
        if (taps * outSize > Array.MaxLength / 4)
            throw new ArgumentException($"Resampling {inSize} → {outSize} needs {taps * outSize} coefficients; that is too many.");
        int ksize = (int)taps;
        int stride = (ksize + TapAlignment - 1) / TapAlignment * TapAlignment;
        long total = (long)outSize * stride;
        if (total > Array.MaxLength / 4)
            throw new ArgumentException($"Resampling {inSize} → {outSize} needs {total} coefficients; that is too many.");

        Bounds = Grow(Bounds, outSize * 2);
        Fixed = Grow(Fixed, (int)total);
        Low = Grow(Low, (int)total);
        High = Grow(High, (int)total);
        Pairs = Grow(Pairs, (int)total);
        _weights = Grow(_weights, ksize);

        double inv = 1.0 / filterscale;
        for (int i = 0; i < outSize; i++)
        {
            double center = in0 + (i + 0.5) * scale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
                xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
                xmax = inSize;
            int n = xmax - xmin;
            if (n < 0)
                n = 0;

            double ww = 0.0;
            for (int j = 0; j < n; j++)
            {
                double w = Kernel(filter, ((double)(j + xmin) - center + 0.5) * inv);
                _weights[j] = w;
                ww += w;
            }

            int row = i * stride;
            for (int j = 0; j < stride; j++)
            {
                int k = 0;
                if (j < n)
                {
                    double w = _weights[j];
                    if (ww != 0.0)
                        w /= ww;
                    k = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
                }

                Fixed[row + j] = k;
                Low[row + j] = (short)(k & 0x7FFF);
                High[row + j] = (short)(k >> 15);
            }

            for (int m = 0; m < stride; m += 2)
            {
                Pairs[row + m] = PackPair(Low[row + m], Low[row + m + 1]);
                Pairs[row + m + 1] = PackPair(High[row + m], High[row + m + 1]);
            }

            Bounds[2 * i] = xmin;
            Bounds[2 * i + 1] = n;
        }

        InSize = inSize;
        OutSize = outSize;
        In0 = in0;
        In1 = in1;
        Filter = filter;
        KSize = ksize;
        Stride = stride;
        IsComputed = true;
    }

    private static int PackPair(short first, short second) => (ushort)first | (second << 16);

    /// <summary>The filter's support radius at scale 1 (pixels.md §3.2).</summary>
    public static double Support(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Box => 0.5,
        ResampleFilter.Bilinear => 1.0,
        ResampleFilter.Hamming => 1.0,
        ResampleFilter.Bicubic => 2.0,
        ResampleFilter.Lanczos => 3.0,
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Not a convolution filter."),
    };

    /// <summary>The filter's kernel k(x), with Pillow's operation order (pixels.md §3.2).</summary>
    public static double Kernel(ResampleFilter filter, double x)
    {
        switch (filter)
        {
            case ResampleFilter.Box:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case ResampleFilter.Bilinear:
                if (x < 0.0)
                    x = -x;
                return x < 1.0 ? 1.0 - x : 0.0;
            case ResampleFilter.Hamming:
                if (x < 0.0)
                    x = -x;
                if (x == 0.0)
                    return 1.0;
                if (x >= 1.0)
                    return 0.0;
                x *= Math.PI;
                // 0.54f and 0.46f are float32 constants widened to double.
                return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
            case ResampleFilter.Bicubic:
                if (x < 0.0)
                    x = -x;
                if (x < 1.0)
                    return (1.5 * x - 2.5) * x * x + 1;
                if (x < 2.0)
                    return (((x - 5) * x + 8) * x - 4) * -0.5;
                return 0.0;
            case ResampleFilter.Lanczos:
                return -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "Not a convolution filter.");
        }
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
            return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static T[] Grow<T>(T[] array, int length) => array.Length >= length ? array : new T[Math.Max(length, array.Length * 2)];
}

using System;
using System.Collections.Generic;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>
/// The coefficient tables against a deliberately naive transcription of pixels.md §3.2–§3.3 (no shared code with the
/// library: its own kernels, its own loops, lists instead of strided arrays), plus the worked examples of §3.6–§3.8.
/// </summary>
public sealed class ResampleCoefficientTests
{
    /// <summary>§3.2, written out independently.</summary>
    private static double NaiveKernel(ResampleFilter filter, double x)
    {
        double t = Math.Abs(x);
        switch (filter)
        {
            case ResampleFilter.Box:
                return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
            case ResampleFilter.Bilinear:
                return t < 1.0 ? 1.0 - t : 0.0;
            case ResampleFilter.Hamming:
                if (t == 0.0) return 1.0;
                if (t >= 1.0) return 0.0;
                double u = t * Math.PI;
                double a = 0.540000021457672119140625, b = 0.4600000083446502685546875;
                return Math.Sin(u) / u * (a + b * Math.Cos(u));
            case ResampleFilter.Bicubic:
                if (t < 1.0)
                {
                    double v = 1.5 * t;
                    v -= 2.5;
                    v *= t;
                    v *= t;
                    return v + 1;
                }

                if (t < 2.0)
                {
                    double v = t - 5;
                    v *= t;
                    v += 8;
                    v *= t;
                    v -= 4;
                    return v * -0.5;
                }

                return 0.0;
            case ResampleFilter.Lanczos:
                if (!(-3.0 <= x && x < 3.0)) return 0.0;
                static double Sinc(double s) => s == 0.0 ? 1.0 : Math.Sin(s * Math.PI) / (s * Math.PI);
                return Sinc(x) * Sinc(x / 3);
            default:
                throw new ArgumentException(filter.ToString());
        }
    }

    private static double NaiveSupport(ResampleFilter f) =>
        f == ResampleFilter.Box ? 0.5 : f == ResampleFilter.Bicubic ? 2.0 : f == ResampleFilter.Lanczos ? 3.0 : 1.0;

    /// <summary>§3.3 steps 1–7 for one axis: (xmin, fixed weights) per output.</summary>
    private static List<(int Xmin, List<int> K)> NaiveAxis(int inSize, float in0, float in1, int outSize, ResampleFilter f)
    {
        float span = in1 - in0;
        double scale = (double)span / outSize;
        double filterscale = Math.Max(scale, 1.0);
        double support = NaiveSupport(f) * filterscale;
        double inv = 1.0 / filterscale;
        var result = new List<(int, List<int>)>();
        for (int i = 0; i < outSize; i++)
        {
            double center = in0 + (i + 0.5) * scale;
            int xmin = Math.Max((int)Math.Truncate(center - support + 0.5), 0);
            int xmax = Math.Min((int)Math.Truncate(center + support + 0.5), inSize);
            var w = new List<double>();
            for (int j = 0; j < xmax - xmin; j++)
                w.Add(NaiveKernel(f, ((double)(xmin + j) - center + 0.5) * inv));
            double ww = 0;
            foreach (double v in w) ww += v;
            var k = new List<int>();
            foreach (double v0 in w)
            {
                double v = ww != 0 ? v0 / ww : v0;
                double scaled = v * 4194304.0;
                k.Add(v >= 0 ? (int)Math.Truncate(scaled + 0.5) : (int)Math.Truncate(scaled - 0.5));
            }

            result.Add((xmin, k));
        }

        return result;
    }

    private static void AssertTableEquals(int inSize, float in0, float in1, int outSize, ResampleFilter f)
    {
        var table = new AxisCoefficients();
        table.Compute(inSize, in0, in1, outSize, f);
        var naive = NaiveAxis(inSize, in0, in1, outSize, f);
        for (int i = 0; i < outSize; i++)
        {
            string where = $"{f} {inSize}[{in0},{in1}) → {outSize}, output {i}";
            Assert.True(naive[i].Xmin == table.Bounds[2 * i], where + ": xmin");
            Assert.True(naive[i].K.Count == table.Bounds[2 * i + 1], where + ": tap count");
            Assert.True(naive[i].K.Count <= table.KSize, where + ": taps within ksize");
            for (int j = 0; j < table.Stride; j++)
            {
                int expected = j < naive[i].K.Count ? naive[i].K[j] : 0;
                int k = table.Fixed[i * table.Stride + j];
                Assert.True(expected == k, $"{where}, tap {j}: naive {expected}, table {k}");
                Assert.Equal(k, table.High[i * table.Stride + j] * 32768 + table.Low[i * table.Stride + j]);
            }
        }
    }

    public static TheoryData<ResampleFilter> ConvolutionFilters() =>
        [ResampleFilter.Box, ResampleFilter.Bilinear, ResampleFilter.Hamming, ResampleFilter.Bicubic, ResampleFilter.Lanczos];

    [Theory]
    [MemberData(nameof(ConvolutionFilters))]
    public void Tables_equal_the_naive_transcription_for_many_sizes(ResampleFilter filter)
    {
        int[] sizes = [1, 2, 3, 4, 5, 7, 8, 13, 28, 37, 64, 100, 224, 255, 448, 1000, 1344, 2560];
        foreach (int inSize in sizes)
            foreach (int outSize in sizes)
                AssertTableEquals(inSize, 0f, inSize, outSize, filter);
        var rng = new Random(7);
        for (int n = 0; n < 200; n++)
        {
            int inSize = rng.Next(1, 3000), outSize = rng.Next(1, 3000);
            AssertTableEquals(inSize, 0f, inSize, outSize, filter);
            float a = (float)(rng.NextDouble() * inSize), b = (float)(rng.NextDouble() * inSize);
            AssertTableEquals(inSize, Math.Min(a, b), Math.Max(a, b), rng.Next(1, 500), filter);
        }
    }

    [Fact]
    public void Worked_example_3_7_bicubic_row_of_four_to_two()
    {
        // pixels.md §3.7: 1×4 row [0, 100, 200, 255] → 2 px BICUBIC: ksize 9, output 0 has xmin 0 and 4 taps with
        // fixed weights 1923834, 1923834, 502623, −155987; Pillow gives [60, 221].
        var table = new AxisCoefficients();
        table.Compute(4, 0f, 4f, 2, ResampleFilter.Bicubic);
        Assert.Equal(9, table.KSize);
        Assert.Equal(0, table.Bounds[0]);
        Assert.Equal(4, table.Bounds[1]);
        Assert.Equal(new[] { 1923834, 1923834, 502623, -155987 }, table.Fixed.AsSpan(0, 4).ToArray());
        Assert.Equal(new byte[] { 60, 60, 60, 221, 221, 221 }, ResizeGray([0, 100, 200, 255], 4, 1, 2, 1, ResampleFilter.Bicubic));
    }

    [Fact]
    public void Worked_example_3_7_two_passes_clip_the_intermediate()
    {
        // pixels.md §3.7: the 4×4 L image below → 2×2 BICUBIC is [[80, 103], [58, 38]] in Pillow.
        byte[] src = [0, 100, 200, 255, 255, 0, 0, 0, 10, 20, 30, 40, 90, 80, 70, 60];
        byte[] rgb = ResizeGray(src, 4, 4, 2, 2, ResampleFilter.Bicubic);
        Assert.Equal(new byte[] { 80, 103, 58, 38 }, new[] { rgb[0], rgb[3], rgb[6], rgb[9] });
    }

    [Fact]
    public void Worked_example_3_6_edges_are_truncated_not_padded()
    {
        // pixels.md §3.6: [0, 255, 0, 255] → 8 BICUBIC is [0, 54, 216, 215, 40, 39, 201, 255]; output 0 has 2 taps
        // with fixed weights 4564390 and −370086.
        var table = new AxisCoefficients();
        table.Compute(4, 0f, 4f, 8, ResampleFilter.Bicubic);
        Assert.Equal(2, table.Bounds[1]);
        Assert.Equal(new[] { 4564390, -370086 }, table.Fixed.AsSpan(0, 2).ToArray());
        byte[] rgb = ResizeGray([0, 255, 0, 255], 4, 1, 8, 1, ResampleFilter.Bicubic);
        byte[] red = new byte[8];
        for (int i = 0; i < 8; i++) red[i] = rgb[3 * i];
        Assert.Equal(new byte[] { 0, 54, 216, 215, 40, 39, 201, 255 }, red);
    }

    [Theory]
    // pixels.md §3.8, table of Pillow NEAREST indices.
    [InlineData(5, 3, new[] { 0, 2, 4 })]
    [InlineData(3, 5, new[] { 0, 0, 1, 2, 2 })]
    [InlineData(10, 4, new[] { 1, 3, 6, 8 })]
    [InlineData(4, 10, new[] { 0, 0, 1, 1, 1, 2, 2, 2, 3, 3 })]
    [InlineData(2, 7, new[] { 0, 0, 0, 0, 1, 1, 1 })]
    public void Worked_example_3_8_nearest_accumulates_positions(int inSize, int outSize, int[] indices)
    {
        byte[] src = new byte[inSize];
        for (int i = 0; i < inSize; i++) src[i] = (byte)(10 * i);
        foreach ((int w, int h, int outW, int outH) in new[] { (inSize, 1, outSize, 1), (1, inSize, 1, outSize) })
        {
            byte[] rgb = ResizeGray(src, w, h, outW, outH, ResampleFilter.Nearest);
            for (int i = 0; i < outSize; i++)
                Assert.Equal(10 * indices[i], rgb[3 * i]);
        }
    }

    private static byte[] ResizeGray(byte[] src, int w, int h, int outW, int outH, ResampleFilter filter)
    {
        byte[] dst = new byte[outW * outH * 3];
        foreach (bool simd in new[] { false, true })
        {
            byte[] got = new byte[dst.Length];
            PillowResize.Resize(new ImageView(src, w, h, PixelFormat.Gray8), got, outW, outH, filter,
                ResizeBox.Whole(w, h), new ResizeWorkspace(), simd);
            if (!simd) got.CopyTo(dst);
            else Assert.Equal(dst, got);
        }

        return dst;
    }
}

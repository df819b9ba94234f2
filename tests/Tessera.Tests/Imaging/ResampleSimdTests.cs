using System;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging;

/// <summary>The SIMD kernels give the scalar kernels' bytes for every small width, several heights, all filters and layouts.</summary>
public sealed class ResampleSimdTests(ITestOutputHelper output)
{
    [Fact]
    public void Simd_path_is_available_here_or_the_scalar_path_is_what_runs()
    {
        // Not a parity check: records which path the suite exercised (DOTNET_EnableHWIntrinsic=0 gives scalar).
        output.WriteLine($"SIMD kernels available: {ResampleKernels.SimdAvailable}");
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, ResampleKernels.SimdAvailable);
    }

    public static TheoryData<ResampleFilter, PixelFormat> FiltersAndFormats()
    {
        var data = new TheoryData<ResampleFilter, PixelFormat>();
        foreach (ResampleFilter f in Enum.GetValues<ResampleFilter>())
            foreach (PixelFormat p in new[] { PixelFormat.Rgb24, PixelFormat.Rgba32, PixelFormat.Bgra32, PixelFormat.Gray8 })
                data.Add(f, p);
        return data;
    }

    [Theory]
    [MemberData(nameof(FiltersAndFormats))]
    public void Simd_equals_scalar_for_every_width_1_to_64(ResampleFilter filter, PixelFormat format)
    {
        var rng = new Random(HashCode.Combine((int)filter, (int)format));
        var wsSimd = new ResizeWorkspace();
        var wsScalar = new ResizeWorkspace();
        int bpp = format.BytesPerPixel();
        foreach (int h in new[] { 1, 2, 5, 17 })
        {
            for (int w = 1; w <= 64; w++)
            {
                // Exactly-sized source so any over-read past the last pixel would fault rather than pass silently.
                byte[] src = new byte[w * h * bpp];
                rng.NextBytes(src);
                if (w % 3 == 0)
                    for (int i = 0; i < src.Length; i++) src[i] = (byte)(src[i] < 128 ? 0 : 255);
                var targets = new[] { (w, h + 3), (rng.Next(1, 70), rng.Next(1, 20)), (Math.Max(1, w / 3), h), (w * 2 + 1, Math.Max(1, h / 2)) };
                foreach ((int ow, int oh) in targets)
                {
                    byte[] a = new byte[ow * oh * 3], b = new byte[ow * oh * 3];
                    var view = new ImageView(src, w, h, format);
                    PillowResize.Resize(view, a, ow, oh, filter, ResizeBox.Whole(w, h), wsSimd, useSimd: true);
                    PillowResize.Resize(view, b, ow, oh, filter, ResizeBox.Whole(w, h), wsScalar, useSimd: false);
                    Assert.True(a.AsSpan().SequenceEqual(b), $"{filter} {format} {w}×{h} → {ow}×{oh}");
                }
            }
        }
    }

    [Fact]
    public void Simd_equals_scalar_on_large_downscales_with_wrapping_sums()
    {
        // Extreme downscales give thousands of taps: the split-weight SIMD sums wrap modulo 2^32 and must still agree.
        var rng = new Random(3);
        byte[] src = new byte[3000 * 4 * 3];
        rng.NextBytes(src);
        foreach (ResampleFilter f in new[] { ResampleFilter.Lanczos, ResampleFilter.Bicubic, ResampleFilter.Box })
        {
            foreach ((int w, int h) in new[] { (3000, 4), (4, 3000), (1000, 12) })
            {
                var view = new ImageView(src, w, h, PixelFormat.Rgb24);
                foreach ((int ow, int oh) in new[] { (1, 1), (3, 2), (1, 7) })
                {
                    byte[] a = new byte[ow * oh * 3], b = new byte[ow * oh * 3];
                    PillowResize.Resize(view, a, ow, oh, f, ResizeBox.Whole(w, h), new ResizeWorkspace(), useSimd: true);
                    PillowResize.Resize(view, b, ow, oh, f, ResizeBox.Whole(w, h), new ResizeWorkspace(), useSimd: false);
                    Assert.True(a.AsSpan().SequenceEqual(b), $"{f} {w}×{h} → {ow}×{oh}");
                }
            }
        }
    }
}

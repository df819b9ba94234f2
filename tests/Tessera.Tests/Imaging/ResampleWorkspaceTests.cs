using System;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>The workspace makes repeated resizes of one geometry allocation-free and stays correct across geometries.</summary>
public sealed class ResampleWorkspaceTests
{
    [Theory]
    [InlineData(ResampleFilter.Bicubic, PixelFormat.Rgb24, 300, 200, 123, 77)]
    [InlineData(ResampleFilter.Lanczos, PixelFormat.Rgba32, 64, 64, 200, 31)]
    [InlineData(ResampleFilter.Bilinear, PixelFormat.Gray8, 50, 90, 50, 17)]
    [InlineData(ResampleFilter.Hamming, PixelFormat.Bgra32, 90, 50, 17, 50)]
    [InlineData(ResampleFilter.Nearest, PixelFormat.Rgb24, 90, 50, 170, 33)]
    [InlineData(ResampleFilter.Box, PixelFormat.Rgb24, 90, 50, 90, 50)]
    public void Second_resize_with_the_same_geometry_allocates_nothing(ResampleFilter filter, PixelFormat format, int w, int h, int ow, int oh)
    {
        byte[] src = new byte[w * h * format.BytesPerPixel()];
        new Random(1).NextBytes(src);
        byte[] dst = new byte[ow * oh * 3];
        var workspace = new ResizeWorkspace();
        foreach (bool simd in new[] { true, false })
        {
            // First calls: tables, buffers and the runtime's one-time type loading for both overloads.
            PillowResize.Resize(new ImageView(src, w, h, format), dst, ow, oh, filter, ResizeBox.Whole(w, h), workspace, simd);
            PillowResize.Resize(new ImageView(src, w, h, format), dst, ow, oh, filter, workspace);
            long before = GC.GetAllocatedBytesForCurrentThread();
            PillowResize.Resize(new ImageView(src, w, h, format), dst, ow, oh, filter, ResizeBox.Whole(w, h), workspace, simd);
            PillowResize.Resize(new ImageView(src, w, h, format), dst, ow, oh, filter, workspace);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void A_workspace_reused_across_geometries_gives_the_same_bytes_as_a_fresh_one()
    {
        var rng = new Random(5);
        var shared = new ResizeWorkspace();
        for (int n = 0; n < 60; n++)
        {
            int w = rng.Next(1, 80), h = rng.Next(1, 80), ow = rng.Next(1, 120), oh = rng.Next(1, 120);
            var filter = (ResampleFilter)rng.Next(0, 6);
            byte[] src = new byte[w * h * 3];
            rng.NextBytes(src);
            byte[] a = new byte[ow * oh * 3], b = new byte[ow * oh * 3];
            PillowResize.Resize(new ImageView(src, w, h, PixelFormat.Rgb24), a, ow, oh, filter, shared);
            PillowResize.Resize(new ImageView(src, w, h, PixelFormat.Rgb24), b, ow, oh, filter, new ResizeWorkspace());
            Assert.True(a.AsSpan().SequenceEqual(b), $"{filter} {w}×{h} → {ow}×{oh}");
        }
    }
}

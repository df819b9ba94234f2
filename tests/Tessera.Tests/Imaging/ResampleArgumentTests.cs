using System;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Bad arguments give typed exceptions (Pillow's checks where Pillow has them), never a crash.</summary>
public sealed class ResampleArgumentTests
{
    private static readonly byte[] Source = new byte[10 * 8 * 3];

    private static void Run(int w, int h, int dstLength, ResampleFilter filter = ResampleFilter.Bicubic, ResizeBox? box = null, ResizeWorkspace? ws = null, PixelFormat format = PixelFormat.Rgb24)
    {
        int sw = format == PixelFormat.Rgb48 ? 5 : 10;
        var view = new ImageView(Source, sw, 8, format);
        byte[] dst = new byte[Math.Max(dstLength, 0)];
        PillowResize.Resize(view, dst, w, h, filter, box ?? ResizeBox.Whole(sw, 8), ws!);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    [InlineData(-1, 5)]
    [InlineData(5, -7)]
    [InlineData(int.MinValue, 1)]
    public void Target_sides_below_one_are_rejected(int w, int h)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Run(w, h, 300, ws: new ResizeWorkspace()));
        Assert.Contains("at least 1", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PillowResize.DestinationLength(w, h));
    }

    [Fact]
    public void Huge_targets_are_rejected_not_overflowed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(int.MaxValue, int.MaxValue, 3, ws: new ResizeWorkspace()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(int.MaxValue, 1, 3, ws: new ResizeWorkspace()));
        Assert.Throws<ArgumentOutOfRangeException>(() => PillowResize.DestinationLength(1 << 20, 1 << 20));
    }

    [Theory]
    [InlineData(ResampleFilter.Nearest)]
    [InlineData(ResampleFilter.Bicubic)]
    public void A_short_destination_is_rejected(ResampleFilter filter)
    {
        var ex = Assert.Throws<ArgumentException>(() => Run(7, 5, 7 * 5 * 3 - 1, filter, ws: new ResizeWorkspace()));
        Assert.Equal("destination", ex.ParamName);
    }

    [Fact]
    public void A_longer_destination_is_written_only_up_to_w_h_3()
    {
        byte[] src = new byte[10 * 8 * 3];
        new Random(2).NextBytes(src);
        byte[] dst = new byte[7 * 5 * 3 + 16];
        Array.Fill(dst, (byte)0xEE);
        PillowResize.Resize(new ImageView(src, 10, 8, PixelFormat.Rgb24), dst, 7, 5, ResampleFilter.Lanczos, new ResizeWorkspace());
        Assert.All(dst.AsSpan(7 * 5 * 3).ToArray(), b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Unknown_filter_and_unsupported_formats_and_null_workspace_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(4, 4, 48, (ResampleFilter)6, ws: new ResizeWorkspace()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(4, 4, 48, (ResampleFilter)(-1), ws: new ResizeWorkspace()));
        var ex = Assert.Throws<ArgumentException>(() => Run(4, 4, 48, format: PixelFormat.Rgb48, ws: new ResizeWorkspace()));
        Assert.Equal("source", ex.ParamName);
        Assert.Throws<ArgumentNullException>(() => Run(4, 4, 48, ws: null));
    }

    [Theory]
    [InlineData(-1f, 0f, 5f, 5f)]      // Pillow: box offset can't be negative
    [InlineData(0f, -0.5f, 5f, 5f)]
    [InlineData(0f, 0f, 10.5f, 5f)]    // Pillow: box can't exceed original image size
    [InlineData(0f, 0f, 5f, 9f)]
    [InlineData(5f, 0f, 4f, 5f)]       // Pillow: box can't be empty (negative extent)
    [InlineData(0f, 3f, 5f, 2f)]
    [InlineData(float.NaN, 0f, 5f, 5f)]
    [InlineData(0f, 0f, float.PositiveInfinity, 5f)]
    public void Bad_boxes_are_rejected(float l, float t, float r, float b)
    {
        foreach (ResampleFilter f in new[] { ResampleFilter.Nearest, ResampleFilter.Bilinear })
        {
            var ex = Assert.Throws<ArgumentException>(() => Run(4, 4, 48, f, new ResizeBox(l, t, r, b), new ResizeWorkspace()));
            Assert.Equal("box", ex.ParamName);
        }
    }
}

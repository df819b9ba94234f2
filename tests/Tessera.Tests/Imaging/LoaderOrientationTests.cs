using System;
using Tessera.Imaging;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary><see cref="Orientation.Apply"/> against the table of pixels.md §2, for every tag, both 8-bit formats and
/// a padded stride. (The Pillow-made fixtures in <see cref="LoaderFixtureTests"/> check the same table end to end.)</summary>
public class LoaderOrientationTests
{
    [Theory]
    [InlineData(PixelFormat.Rgb24)]
    [InlineData(PixelFormat.Rgba32)]
    public void EveryTagFollowsTheTable(PixelFormat format)
    {
        const int w = 5, h = 3, pad = 7;
        int bpp = format.BytesPerPixel();
        int stride = w * bpp + pad;
        byte[] source = new byte[stride * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < bpp; c++)
                    source[y * stride + x * bpp + c] = (byte)(16 * y + x + 100 * c);
        var view = new ImageView(source, w, h, stride, format);

        for (int tag = 0; tag <= 9; tag++)
        {
            (int ow, int oh) = Orientation.OrientedSize(w, h, tag);
            byte[] destination = new byte[ow * oh * bpp];

            Orientation.Apply(view, tag, destination);

            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    // pixels.md §2: out[y][x] = in[sy][sx].
                    (int sx, int sy) = tag switch
                    {
                        2 => (w - 1 - x, y),
                        3 => (w - 1 - x, h - 1 - y),
                        4 => (x, h - 1 - y),
                        5 => (y, x),
                        6 => (y, h - 1 - x),
                        7 => (w - 1 - y, h - 1 - x),
                        8 => (w - 1 - y, x),
                        _ => (x, y),
                    };
                    for (int c = 0; c < bpp; c++)
                        Assert.Equal(source[sy * stride + sx * bpp + c], destination[(y * ow + x) * bpp + c]);
                }
            Assert.Equal(tag is >= 5 and <= 8 ? (h, w) : (w, h), (ow, oh));
        }
    }

    [Fact]
    public void ShortDestinationIsRejected()
    {
        byte[] source = new byte[4 * 3 * 3];

        Assert.Throws<ArgumentException>(() => Orientation.Apply(new ImageView(source, 4, 3, PixelFormat.Rgb24), 6, new byte[source.Length - 1]));
    }
}

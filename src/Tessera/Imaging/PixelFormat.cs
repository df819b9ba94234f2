namespace Tessera.Imaging;

/// <summary>Memory layout of one pixel in an <see cref="ImageView"/>.</summary>
/// <remarks>16-bit formats hold host-endian <see cref="ushort"/> samples (decoders convert PNG's big-endian
/// samples when they fill such a buffer).</remarks>
public enum PixelFormat
{
    /// <summary>Three bytes per pixel: R, G, B.</summary>
    Rgb24,
    /// <summary>Four bytes per pixel: R, G, B, A (ImageSharp's <c>Rgba32</c>).</summary>
    Rgba32,
    /// <summary>Four bytes per pixel: B, G, R, A (SkiaSharp's <c>Bgra8888</c>, GDI, most GPUs).</summary>
    Bgra32,
    /// <summary>One byte per pixel, grey level.</summary>
    Gray8,
    /// <summary>Two bytes per pixel: grey, alpha (Pillow's <c>LA</c>).</summary>
    GrayAlpha16,
    /// <summary>One host-endian 16-bit grey sample per pixel (Pillow's <c>I;16</c>).</summary>
    Gray16,
    /// <summary>Three host-endian 16-bit samples per pixel: R, G, B.</summary>
    Rgb48,
    /// <summary>Four host-endian 16-bit samples per pixel: R, G, B, A.</summary>
    Rgba64,
}

/// <summary>Facts about <see cref="PixelFormat"/> values.</summary>
public static class PixelFormats
{
    /// <summary>Bytes one pixel occupies in memory.</summary>
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
        PixelFormat.Gray8 => 1,
        PixelFormat.GrayAlpha16 => 2,
        PixelFormat.Gray16 => 2,
        PixelFormat.Rgb48 => 6,
        PixelFormat.Rgba64 => 8,
        _ => throw new System.ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };
}

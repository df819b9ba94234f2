using System;

namespace Tessera.Imaging;

/// <summary>The Pillow mode a file decodes to before any conversion (what <c>Image.open(f).mode</c> reports).</summary>
/// <remarks>The loader needs it because the reference pipelines treat modes differently: qwen-vl-utils composites only
/// <see cref="Rgba"/> on white, every other loader drops alpha.</remarks>
public enum SourceMode
{
    /// <summary>Pillow "1": bilevel.</summary>
    Bilevel,
    /// <summary>Pillow "L": 8-bit grey.</summary>
    L,
    /// <summary>Pillow "LA": grey with alpha.</summary>
    LA,
    /// <summary>Pillow "P": palette.</summary>
    P,
    /// <summary>Pillow "PA": palette with alpha.</summary>
    PA,
    /// <summary>Pillow "RGB".</summary>
    Rgb,
    /// <summary>Pillow "RGBA".</summary>
    Rgba,
    /// <summary>Pillow "CMYK" (JPEG with four components).</summary>
    Cmyk,
    /// <summary>Pillow "I" / "I;16": 16-bit grey (PNG).</summary>
    I16,
}

/// <summary>
/// A decoded image owned by Tessera: tightly packed <see cref="PixelFormat.Rgb24"/> pixels, or
/// <see cref="PixelFormat.Rgba32"/> when the source mode is RGBA (so a loader can still composite it), plus what the
/// file said about itself.
/// </summary>
public sealed class DecodedImage
{
    /// <summary>Creates an image over <paramref name="pixels"/> (not copied).</summary>
    public DecodedImage(byte[] pixels, int width, int height, PixelFormat format, SourceMode sourceMode, int exifOrientation = 1)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be positive.");
        if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be positive.");
        if (format is not (PixelFormat.Rgb24 or PixelFormat.Rgba32))
            throw new ArgumentException("A decoded image is Rgb24 or Rgba32.", nameof(format));
        if (pixels.LongLength < (long)width * height * format.BytesPerPixel())
            throw new ArgumentException("Pixel buffer shorter than the image.", nameof(pixels));
        Pixels = pixels;
        Width = width;
        Height = height;
        Format = format;
        SourceMode = sourceMode;
        ExifOrientation = exifOrientation;
    }

    /// <summary>The pixels, row-major, no padding.</summary>
    public byte[] Pixels { get; }

    /// <summary>Width in pixels (as stored; EXIF orientation not applied unless a loader did).</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary><see cref="PixelFormat.Rgb24"/> or <see cref="PixelFormat.Rgba32"/>.</summary>
    public PixelFormat Format { get; }

    /// <summary>The Pillow mode the file decoded to.</summary>
    public SourceMode SourceMode { get; }

    /// <summary>EXIF orientation tag (1–8; 1 when absent or invalid).</summary>
    public int ExifOrientation { get; }

    /// <summary>A view of the pixels.</summary>
    public ImageView View => new(Pixels, Width, Height, Format);
}

using System;

namespace Tessera.Imaging;

/// <summary>
/// A read-only view of pixels in caller-owned memory: the seam every decoder fills and every kernel reads.
/// Nothing is copied; the view is only as long-lived as the memory it wraps.
/// </summary>
/// <remarks>
/// An ImageSharp <c>Image&lt;Rgba32&gt;</c> whose pixels are contiguous
/// (<c>image.DangerousTryGetSinglePixelMemory(out var m)</c>) becomes
/// <c>new ImageView(MemoryMarshal.AsBytes(m.Span), w, h, w * 4, PixelFormat.Rgba32)</c>; a SkiaSharp
/// <c>SKBitmap</c> in <c>Bgra8888</c> becomes <c>new ImageView(bitmap.GetPixelSpan(), w, h, bitmap.RowBytes,
/// PixelFormat.Bgra32)</c>.
/// </remarks>
public readonly ref struct ImageView
{
    /// <summary>The pixel bytes, starting at the first pixel of the first row.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the start of the next (at least <c>Width × bytes per pixel</c>).</summary>
    public int Stride { get; }

    /// <summary>Layout of each pixel.</summary>
    public PixelFormat Format { get; }

    /// <summary>Wraps <paramref name="data"/> as an image; validates that the rows fit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> is shorter than the image it is said to hold.</exception>
    public ImageView(ReadOnlySpan<byte> data, int width, int height, int stride, PixelFormat format)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be positive.");
        if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be positive.");
        long row = (long)width * format.BytesPerPixel();
        if (stride < row) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"Stride must be at least {row} bytes for {width} {format} pixels.");
        long needed = (long)stride * (height - 1) + row;
        if (data.Length < needed)
            throw new ArgumentException($"A {width}×{height} {format} image with stride {stride} needs {needed} bytes; the span holds {data.Length}.", nameof(data));
        Data = data;
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
    }

    /// <summary>Wraps tightly packed pixels (stride = width × bytes per pixel).</summary>
    public ImageView(ReadOnlySpan<byte> data, int width, int height, PixelFormat format)
        : this(data, width, height, checked(width * format.BytesPerPixel()), format)
    {
    }

    /// <summary>The bytes of row <paramref name="y"/> (exactly <c>Width × bytes per pixel</c> long).</summary>
    public ReadOnlySpan<byte> Row(int y) => Data.Slice(y * Stride, Width * Format.BytesPerPixel());
}

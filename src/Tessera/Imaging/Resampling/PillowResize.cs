using System;

namespace Tessera.Imaging.Resampling;

/// <summary>
/// <c>Image.resize</c> of Pillow (9.4 through 12.x, identical for 8-bit images), byte for byte: the separable
/// fixed-point convolution for BOX, BILINEAR, HAMMING, BICUBIC and LANCZOS, the accumulated-position NEAREST, the
/// integer-crop and same-size shortcuts (pixels.md §3). Output is tightly packed RGB.
/// </summary>
/// <remarks>
/// Sources: <see cref="PixelFormat.Rgb24"/>, <see cref="PixelFormat.Rgba32"/>, <see cref="PixelFormat.Bgra32"/>
/// (the R, G, B channels are resampled; alpha is ignored, which equals Pillow's <c>convert("RGB")</c> followed by
/// <c>resize</c> — never a premultiplied RGBA resize) and <see cref="PixelFormat.Gray8"/> (the grey channel is resampled
/// and replicated, which equals <c>convert("RGB")</c> then <c>resize</c> because channels are independent).
/// </remarks>
public static class PillowResize
{
    /// <summary>
    /// Resizes the whole of <paramref name="source"/> to <paramref name="destinationWidth"/>×<paramref name="destinationHeight"/>
    /// like <c>Image.resize((w, h), filter)</c>, writing <c>w·h·3</c> bytes of RGB to <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target side is below 1, or the filter is unknown.</exception>
    /// <exception cref="ArgumentException">The destination is too short or the source format is not supported.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    public static void Resize(ImageView source, Span<byte> destination, int destinationWidth, int destinationHeight,
        ResampleFilter filter, ResizeWorkspace workspace) =>
        Resize(source, destination, destinationWidth, destinationHeight, filter,
            ResizeBox.Whole(source.Width, source.Height), workspace, ResampleKernels.SimdAvailable);

    /// <summary>
    /// Resizes the region <paramref name="box"/> of <paramref name="source"/> like
    /// <c>Image.resize((w, h), filter, box=(left, top, right, bottom))</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target side is below 1, or the filter is unknown.</exception>
    /// <exception cref="ArgumentException">The destination is too short, the source format is not supported, or the box
    /// is negative, empty, not finite or outside the image (Pillow's checks).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is null.</exception>
    public static void Resize(ImageView source, Span<byte> destination, int destinationWidth, int destinationHeight,
        ResampleFilter filter, ResizeBox box, ResizeWorkspace workspace) =>
        Resize(source, destination, destinationWidth, destinationHeight, filter, box, workspace, ResampleKernels.SimdAvailable);

    /// <summary>Bytes <see cref="Resize(ImageView, Span{byte}, int, int, ResampleFilter, ResizeWorkspace)"/> writes: w·h·3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1 or the product overflows.</exception>
    public static int DestinationLength(int width, int height)
    {
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be at least 1.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be at least 1.");
        long pixels = (long)width * height;  // at most (2^31)^2: fits in a long
        if (pixels > Array.MaxLength / 3)
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}×{height} RGB image is too large for one buffer.");
        return (int)(pixels * 3);
    }

    /// <summary>The implementation, with the SIMD/scalar choice exposed so tests can compare both paths.</summary>
    internal static void Resize(ImageView source, Span<byte> destination, int width, int height,
        ResampleFilter filter, ResizeBox box, ResizeWorkspace workspace, bool useSimd)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "Target width must be at least 1.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "Target height must be at least 1.");
        if (filter is < ResampleFilter.Nearest or > ResampleFilter.Hamming)
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown resampling filter.");
        if (!SourceLayout.TryGet(source.Format, out SourceLayout layout))
            throw new ArgumentException($"Resizing reads Rgb24, Rgba32, Bgra32 or Gray8 pixels, not {source.Format}.", nameof(source));
        int length = DestinationLength(width, height);
        if (destination.Length < length)
            throw new ArgumentException($"A {width}×{height} RGB result needs {length} bytes; the destination holds {destination.Length}.", nameof(destination));
        ValidateBox(box, source.Width, source.Height);
        destination = destination.Slice(0, length);
        useSimd &= ResampleKernels.SimdAvailable;

        // Integer crop shortcut (same size with the default box included): float32 arithmetic as in Pillow's _resize.
        if (box.Left - (int)box.Left == 0 && box.Right - box.Left == width
            && box.Top - (int)box.Top == 0 && box.Bottom - box.Top == height)
        {
            Copy(source, layout, (int)box.Left, (int)box.Top, width, height, destination);
            return;
        }

        if (filter == ResampleFilter.Nearest)
        {
            Nearest(source, layout, box, width, height, destination, workspace);
            return;
        }

        Convolve(source, layout, box, width, height, filter, destination, workspace, useSimd);
    }

    private static void ValidateBox(ResizeBox box, int width, int height)
    {
        if (!float.IsFinite(box.Left) || !float.IsFinite(box.Top) || !float.IsFinite(box.Right) || !float.IsFinite(box.Bottom))
            throw new ArgumentException($"Box {box} must be finite.", nameof(box));
        if (box.Left < 0 || box.Top < 0)
            throw new ArgumentException($"Box {box}: offset can't be negative.", nameof(box));
        if (box.Right > width || box.Bottom > height)
            throw new ArgumentException($"Box {box} can't exceed the {width}×{height} image.", nameof(box));
        if (box.Right - box.Left < 0 || box.Bottom - box.Top < 0)
            throw new ArgumentException($"Box {box} can't be empty.", nameof(box));
    }

    /// <summary>Copies the source rectangle at (x0, y0) as RGB.</summary>
    private static void Copy(ImageView source, SourceLayout layout, int x0, int y0, int width, int height, Span<byte> destination)
    {
        int bpp = layout.BytesPerPixel;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = source.Data.Slice((y0 + y) * source.Stride + x0 * bpp, width * bpp);
            Span<byte> dst = destination.Slice(y * width * 3, width * 3);
            if (source.Format == PixelFormat.Rgb24)
            {
                row.CopyTo(dst);
                continue;
            }

            for (int x = 0; x < width; x++)
            {
                int p = x * bpp;
                dst[3 * x] = row[p + layout.R];
                dst[3 * x + 1] = row[p + layout.G];
                dst[3 * x + 2] = row[p + layout.B];
            }
        }
    }

    /// <summary>Pillow's NEAREST: an affine scale with positions accumulated by repeated double addition (§3.8).</summary>
    private static void Nearest(ImageView source, SourceLayout layout, ResizeBox box, int width, int height,
        Span<byte> destination, ResizeWorkspace workspace)
    {
        double a0 = (double)(box.Right - box.Left) / width;
        double a4 = (double)(box.Bottom - box.Top) / height;
        Span<int> columns = workspace.Columns(width);
        double xo = box.Left + a0 * 0.5;
        for (int x = 0; x < width; x++)
        {
            int xin = xo < 0.0 ? -1 : (int)xo;
            columns[x] = xin < source.Width ? xin : -1;
            xo += a0;
        }

        int bpp = layout.BytesPerPixel;
        double yo = box.Top + a4 * 0.5;
        for (int y = 0; y < height; y++)
        {
            int yi = yo < 0.0 ? -1 : (int)yo;
            yo += a4;
            Span<byte> dst = destination.Slice(y * width * 3, width * 3);
            if (yi < 0 || yi >= source.Height)
            {
                dst.Clear();
                continue;
            }

            ReadOnlySpan<byte> row = source.Row(yi);
            for (int x = 0; x < width; x++)
            {
                int c = columns[x];
                if (c < 0)
                {
                    dst.Slice(3 * x, 3).Clear();
                    continue;
                }

                int p = c * bpp;
                dst[3 * x] = row[p + layout.R];
                dst[3 * x + 1] = row[p + layout.G];
                dst[3 * x + 2] = row[p + layout.B];
            }
        }
    }

    /// <summary>The two-pass convolution with Pillow's pass skipping and row clipping (§3.5).</summary>
    private static void Convolve(ImageView source, SourceLayout layout, ResizeBox box, int width, int height,
        ResampleFilter filter, Span<byte> destination, ResizeWorkspace workspace, bool simd)
    {
        bool needH = width != source.Width || box.Left != 0 || box.Right != width;
        bool needV = height != source.Height || box.Top != 0 || box.Bottom != height;
        int channels = layout.Channels;
        AxisCoefficients vertical = workspace.Vertical;
        vertical.Compute(source.Height, box.Top, box.Bottom, height, filter);
        int yFirst = vertical.Bounds[0];
        int yLast = vertical.Bounds[2 * height - 2] + vertical.Bounds[2 * height - 1];
        int rowBytes = width * channels;

        ReadOnlySpan<byte> rows;  // what the vertical pass reads
        int rowsStride;
        int rowShift;
        if (needH)
        {
            AxisCoefficients horizontal = workspace.Horizontal;
            horizontal.Compute(source.Width, box.Left, box.Right, width, filter);
            int count = Math.Max(yLast - yFirst, 0);
            if (!needV && channels == 3)
            {
                // Without a vertical pass every source row is an output row (box spans the full height).
                ResampleKernels.Horizontal(source.Data, source.Stride, layout, yFirst, count, destination, rowBytes, horizontal, simd);
                return;
            }

            Span<byte> intermediate = workspace.Intermediate((long)count * rowBytes);
            ResampleKernels.Horizontal(source.Data, source.Stride, layout, yFirst, count, intermediate, rowBytes, horizontal, simd);
            if (!needV)
            {
                ExpandGray(intermediate, rowBytes, width, count, destination);
                return;
            }

            rows = intermediate;
            rowsStride = rowBytes;
            rowShift = yFirst;
        }
        else if (layout.IsGray || source.Format == PixelFormat.Rgb24)
        {
            rows = source.Data;
            rowsStride = source.Stride;
            rowShift = 0;
        }
        else
        {
            // 4-byte source without a horizontal pass: pick R, G, B of the rows the vertical pass reads.
            int count = Math.Max(yLast - yFirst, 0);
            Span<byte> intermediate = workspace.Intermediate((long)count * rowBytes);
            Copy(source, layout, 0, yFirst, width, count, intermediate);
            rows = intermediate;
            rowsStride = rowBytes;
            rowShift = yFirst;
        }

        if (channels == 3)
        {
            ResampleKernels.Vertical(rows, rowsStride, rowShift, rowBytes, destination, rowBytes, 0, height, vertical, simd);
            return;
        }

        Span<byte> gray = workspace.Row(width);
        for (int y = 0; y < height; y++)
        {
            ResampleKernels.Vertical(rows, rowsStride, rowShift, rowBytes, gray, width, y, 1, vertical, simd);
            ExpandGray(gray, width, width, 1, destination.Slice(y * width * 3));
        }
    }

    /// <summary>Writes grey rows as RGB (R = G = B).</summary>
    private static void ExpandGray(ReadOnlySpan<byte> gray, int stride, int width, int rows, Span<byte> destination)
    {
        for (int y = 0; y < rows; y++)
        {
            ReadOnlySpan<byte> src = gray.Slice(y * stride, width);
            Span<byte> dst = destination.Slice(y * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                byte v = src[x];
                dst[3 * x] = v;
                dst[3 * x + 1] = v;
                dst[3 * x + 2] = v;
            }
        }
    }
}

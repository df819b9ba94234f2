using System;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;

namespace Tessera.Pipelines;

/// <summary>
/// Scratch memory a pipeline reuses from call to call: resampling coefficient tables and the intermediate 8-bit images
/// (the resized canvas, the thumbnail). Buffers grow to the largest geometry seen and are then reused, so repeated calls
/// allocate nothing. Not thread-safe: use one workspace per thread.
/// </summary>
public sealed class PipelineWorkspace
{
    private byte[] _canvas = [];
    private byte[] _thumbnail = [];
    private byte[] _overview = [];
    private byte[] _converted = [];

    internal ResizeWorkspace CanvasResize { get; } = new();

    internal ResizeWorkspace ThumbnailResize { get; } = new();

    internal ResizeWorkspace OverviewResize { get; } = new();

    /// <summary>Width of the last resized canvas (the image the tiles or patches were cut from).</summary>
    public int CanvasWidth { get; private set; }

    /// <summary>Height of the last resized canvas.</summary>
    public int CanvasHeight { get; private set; }

    /// <summary>The last resized canvas, tightly packed RGB24 (<c>CanvasWidth × CanvasHeight × 3</c> bytes).</summary>
    public ReadOnlySpan<byte> Canvas => _canvas.AsSpan(0, CanvasWidth * CanvasHeight * 3);

    /// <summary>Side of the last thumbnail (0 when the last run had none).</summary>
    public int ThumbnailSize { get; private set; }

    /// <summary>The last thumbnail, tightly packed RGB24.</summary>
    public ReadOnlySpan<byte> Thumbnail => _thumbnail.AsSpan(0, ThumbnailSize * ThumbnailSize * 3);

    /// <summary>Width of the last overview: LLaVA-NeXT's base image, MiniCPM-V's source image (0 when the last run had none).</summary>
    public int OverviewWidth { get; private set; }

    /// <summary>Height of the last overview.</summary>
    public int OverviewHeight { get; private set; }

    /// <summary>The last overview, tightly packed RGB24 (<c>OverviewWidth × OverviewHeight × 3</c> bytes).</summary>
    public ReadOnlySpan<byte> Overview => _overview.AsSpan(0, OverviewWidth * OverviewHeight * 3);

    /// <summary>Bytes this workspace keeps alive.</summary>
    public long RetainedBytes => _canvas.LongLength + _thumbnail.LongLength + _converted.LongLength + _overview.LongLength
        + CanvasResize.RetainedBytes + ThumbnailResize.RetainedBytes + OverviewResize.RetainedBytes;

    /// <summary>
    /// <paramref name="image"/> itself when the resampler reads its format directly; otherwise an RGB24 copy made with
    /// Pillow's <c>convert("RGB")</c> rules (<see cref="PixelConversion"/>) in a buffer this workspace reuses.
    /// </summary>
    internal ImageView Resamplable(ImageView image)
    {
        if (PixelConversion.IsDirectlyResamplable(image.Format)) return image;
        var rgb = Grow(ref _converted, image.Width, image.Height);
        PixelConversion.ToRgb24(image, rgb);
        return new ImageView(rgb, image.Width, image.Height, PixelFormat.Rgb24);
    }

    internal Span<byte> RentCanvas(int width, int height)
    {
        CanvasWidth = width;
        CanvasHeight = height;
        return Grow(ref _canvas, width, height);
    }

    internal Span<byte> RentThumbnail(int size)
    {
        ThumbnailSize = size;
        return Grow(ref _thumbnail, size, size);
    }

    internal void NoThumbnail() => ThumbnailSize = 0;

    internal Span<byte> RentOverview(int width, int height)
    {
        OverviewWidth = width;
        OverviewHeight = height;
        return Grow(ref _overview, width, height);
    }

    internal void NoOverview() => OverviewWidth = OverviewHeight = 0;

    private static Span<byte> Grow(ref byte[] buffer, int width, int height)
    {
        long length = (long)width * height * 3;
        if (length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}×{height} RGB image does not fit one buffer.");
        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<byte>((int)length);
        }
        return buffer.AsSpan(0, (int)length);
    }
}

using System;
using System.Buffers.Binary;

namespace Tessera.Imaging.Codecs;

/// <summary>What a WebP file's RIFF chunks say before any pixel is decoded (read by <see cref="WebPDecoder.ReadHeader"/>).</summary>
public readonly struct WebPHeader
{
    internal WebPHeader(int width, int height, bool hasAlpha, bool lossless, bool animated, int exifOrientation)
    {
        Width = width;
        Height = height;
        HasAlpha = hasAlpha;
        IsLossless = lossless;
        IsAnimated = animated;
        ExifOrientation = exifOrientation;
    }

    /// <summary>Canvas width in pixels, as stored.</summary>
    public int Width { get; }

    /// <summary>Canvas height in pixels, as stored.</summary>
    public int Height { get; }

    /// <summary>libwebp's <c>has_alpha</c> feature, which makes Pillow open the file as RGBA.</summary>
    public bool HasAlpha { get; }

    /// <summary>True when the image bitstream is VP8L (lossless).</summary>
    public bool IsLossless { get; }

    /// <summary>True when the VP8X header sets the animation flag (Tessera does not decode animations).</summary>
    public bool IsAnimated { get; }

    /// <summary>EXIF orientation (1–8) from the EXIF chunk when the VP8X header flags one; 1 otherwise.</summary>
    public int ExifOrientation { get; }

    /// <summary>The Pillow mode the file opens as: RGBA with alpha, RGB without.</summary>
    public SourceMode SourceMode => HasAlpha ? SourceMode.Rgba : SourceMode.Rgb;
}

/// <summary>
/// WebP decoding through the system libwebp (<c>WebPDecodeRGBInto</c> / <c>WebPDecodeRGBAInto</c>), which gives
/// Pillow's bytes exactly (pixels.md §7). Files with alpha decode to <see cref="PixelFormat.Rgba32"/> with
/// <see cref="SourceMode.Rgba"/>, as Pillow opens them, so a loader can still composite them.
/// </summary>
public static class WebPDecoder
{
    private const byte AlphaFlag = 0x10, ExifFlag = 0x08, AnimationFlag = 0x02;

    /// <summary>True when <paramref name="data"/> starts with <c>RIFF????WEBP</c> (Pillow's test).</summary>
    public static bool IsWebP(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8);

    /// <summary>Reads the canvas size, alpha and EXIF orientation by walking the RIFF chunks (libwebp's rules for <c>has_alpha</c>).</summary>
    /// <exception cref="ImageDecodeException">Not a WebP (<see cref="ImageErrorKind.UnknownFormat"/>), the data ends
    /// before the image header (<see cref="ImageErrorKind.Truncated"/>), or a malformed chunk (<see cref="ImageErrorKind.Corrupt"/>).</exception>
    public static WebPHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        if (!IsWebP(data))
        {
            if (data.Length is > 0 and < 12 && data.StartsWith("RIFF"u8[..Math.Min(4, data.Length)]))
                throw new ImageDecodeException(ImageErrorKind.Truncated, "WebP file ends inside its RIFF header.");
            throw new ImageDecodeException(ImageErrorKind.UnknownFormat, "Not a WebP file (no RIFF....WEBP signature).");
        }
        long riffEnd = 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
        int end = (int)Math.Min(riffEnd, data.Length);

        int pos = 12;
        bool vp8x = false, hasAlpha = false, animated = false, exifWanted = false, exifSeen = false;
        int width = 0, height = 0, orientation = 1;
        while (true)
        {
            if ((long)pos + 8 > end)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "WebP file ends before its image chunk.");
            ReadOnlySpan<byte> fourcc = data.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos + 4));
            int payloadStart = pos + 8;
            ReadOnlySpan<byte> payload = data.Slice(payloadStart, (int)Math.Min(size, end - payloadStart));
            bool complete = payload.Length == size;
            long next = payloadStart + size + (size & 1);

            if (fourcc.SequenceEqual("VP8X"u8))
            {
                if (pos != 12 || vp8x)
                    throw new ImageDecodeException(ImageErrorKind.Corrupt, "WebP VP8X chunk is not the first chunk.");
                if (payload.Length < 10)
                    throw Short(complete, "VP8X");
                byte flags = payload[0];
                width = 1 + (int)ReadUInt24(payload[4..]);
                height = 1 + (int)ReadUInt24(payload[7..]);
                hasAlpha = (flags & AlphaFlag) != 0;
                animated = (flags & AnimationFlag) != 0;
                exifWanted = (flags & ExifFlag) != 0;
                vp8x = true;
                if (animated)
                    return new WebPHeader(width, height, hasAlpha, false, true, exifWanted ? FindExif(data, (int)Math.Min(next, int.MaxValue), end) : 1);
            }
            else if (fourcc.SequenceEqual("VP8 "u8))
            {
                if (payload.Length < 10)
                    throw Short(complete, "VP8");
                if ((payload[0] & 1) != 0 || payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A)
                    throw new ImageDecodeException(ImageErrorKind.Corrupt, "WebP VP8 chunk does not start with a key frame.");
                if (!vp8x)
                {
                    width = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF;
                    height = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF;
                }
                return Finish(data, next, end, width, height, hasAlpha, lossless: false, exifWanted && !exifSeen, orientation);
            }
            else if (fourcc.SequenceEqual("VP8L"u8))
            {
                if (payload.Length < 5)
                    throw Short(complete, "VP8L");
                uint bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
                if (payload[0] != 0x2F || bits >> 29 != 0)
                    throw new ImageDecodeException(ImageErrorKind.Corrupt, "WebP VP8L chunk has a bad signature or version.");
                if (!vp8x)
                {
                    width = (int)(bits & 0x3FFF) + 1;
                    height = (int)((bits >> 14) & 0x3FFF) + 1;
                }
                // libwebp's WebPGetFeatures takes has_alpha from the VP8L header, overriding the VP8X flag.
                hasAlpha = ((bits >> 28) & 1) != 0;
                return Finish(data, next, end, width, height, hasAlpha, lossless: true, exifWanted && !exifSeen, orientation);
            }
            else if (!vp8x)
            {
                throw new ImageDecodeException(ImageErrorKind.Corrupt, "WebP file has no VP8, VP8L or VP8X chunk first.");
            }
            else if (fourcc.SequenceEqual("ALPH"u8))
            {
                hasAlpha = true; // an ALPH chunk before the bitstream makes libwebp report alpha
            }
            else if (fourcc.SequenceEqual("EXIF"u8) && exifWanted && !exifSeen)
            {
                if (!complete)
                    throw Short(false, "EXIF");
                exifSeen = true;
                orientation = OrientationOf(payload);
            }
            pos = (int)Math.Min(next, int.MaxValue);
        }
    }

    /// <summary>Decodes <paramref name="data"/>: <see cref="PixelFormat.Rgb24"/>, or <see cref="PixelFormat.Rgba32"/>
    /// (straight alpha) when the file has alpha. The EXIF orientation is reported, not applied.</summary>
    /// <exception cref="ImageDecodeException">Any bad input with its <see cref="ImageErrorKind"/>; animations are
    /// <see cref="ImageErrorKind.Unsupported"/>; a missing libwebp is <see cref="ImageErrorKind.CodecUnavailable"/>.</exception>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> data, DecodeLimits limits = default)
    {
        WebPHeader header = ReadHeader(data);
        if (header.IsAnimated)
            throw new ImageDecodeException(ImageErrorKind.Unsupported, "Animated WebP is not supported.");
        limits.Check(header.Width, header.Height);
        PixelFormat format = header.HasAlpha ? PixelFormat.Rgba32 : PixelFormat.Rgb24;
        int stride = header.Width * format.BytesPerPixel();
        long size = (long)stride * header.Height;
        if (size > Array.MaxLength)
            throw new ImageDecodeException(ImageErrorKind.TooLarge, $"A {header.Width}×{header.Height} WebP needs {size} bytes, more than one buffer can hold.");

        _ = NativeLibraries.WebP;
        byte[] pixels = GC.AllocateUninitializedArray<byte>((int)size);
        fixed (byte* source = data)
        fixed (byte* destination = pixels)
        {
            if (NativeWebP.GetInfo(source, (nuint)data.Length, out int width, out int height) == 0)
                throw Failure(data, "libwebp rejects the WebP header");
            if (width != header.Width || height != header.Height)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"libwebp reads a {width}×{height} canvas where the chunks say {header.Width}×{header.Height}.");
            byte* result = header.HasAlpha
                ? NativeWebP.DecodeRgbaInto(source, (nuint)data.Length, destination, (nuint)size, stride)
                : NativeWebP.DecodeRgbInto(source, (nuint)data.Length, destination, (nuint)size, stride);
            if (result == null)
                throw Failure(data, "libwebp could not decode the WebP bitstream");
        }
        return new DecodedImage(pixels, header.Width, header.Height, format, header.SourceMode, header.ExifOrientation);
    }

    /// <summary>A decode failure is a truncation when the RIFF size promises more bytes than there are.</summary>
    private static ImageDecodeException Failure(ReadOnlySpan<byte> data, string what)
    {
        long riffEnd = 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
        return riffEnd > data.Length
            ? new ImageDecodeException(ImageErrorKind.Truncated, $"{what}: the file is truncated ({data.Length} of {riffEnd} bytes).")
            : new ImageDecodeException(ImageErrorKind.Corrupt, $"{what}: the data is corrupt.");
    }

    private static WebPHeader Finish(ReadOnlySpan<byte> data, long next, int end, int width, int height, bool hasAlpha,
        bool lossless, bool lookForExif, int orientation)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, $"WebP header declares an empty size {width}×{height}.");
        if (lookForExif)
            orientation = FindExif(data, (int)Math.Min(next, int.MaxValue), end);
        return new WebPHeader(width, height, hasAlpha, lossless, false, orientation);
    }

    /// <summary>The orientation from the first EXIF chunk at or after <paramref name="pos"/> (libwebp's demuxer, which
    /// Pillow uses, keeps the chunk only when the VP8X EXIF flag is set); 1 when there is none.</summary>
    private static int FindExif(ReadOnlySpan<byte> data, int pos, int end)
    {
        while ((long)pos + 8 <= end)
        {
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos + 4));
            if (data.Slice(pos, 4).SequenceEqual("EXIF"u8))
            {
                if (pos + 8 + size > end)
                    throw new ImageDecodeException(ImageErrorKind.Truncated, "WebP file ends inside its EXIF chunk.");
                return OrientationOf(data.Slice(pos + 8, (int)size));
            }
            long next = pos + 8 + size + (size & 1);
            if (next > int.MaxValue)
                break;
            pos = (int)next;
        }
        // Chunks the RIFF size promises but the data lacks may hold the EXIF chunk: a prefix cannot say "no EXIF".
        long riffEnd = 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
        if (riffEnd > data.Length && (long)pos + 8 <= riffEnd)
            throw new ImageDecodeException(ImageErrorKind.Truncated, "WebP file ends before its EXIF chunk.");
        return 1;
    }

    /// <summary>Pillow's Exif.load strips an "Exif\0\0" prefix when a writer put one in the chunk.</summary>
    private static int OrientationOf(ReadOnlySpan<byte> chunk)
    {
        int o = ExifReader.ReadOrientation(chunk.StartsWith("Exif\0\0"u8) ? chunk[6..] : chunk);
        return o is >= 1 and <= 8 ? o : 1;
    }

    private static ImageDecodeException Short(bool complete, string chunk) => complete
        ? new ImageDecodeException(ImageErrorKind.Corrupt, $"WebP {chunk} chunk is too short.")
        : new ImageDecodeException(ImageErrorKind.Truncated, $"WebP file ends inside its {chunk} chunk.");

    private static uint ReadUInt24(ReadOnlySpan<byte> s) => (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
}

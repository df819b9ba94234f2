using System;
using System.Buffers.Binary;
using System.IO;
using Tessera.Imaging.Codecs;

namespace Tessera.Imaging;

/// <summary>How a reference pipeline turns a file into RGB (pixels.md §1.6).</summary>
public enum LoaderPreset
{
    /// <summary>transformers <c>image_utils.load_image</c>: <c>ImageOps.exif_transpose</c>, then <c>convert("RGB")</c>
    /// (alpha dropped, never composited).</summary>
    TransformersLoadImage,
    /// <summary>The InternVL model card's <c>Image.open(f).convert("RGB")</c>: no EXIF orientation, alpha dropped.</summary>
    InternVLModelCard,
    /// <summary><c>qwen_vl_utils.fetch_image</c>: no EXIF orientation; an RGBA image is pasted on white with its alpha
    /// as mask, out = DIV255(255·(255 − a) + c·a); every other mode is <c>convert("RGB")</c>.</summary>
    QwenVlUtils,
    /// <summary>The pixels as stored, converted to RGB, no EXIF orientation (the same bytes as <see cref="InternVLModelCard"/>).</summary>
    Raw,
}

/// <summary>The container formats Tessera decodes.</summary>
public enum ImageFormat
{
    /// <summary>PNG.</summary>
    Png,
    /// <summary>JPEG (JFIF, EXIF, Adobe).</summary>
    Jpeg,
    /// <summary>WebP (lossy, lossless, extended; not animated).</summary>
    WebP,
}

/// <summary>What a file's header says: format, stored size and EXIF orientation, read without decoding pixels.</summary>
public readonly struct ImageInfo
{
    /// <summary>Creates the description of an image.</summary>
    public ImageInfo(ImageFormat format, int width, int height, int exifOrientation)
    {
        Format = format;
        Width = width;
        Height = height;
        ExifOrientation = exifOrientation;
    }

    /// <summary>The container format.</summary>
    public ImageFormat Format { get; }

    /// <summary>Width as stored.</summary>
    public int Width { get; }

    /// <summary>Height as stored.</summary>
    public int Height { get; }

    /// <summary>EXIF orientation tag (1–8; 1 when absent or invalid).</summary>
    public int ExifOrientation { get; }

    /// <summary>Width after the EXIF orientation is applied (what <see cref="LoaderPreset.TransformersLoadImage"/> yields).</summary>
    public int OrientedWidth => Orientation.SwapsAxes(ExifOrientation) ? Height : Width;

    /// <summary>Height after the EXIF orientation is applied.</summary>
    public int OrientedHeight => Orientation.SwapsAxes(ExifOrientation) ? Width : Height;
}

/// <summary>
/// The loader facade: sniffs PNG / JPEG / WebP, decodes with the matching decoder and applies a reference pipeline's
/// loading rules (<see cref="LoaderPreset"/>), giving the RGB bytes that pipeline starts from.
/// </summary>
public static class ImageLoader
{
    private const int IdentifyFirstRead = 64 * 1024;

    /// <summary>The format <paramref name="encoded"/> starts with, or null when none matches.</summary>
    public static ImageFormat? DetectFormat(ReadOnlySpan<byte> encoded)
    {
        if (PngDecoder.IsPng(encoded)) return ImageFormat.Png;
        if (JpegDecoder.IsJpeg(encoded)) return ImageFormat.Jpeg;
        if (WebPDecoder.IsWebP(encoded)) return ImageFormat.WebP;
        return null;
    }

    /// <summary>Decodes without applying any preset: <see cref="PixelFormat.Rgb24"/>, or <see cref="PixelFormat.Rgba32"/>
    /// for RGBA sources, in stored orientation.</summary>
    /// <exception cref="ImageDecodeException">Unknown format, bad data, over the limits, or a missing codec library.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeLimits limits = default) => Sniff(encoded) switch
    {
        ImageFormat.Png => PngDecoder.Decode(encoded, limits),
        ImageFormat.Jpeg => JpegDecoder.Decode(encoded, limits),
        _ => WebPDecoder.Decode(encoded, limits),
    };

    /// <summary>Decodes <paramref name="encoded"/> and applies <paramref name="preset"/>; the result is always
    /// <see cref="PixelFormat.Rgb24"/>. When the preset applied the orientation, the result reports orientation 1
    /// (Pillow removes the tag); otherwise it reports the file's tag.</summary>
    /// <exception cref="ImageDecodeException">Unknown format, bad data, over the limits, or a missing codec library.</exception>
    public static DecodedImage Load(ReadOnlySpan<byte> encoded, LoaderPreset preset, DecodeLimits limits = default)
    {
        DecodedImage image = Decode(encoded, limits);
        byte[] rgb = image.Pixels;
        if (image.Format == PixelFormat.Rgba32)
        {
            rgb = GC.AllocateUninitializedArray<byte>(image.Width * image.Height * 3);
            if (preset == LoaderPreset.QwenVlUtils && image.SourceMode == SourceMode.Rgba)
                CompositeOnWhite(image.Pixels, rgb);
            else
                DropAlpha(image.Pixels, rgb);
        }

        int orientation = image.ExifOrientation;
        if (preset != LoaderPreset.TransformersLoadImage)
            return new DecodedImage(rgb, image.Width, image.Height, PixelFormat.Rgb24, image.SourceMode, orientation);
        if (orientation is < 2 or > 8)
            return new DecodedImage(rgb, image.Width, image.Height, PixelFormat.Rgb24, image.SourceMode);

        (int width, int height) = Orientation.OrientedSize(image.Width, image.Height, orientation);
        byte[] oriented = GC.AllocateUninitializedArray<byte>(checked(width * height * 3));
        Orientation.Apply(new ImageView(rgb, image.Width, image.Height, PixelFormat.Rgb24), orientation, oriented);
        return new DecodedImage(oriented, width, height, PixelFormat.Rgb24, image.SourceMode);
    }

    /// <summary>Reads the file at <paramref name="path"/> and loads it like <see cref="Load(ReadOnlySpan{byte}, LoaderPreset, DecodeLimits)"/>.</summary>
    /// <exception cref="ImageDecodeException">As for the span overload.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DecodedImage Load(string path, LoaderPreset preset, DecodeLimits limits = default) =>
        Load(File.ReadAllBytes(path), preset, limits);

    /// <summary>Reads the format, size and EXIF orientation from the headers, decoding no pixels.</summary>
    /// <exception cref="ImageDecodeException">Unknown format, or headers that are cut short or malformed.</exception>
    public static ImageInfo Identify(ReadOnlySpan<byte> encoded)
    {
        switch (Sniff(encoded))
        {
            case ImageFormat.Png:
                PngHeader png = PngDecoder.ReadHeader(encoded);
                return new ImageInfo(ImageFormat.Png, png.Width, png.Height, png.ExifOrientation);
            case ImageFormat.Jpeg:
                JpegHeader jpeg = JpegDecoder.ReadHeader(encoded);
                return new ImageInfo(ImageFormat.Jpeg, jpeg.Width, jpeg.Height, jpeg.ExifOrientation);
            default:
                WebPHeader webp = WebPDecoder.ReadHeader(encoded);
                return new ImageInfo(ImageFormat.WebP, webp.Width, webp.Height, webp.ExifOrientation);
        }
    }

    /// <summary>Identifies the file at <paramref name="path"/>, reading its first 64 KiB and more only when the
    /// headers go on (large EXIF or ICC segments, a WebP EXIF chunk after the bitstream).</summary>
    /// <exception cref="ImageDecodeException">As for the span overload.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImageInfo Identify(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long length = stream.Length;
        int size = (int)Math.Min(length, IdentifyFirstRead);
        byte[] buffer = new byte[size];
        int filled = 0;
        while (true)
        {
            filled += ReadFully(stream, buffer.AsSpan(filled));
            try
            {
                var info = Identify(buffer.AsSpan(0, filled));
                // A PNG's orientation can sit in a chunk after the image data (Pillow reads those on load): walk the rest of
                // the file by seeking past IDAT chunks instead of reading them.
                return info.Format == ImageFormat.Png && filled < length ? Identify(PngSkeleton(stream, buffer.AsSpan(0, filled))) : info;
            }
            // A buffer already at Array.MaxLength cannot grow (a file over 2 GiB whose headers go on): the error stands
            // rather than the loop re-reading nothing forever.
            catch (ImageDecodeException e) when (e.Kind == ImageErrorKind.Truncated && filled < length && filled == buffer.Length
                && buffer.Length < Array.MaxLength)
            {
                Array.Resize(ref buffer, (int)Math.Min(Math.Min(length, Array.MaxLength), (long)buffer.Length * 4));
            }
        }
    }

    /// <summary>Largest sum of non-IDAT chunk bytes after the image data that <see cref="PngSkeleton"/> keeps (metadata only).</summary>
    private const int PngTrailerLimit = 64 * 1024 * 1024;

    /// <summary>
    /// The PNG in <paramref name="stream"/> with its image data left out: <paramref name="head"/> up to the first IDAT, one
    /// empty IDAT, then every later chunk but IDAT, read by seeking from chunk header to chunk header, until IEND, the end
    /// of the file, a malformed header or <see cref="PngTrailerLimit"/>. What the header reader sees after IDAT is then the
    /// same as in the whole file.
    /// </summary>
    private static byte[] PngSkeleton(Stream stream, ReadOnlySpan<byte> head)
    {
        int firstIdat = PngDecoder.ReadHeader(head).FirstIdatOffset;
        var skeleton = new MemoryStream();
        skeleton.Write(head.Slice(0, firstIdat));
        Span<byte> chunkHeader = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(chunkHeader, 0);
        BinaryPrimitives.WriteUInt32BigEndian(chunkHeader.Slice(4), PngDecoder.IdatType);
        BinaryPrimitives.WriteUInt32BigEndian(chunkHeader.Slice(8), PngCrc.Compute(chunkHeader.Slice(4, 4)));
        skeleton.Write(chunkHeader);
        long pos = firstIdat, kept = 0;
        while (pos <= stream.Length - 8)
        {
            stream.Position = pos;
            if (ReadFully(stream, chunkHeader.Slice(0, 8)) < 8) break;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(chunkHeader);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(chunkHeader.Slice(4));
            if (length > int.MaxValue || type == PngDecoder.IendType) break;
            if (type != PngDecoder.IdatType)
            {
                long whole = 12L + length;
                if (kept + whole > PngTrailerLimit || pos + whole > stream.Length) break;
                var chunk = new byte[whole];
                chunkHeader.Slice(0, 8).CopyTo(chunk);
                if (ReadFully(stream, chunk.AsSpan(8)) < chunk.Length - 8) break;
                skeleton.Write(chunk);
                kept += whole;
            }
            pos += 12L + length;
        }
        return skeleton.ToArray();
    }

    private static int ReadFully(Stream stream, Span<byte> into)
    {
        int total = 0;
        while (total < into.Length)
        {
            int n = stream.Read(into.Slice(total));
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static ImageFormat Sniff(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
            throw new ImageDecodeException(ImageErrorKind.UnknownFormat, "cannot identify image file: the data is empty.");
        return DetectFormat(encoded)
            ?? throw new ImageDecodeException(ImageErrorKind.UnknownFormat,
                $"cannot identify image file: {Math.Min(encoded.Length, 12)} leading bytes match no PNG, JPEG or WebP signature.");
    }

    /// <summary>qwen_vl_utils' paste onto white with the alpha as mask: c' = DIV255(255·(255 − a) + c·a) (pixels.md §1.6).</summary>
    internal static void CompositeOnWhite(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        int count = rgb.Length / 3;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> s = rgba.Slice(i * 4, 4);
            Span<byte> d = rgb.Slice(i * 3, 3);
            int a = s[3], back = 255 * (255 - a);
            d[0] = Div255(back + s[0] * a);
            d[1] = Div255(back + s[1] * a);
            d[2] = Div255(back + s[2] * a);
        }
    }

    /// <summary><c>convert("RGB")</c> of RGBA: drop the fourth byte.</summary>
    internal static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        int count = rgb.Length / 3;
        for (int i = 0; i < count; i++)
            rgba.Slice(i * 4, 3).CopyTo(rgb.Slice(i * 3, 3));
    }

    private static byte Div255(int x)
    {
        int t = x + 128;
        return (byte)(((t >> 8) + t) >> 8);
    }
}

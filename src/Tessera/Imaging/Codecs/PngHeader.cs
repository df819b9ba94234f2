using System;

namespace Tessera.Imaging.Codecs;

/// <summary>PNG colour types (IHDR byte 9).</summary>
public enum PngColorType : byte
{
    /// <summary>Greyscale (bit depth 1, 2, 4, 8 or 16).</summary>
    Gray = 0,
    /// <summary>Truecolour (8 or 16).</summary>
    Rgb = 2,
    /// <summary>Indexed colour (1, 2, 4 or 8); needs a PLTE chunk.</summary>
    Palette = 3,
    /// <summary>Greyscale with alpha (8 or 16).</summary>
    GrayAlpha = 4,
    /// <summary>Truecolour with alpha (8 or 16).</summary>
    Rgba = 6,
}

/// <summary>What a PNG says about itself, read from its chunks without inflating any image data.</summary>
public readonly struct PngHeader
{
    internal PngHeader(int width, int height, byte bitDepth, PngColorType colorType, bool interlaced,
        int exifOffset, int exifLength, int exifOrientation, int paletteOffset, int paletteLength, int firstIdatOffset)
    {
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColorType = colorType;
        Interlaced = interlaced;
        ExifOffset = exifOffset;
        ExifLength = exifLength;
        ExifOrientation = exifOrientation;
        PaletteOffset = paletteOffset;
        PaletteLength = paletteLength;
        FirstIdatOffset = firstIdatOffset;
    }

    /// <summary>Width in pixels (1 to 2³¹ − 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (1 to 2³¹ − 1).</summary>
    public int Height { get; }

    /// <summary>Bits per sample: 1, 2, 4, 8 or 16 (a valid combination with <see cref="ColorType"/>).</summary>
    public byte BitDepth { get; }

    /// <summary>The colour type.</summary>
    public PngColorType ColorType { get; }

    /// <summary>Whether the image data is Adam7-interlaced.</summary>
    public bool Interlaced { get; }

    /// <summary>Offset in the file of the EXIF block Pillow keeps under info "exif": the payload of the last <c>eXIf</c>
    /// chunk, or the text of a tEXt chunk keyed "exif" after any <c>Exif\0\0</c> prefix, whichever came last before
    /// IDAT, else the last after it; −1 if none. (A "Raw profile type exif" text is not counted here.)</summary>
    public int ExifOffset { get; }

    /// <summary>Length of that payload (0 if none).</summary>
    public int ExifLength { get; }

    /// <summary>The orientation Pillow 9.4's <c>exif_transpose</c> acts on (2–8), else 1: from the EXIF block, else a
    /// "Raw profile type exif" text, and from the XMP when that IFD0 has no orientation tag (see <see cref="PngDecoder"/>).</summary>
    public int ExifOrientation { get; }

    /// <summary>Whether the file has an EXIF block under info "exif" (<see cref="ExifOffset"/>).</summary>
    public bool HasExif => ExifOffset >= 0;

    /// <summary>That EXIF block (a TIFF structure) within <paramref name="file"/>, the same bytes this header was read from; empty if none.</summary>
    public ReadOnlySpan<byte> Exif(ReadOnlySpan<byte> file) => HasExif ? file.Slice(ExifOffset, ExifLength) : default;

    /// <summary>The Pillow mode <c>Image.open</c> reports for this header (PngImagePlugin's table, pixels.md §1.3).</summary>
    /// <remarks>16-bit grey is <see cref="SourceMode.I16"/> ("I" in Pillow 9.4–10.2, "I;16" from 10.3; same RGB).
    /// 16-bit grey+alpha is <see cref="SourceMode.Rgba"/>: Pillow opens it as RGBA.</remarks>
    public SourceMode SourceMode => (ColorType, BitDepth) switch
    {
        (PngColorType.Gray, 1) => SourceMode.Bilevel,
        (PngColorType.Gray, 16) => SourceMode.I16,
        (PngColorType.Gray, _) => SourceMode.L,
        (PngColorType.Rgb, _) => SourceMode.Rgb,
        (PngColorType.Palette, _) => SourceMode.P,
        (PngColorType.GrayAlpha, 8) => SourceMode.LA,
        _ => SourceMode.Rgba,
    };

    /// <summary>The pixel format <see cref="PngDecoder.Decode(ReadOnlySpan{byte}, DecodeLimits)"/> returns:
    /// <see cref="PixelFormat.Rgba32"/> exactly when <see cref="SourceMode"/> is RGBA, else <see cref="PixelFormat.Rgb24"/>.</summary>
    public PixelFormat DecodedFormat => SourceMode == SourceMode.Rgba ? PixelFormat.Rgba32 : PixelFormat.Rgb24;

    /// <summary>Samples per pixel in the file (1 for palette indices).</summary>
    internal int Channels => ColorType switch
    {
        PngColorType.Rgb => 3,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgba => 4,
        _ => 1,
    };

    /// <summary>Offset of the PLTE payload (−1 if none).</summary>
    internal int PaletteOffset { get; }

    /// <summary>Length of the PLTE payload.</summary>
    internal int PaletteLength { get; }

    /// <summary>Offset of the first IDAT chunk (its length field).</summary>
    internal int FirstIdatOffset { get; }
}

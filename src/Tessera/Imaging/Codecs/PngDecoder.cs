using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Tessera.Imaging.Codecs;

/// <summary>
/// PNG decoder on the BCL's zlib (<see cref="ZLibStream"/>) whose output equals Pillow's
/// <c>Image.open(f).convert("RGB")</c> byte for byte (pixels.md §1.1–1.3), or Pillow's RGBA for the RGBA modes.
/// </summary>
/// <remarks>
/// <para>Every colour type and bit depth of the PNG specification, Adam7 interlacing, the five filter types and any
/// split of the image data into IDAT chunks. No gamma, ICC or transparency is applied (Pillow applies none on
/// <c>convert("RGB")</c>); tRNS, bKGD and the like are ignored.</para>
/// <para><b>Palette indices beyond the PLTE entries</b> decode to black (0, 0, 0), as in Pillow ≥ 10.1 (the C palette
/// starts empty). Pillow ≤ 10.0 gave the grey ramp (i, i, i) there; where versions differ Tessera follows current
/// Pillow. A PLTE with more than 256 entries is cut to 256.</para>
/// <para><b>What is checked, like Pillow's PngImagePlugin</b>: the CRC of every chunk before the first IDAT
/// (critical or ancillary: Pillow's <c>_open</c> verifies them all); IDAT CRCs and chunks after the image data are
/// not verified, because Pillow skips them, so every file Pillow opens decodes here. Chunk types must be four
/// word characters (Pillow's <c>\w\w\w\w</c>). IHDR must come first and hold at least 13 bytes; width and height
/// 1 to 2³¹ − 1; a (bit depth, colour type) pair of the specification; filter method 0. Like Pillow, any non-zero
/// interlace byte means Adam7 and the compression-method byte is not inspected. A palette image needs a PLTE (the
/// last one wins). Decoding stops once every scanline is read: trailing data, a missing IEND
/// and the zlib trailer are not needed (Pillow stops there too).</para>
/// <para><b>Orientation</b>, as Pillow 9.4's <c>getexif()</c> finds it (pixels.md §2, details in
/// <see cref="PngOrientationReader"/>): the EXIF under info "exif" — the last <c>eXIf</c> chunk, or tEXt keyed "exif" —
/// else a "Raw profile type exif" text (tEXt, zTXt or iTXt, hex); and only when that IFD0 has no orientation tag, the
/// first <c>tiff:Orientation="d</c> / <c>tiff:Orientation&gt;d</c> in the "XML:com.adobe.xmp" text. Chunks before IDAT
/// are read first; those after the image data only when none before IDAT set "exif" (Pillow's <c>getexif()</c> loads
/// the image, reading the chunks after IDAT, only then). EXIF blocks are parsed by <see cref="ExifReader"/>.</para>
/// <para>Errors are <see cref="ImageDecodeException"/>: <see cref="ImageErrorKind.UnknownFormat"/> (not a PNG
/// signature), <see cref="ImageErrorKind.Truncated"/> (the file ends first), <see cref="ImageErrorKind.Corrupt"/>
/// (bad chunk, CRC, header, filter or zlib data) and <see cref="ImageErrorKind.TooLarge"/> (over
/// <see cref="DecodeLimits"/>, checked before anything sized by the header is allocated).</para>
/// </remarks>
public static class PngDecoder
{
    internal const uint IhdrType = 0x49484452; // "IHDR"
    internal const uint PlteType = 0x504C5445; // "PLTE"
    internal const uint IdatType = 0x49444154; // "IDAT"
    internal const uint IendType = 0x49454E44; // "IEND"
    internal const uint ExifType = 0x65584966; // "eXIf"

    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Whether <paramref name="data"/> starts with the 8-byte PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.Length >= 8 && data.Slice(0, 8).SequenceEqual(Signature);

    /// <summary>
    /// Reads the header, the palette location and the EXIF orientation by walking the chunks. No image data is
    /// inflated; only zTXt / compressed iTXt chunks under the keywords the orientation comes from are, each into a
    /// pooled buffer of at most 1 MiB (Pillow's limit). Files without such chunks allocate nothing.
    /// </summary>
    /// <exception cref="ImageDecodeException">Not a PNG, truncated before the image data, bad CRC, bad IHDR or chunk,
    /// or a palette image without PLTE.</exception>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        if (!IsPng(data))
        {
            if (data.Length < 8 && Signature.StartsWith(data))
                throw new ImageDecodeException(ImageErrorKind.Truncated, "PNG file ends inside its signature.");
            throw new ImageDecodeException(ImageErrorKind.UnknownFormat, "Not a PNG file (bad signature).");
        }

        int width = 0, height = 0, paletteOffset = -1, paletteLength = 0;
        var metadata = PngOrientationReader.Create();
        byte depth = 0;
        var colorType = PngColorType.Gray;
        bool interlaced = false, sawHeader = false;
        int pos = 8;
        int firstIdat;
        while (true)
        {
            if (pos > data.Length - 8)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "PNG file ends before its image data.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos));
            uint type = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 4));
            if (!IsChunkType(type))
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"Broken PNG file: bad chunk type at offset {pos}.");
            if (length > int.MaxValue)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"Broken PNG file: chunk length {length} at offset {pos}.");
            if (!sawHeader && type != IhdrType)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, "Broken PNG file: the first chunk is not IHDR.");
            if (type == IdatType)
            {
                firstIdat = pos;
                break;
            }
            if (type == IendType)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, "PNG file has no image data (IEND before IDAT).");
            if ((long)pos + 12 + length > data.Length)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "PNG file ends inside a chunk before its image data.");
            int len = (int)length;
            ReadOnlySpan<byte> payload = data.Slice(pos + 8, len);
            if (PngCrc.Compute(data.Slice(pos + 4, len + 4)) != BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 8 + len)))
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"Broken PNG file: bad checksum in chunk {TypeName(type)}.");
            switch (type)
            {
                case IhdrType when !sawHeader:
                    ParseIhdr(payload, out width, out height, out depth, out colorType, out interlaced);
                    sawHeader = true;
                    break;
                case PlteType:
                    paletteOffset = pos + 8;
                    paletteLength = len;
                    break;
                default:
                    metadata.Visit(type, data, pos + 8, len);
                    break;
            }
            pos += 12 + len;
        }

        if (colorType == PngColorType.Palette && paletteOffset < 0)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, "PNG palette image has no PLTE chunk.");

        // After the image data: Pillow reads the remaining chunks (without CRC checks) on load and stops quietly at
        // anything broken. They matter only when no "exif" came before IDAT: getexif() loads the image (and so reads
        // these chunks, whose text keys overwrite earlier ones) only if info has no "exif" yet, and exif_transpose runs
        // before anything else loads.
        pos = metadata.HasExif ? data.Length : firstIdat;
        while (pos <= data.Length - 8)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos));
            uint type = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 4));
            if (!IsChunkType(type) || length > int.MaxValue || (long)pos + 8 + length > data.Length || type == IendType)
                break;
            metadata.Visit(type, data, pos + 8, (int)length);
            pos += 12 + (int)length;
            if (pos < 0)
                break;
        }

        int orientation = metadata.Orientation(data);
        return new PngHeader(width, height, depth, colorType, interlaced, metadata.ExifOffset, metadata.ExifLength, orientation,
            paletteOffset, paletteLength, firstIdat);
    }

    /// <summary>
    /// Decodes a PNG to <see cref="PixelFormat.Rgb24"/> as Pillow's <c>convert("RGB")</c> gives it, or to
    /// <see cref="PixelFormat.Rgba32"/> when Pillow's mode is RGBA (colour type 6, and 16-bit grey+alpha).
    /// <see cref="DecodedImage.SourceMode"/> is Pillow's mode; <see cref="DecodedImage.ExifOrientation"/> comes from
    /// the chunks named in the type's remarks and is not applied.
    /// </summary>
    /// <exception cref="ImageDecodeException">See the type's remarks for the kinds.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, DecodeLimits limits = default)
    {
        PngHeader header = ReadHeader(data);
        limits.Check(header.Width, header.Height);
        PixelFormat format = header.DecodedFormat;
        int outBpp = format.BytesPerPixel();
        long outBytes = (long)header.Width * header.Height * outBpp;
        long rowBytes = ((long)header.Width * header.BitDepth * header.Channels + 7) / 8;
        if (outBytes > Array.MaxLength || 2 * (rowBytes + 1) > Array.MaxLength)
            throw new ImageDecodeException(ImageErrorKind.TooLarge,
                $"A {header.Width}×{header.Height} image does not fit in one .NET array.");

        Span<byte> palette = stackalloc byte[768];
        palette.Clear();
        if (header.ColorType == PngColorType.Palette)
        {
            int entries = Math.Min(header.PaletteLength / 3, 256);
            data.Slice(header.PaletteOffset, entries * 3).CopyTo(palette);
        }

        byte[] pixels = GC.AllocateUninitializedArray<byte>((int)outBytes);
        Inflate(data, header, pixels, palette, (int)rowBytes);
        return new DecodedImage(pixels, header.Width, header.Height, format, header.SourceMode, header.ExifOrientation);
    }

    private static unsafe void Inflate(ReadOnlySpan<byte> data, in PngHeader header, byte[] pixels, ReadOnlySpan<byte> palette, int rowBytes)
    {
        fixed (byte* p = data)
        {
            var idat = new PngIdatStream(p, data.Length, header.FirstIdatOffset);
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            try
            {
                bool direct = !header.Interlaced && header.BitDepth == 8
                    && header.ColorType is PngColorType.Rgb or PngColorType.Rgba;
                if (direct)
                    DecodeDirect(zlib, idat, header, pixels);
                else
                    DecodeRows(zlib, idat, header, pixels, palette, rowBytes);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // InvalidDataException for bad deflate data; ZLibException (an IOException) for the zlib results .NET
                // does not map, e.g. Z_NEED_DICT from a zlib header with the preset-dictionary bit.
                throw new ImageDecodeException(idat.Truncated ? ImageErrorKind.Truncated : ImageErrorKind.Corrupt,
                    idat.Truncated ? "PNG file ends inside its image data." : $"Broken PNG image data: {e.Message}", e);
            }
        }
    }

    /// <summary>8-bit RGB / RGBA, not interlaced: the scanline is the output row, so it is inflated and unfiltered in place.</summary>
    private static void DecodeDirect(ZLibStream zlib, PngIdatStream idat, in PngHeader header, byte[] pixels)
    {
        int bpp = header.Channels;
        int stride = header.Width * bpp;
        Span<byte> filter = stackalloc byte[1];
        byte[] zeros = ArrayPool<byte>.Shared.Rent(stride);
        try
        {
            Array.Clear(zeros, 0, stride);
            for (int y = 0; y < header.Height; y++)
            {
                ReadFully(zlib, idat, filter);
                Span<byte> row = pixels.AsSpan(y * stride, stride);
                ReadFully(zlib, idat, row);
                ReadOnlySpan<byte> prior = y == 0 ? zeros : pixels.AsSpan((y - 1) * stride, stride);
                PngRows.Unfilter(filter[0], row, prior, bpp);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
        }
    }

    // Adam7 passes: x start, y start, x step, y step.
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    /// <summary>The general path: each scanline goes through two pooled row buffers and is converted into the output.</summary>
    private static void DecodeRows(ZLibStream zlib, PngIdatStream idat, in PngHeader header, byte[] pixels, ReadOnlySpan<byte> palette, int fullRowBytes)
    {
        int bitsPerPixel = header.BitDepth * header.Channels;
        int bpp = Math.Max(1, bitsPerPixel / 8);
        int stride = header.Width * header.DecodedFormat.BytesPerPixel();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * (fullRowBytes + 1));
        try
        {
            int passes = header.Interlaced ? 7 : 1;
            for (int pass = 0; pass < passes; pass++)
            {
                int x0 = 0, y0 = 0, dx = 1, dy = 1;
                if (header.Interlaced)
                {
                    x0 = Adam7[4 * pass];
                    y0 = Adam7[4 * pass + 1];
                    dx = Adam7[4 * pass + 2];
                    dy = Adam7[4 * pass + 3];
                }
                if (x0 >= header.Width || y0 >= header.Height)
                    continue; // an empty pass has no scanlines at all
                int count = (header.Width - x0 + dx - 1) / dx;
                int rows = (header.Height - y0 + dy - 1) / dy;
                int rowBytes = (int)(((long)count * bitsPerPixel + 7) / 8);
                Span<byte> current = buffer.AsSpan(0, rowBytes + 1);
                Span<byte> previous = buffer.AsSpan(fullRowBytes + 1, rowBytes + 1);
                previous.Clear();
                for (int r = 0; r < rows; r++)
                {
                    ReadFully(zlib, idat, current);
                    Span<byte> line = current.Slice(1);
                    PngRows.Unfilter(current[0], line, previous.Slice(1), bpp);
                    int y = y0 + r * dy;
                    PngRows.Emit(line, count, pixels.AsSpan(y * stride, stride), x0, dx, header, palette);
                    Span<byte> swap = current;
                    current = previous;
                    previous = swap;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadFully(ZLibStream zlib, PngIdatStream idat, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int n = zlib.Read(destination);
            if (n == 0)
            {
                throw idat.Truncated
                    ? new ImageDecodeException(ImageErrorKind.Truncated, "PNG file ends inside its image data.")
                    : new ImageDecodeException(ImageErrorKind.Corrupt, "PNG image data ends before the last scanline.");
            }
            destination = destination.Slice(n);
        }
    }

    private static void ParseIhdr(ReadOnlySpan<byte> s, out int width, out int height, out byte depth, out PngColorType colorType, out bool interlaced)
    {
        if (s.Length < 13)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, "Truncated IHDR chunk.");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(s);
        uint h = BinaryPrimitives.ReadUInt32BigEndian(s.Slice(4));
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, $"PNG header declares an invalid size {w}×{h}.");
        depth = s[8];
        byte type = s[9];
        bool valid = type switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, $"PNG header has an invalid bit depth {depth} for colour type {type}.");
        if (s[11] != 0)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, $"PNG header has an unknown filter method {s[11]}.");
        width = (int)w;
        height = (int)h;
        colorType = (PngColorType)type;
        interlaced = s[12] != 0;
    }

    /// <summary>Pillow's chunk-type test: four bytes matching <c>\w</c> (ASCII letters, digits, underscore).</summary>
    private static bool IsChunkType(uint type)
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            int c = (int)(type >> shift) & 0xFF;
            bool word = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';
            if (!word)
                return false;
        }
        return true;
    }

    private static string TypeName(uint type) =>
        new([(char)(type >> 24), (char)((type >> 16) & 0xFF), (char)((type >> 8) & 0xFF), (char)(type & 0xFF)]);
}

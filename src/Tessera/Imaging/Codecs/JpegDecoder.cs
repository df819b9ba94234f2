using System;
using System.Buffers.Binary;

namespace Tessera.Imaging.Codecs;

/// <summary>
/// JPEG decoding that reproduces Pillow's <c>Image.open(f).convert("RGB")</c> byte for byte: the markers are read
/// here, the pixels by libjpeg-turbo's TurboJPEG API (ISLOW IDCT, fancy upsampling — the defaults Pillow leaves on),
/// CMYK is inverted and converted with Pillow's integer rule (pixels.md §1.4, §7).
/// </summary>
public static class JpegDecoder
{
    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, App0 = 0xE0, App1 = 0xE1, App14 = 0xEE;

    /// <summary>True when <paramref name="data"/> starts like a JPEG (<c>FF D8 FF</c>, Pillow's test).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 0xFF && data[1] == Soi && data[2] == 0xFF;

    /// <summary>Reads the frame header and the EXIF orientation by walking the markers up to the first scan.</summary>
    /// <exception cref="ImageDecodeException">Not a JPEG (<see cref="ImageErrorKind.UnknownFormat"/>), the data ends
    /// before the first scan (<see cref="ImageErrorKind.Truncated"/>), a malformed marker (<see cref="ImageErrorKind.Corrupt"/>),
    /// or a frame type libjpeg cannot decode (lossless, hierarchical: <see cref="ImageErrorKind.Unsupported"/>).</exception>
    public static JpegHeader ReadHeader(ReadOnlySpan<byte> data) => ReadHeader(data, out _);

    /// <summary>Decodes <paramref name="data"/> to <see cref="PixelFormat.Rgb24"/> exactly as Pillow converts it to RGB.</summary>
    /// <remarks>The EXIF orientation is reported in <see cref="DecodedImage.ExifOrientation"/>, not applied.</remarks>
    /// <exception cref="ImageDecodeException">Any bad input, with its <see cref="ImageErrorKind"/>; a missing
    /// libturbojpeg is <see cref="ImageErrorKind.CodecUnavailable"/>. Truncated files are errors, as in Pillow
    /// without <c>LOAD_TRUNCATED_IMAGES</c>.</exception>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> data, DecodeLimits limits = default)
    {
        JpegHeader header = ReadHeader(data, out int scanStart);
        if (header.Precision != 8)
            throw new ImageDecodeException(ImageErrorKind.Unsupported, $"cannot handle {header.Precision}-bit JPEG layers (Pillow reads 8-bit JPEG only).");
        if (header.Components is not (1 or 3 or 4))
            throw new ImageDecodeException(ImageErrorKind.Unsupported, $"JPEG with {header.Components} components is not supported (Pillow opens 1, 3 or 4).");
        limits.Check(header.Width, header.Height);

        bool cmyk = header.Components == 4;
        int bytesPerPixel = cmyk ? 4 : 3;
        long size = (long)header.Width * header.Height * bytesPerPixel;
        if (size > Array.MaxLength)
            throw new ImageDecodeException(ImageErrorKind.TooLarge, $"A {header.Width}×{header.Height} JPEG needs {size} bytes, more than one buffer can hold.");

        _ = NativeLibraries.TurboJpeg;
        IntPtr handle = NativeTurboJpeg.InitDecompress();
        if (handle == IntPtr.Zero)
            throw new ImageDecodeException(ImageErrorKind.CodecUnavailable, "tjInitDecompress failed: " + NativeTurboJpeg.ErrorText(IntPtr.Zero));
        // CMYK lands in a scratch buffer first so the result holds exactly width × height × 3 bytes.
        byte[] pixels = GC.AllocateUninitializedArray<byte>((int)size);
        try
        {
            fixed (byte* source = data)
            fixed (byte* destination = pixels)
            {
                var length = new System.Runtime.InteropServices.CULong((nuint)data.Length);
                if (NativeTurboJpeg.DecompressHeader3(handle, source, length, out int width, out int height, out _, out _) != 0)
                    throw Failure(handle, data, scanStart, "reading the JPEG header", fatal: true)
                        ?? new ImageDecodeException(ImageErrorKind.Corrupt, "libjpeg-turbo rejects the JPEG header.");
                if (width != header.Width || height != header.Height)
                    throw new ImageDecodeException(ImageErrorKind.Corrupt, $"libjpeg reads a {width}×{height} frame where the SOF marker says {header.Width}×{header.Height}.");
                int format = cmyk ? NativeTurboJpeg.PixelFormatCmyk : NativeTurboJpeg.PixelFormatRgb;
                if (NativeTurboJpeg.Decompress2(handle, source, length, destination, width, width * bytesPerPixel, height, format, 0) != 0)
                {
                    bool fatal = NativeTurboJpeg.GetErrorCode(handle) != NativeTurboJpeg.ErrorWarning;
                    ImageDecodeException? error = Failure(handle, data, scanStart, "decoding the JPEG", fatal);
                    if (error is not null)
                        throw error;
                }
            }
        }
        finally
        {
            NativeTurboJpeg.Destroy(handle);
        }

        if (cmyk)
        {
            byte[] rgb = GC.AllocateUninitializedArray<byte>(header.Width * header.Height * 3);
            InvertedCmykToRgb(pixels, rgb);
            pixels = rgb;
        }
        return new DecodedImage(pixels, header.Width, header.Height, PixelFormat.Rgb24, header.SourceMode, header.ExifOrientation);
    }

    /// <summary>
    /// Classifies a TurboJPEG failure. libjpeg's memory source answers running out of data with the warning
    /// "Premature end of JPEG file" and decodes on; Pillow instead raises "image file is truncated", so data that never
    /// reaches EOI is <see cref="ImageErrorKind.Truncated"/>. That is decided from the bytes, not from the warning text,
    /// which TurboJPEG 2.x keeps in a process-wide buffer. Other warnings (extraneous bytes, corrupt entropy data) are
    /// ignored, as Pillow's silent libjpeg error manager ignores them.
    /// </summary>
    private static ImageDecodeException? Failure(IntPtr handle, ReadOnlySpan<byte> data, int scanStart, string doing, bool fatal)
    {
        if (!ReachesEoi(data, scanStart))
            return new ImageDecodeException(ImageErrorKind.Truncated, "JPEG image file is truncated: the data ends before the EOI marker.");
        if (!fatal)
            return null;
        string message = NativeTurboJpeg.ErrorText(handle);
        ImageErrorKind kind = message.Contains("Unsupported", StringComparison.OrdinalIgnoreCase) || message.Contains("not supported", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Could not determine subsampling", StringComparison.Ordinal)
            ? ImageErrorKind.Unsupported
            : ImageErrorKind.Corrupt;
        return new ImageDecodeException(kind, $"libjpeg-turbo failed {doing}: {message}.");
    }

    /// <summary>Pillow's CMYK JPEG path: invert every byte ("CMYK;I"), then nk = 255 − K, R = CLIP8(nk − MULDIV255(C, nk)), … (§1.1, §1.4).</summary>
    internal static void InvertedCmykToRgb(ReadOnlySpan<byte> cmyk, Span<byte> rgb)
    {
        int count = rgb.Length / 3;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> s = cmyk.Slice(i * 4, 4);
            Span<byte> d = rgb.Slice(i * 3, 3);
            int nk = s[3];
            d[0] = Clip8(nk - MulDiv255(255 - s[0], nk));
            d[1] = Clip8(nk - MulDiv255(255 - s[1], nk));
            d[2] = Clip8(nk - MulDiv255(255 - s[2], nk));
        }
    }

    private static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static byte Clip8(int v) => v <= 0 ? (byte)0 : v < 256 ? (byte)v : (byte)255;

    /// <summary>Whether an EOI marker follows the first scan (entropy-coded bytes never contain an unstuffed FF D9).</summary>
    private static bool ReachesEoi(ReadOnlySpan<byte> data, int from)
    {
        for (int i = from; i + 1 < data.Length; i++)
        {
            if (data[i] != 0xFF)
                continue;
            byte m = data[i + 1];
            if (m == Eoi)
                return true;
            if (m == 0x00 || m == 0xFF || m is >= 0xD0 and <= 0xD7)
                continue;
            if (i + 3 >= data.Length)
                return false;
            // A segment between scans (DHT, SOS, DQT, …): skip its payload, which may hold any bytes.
            i += 1 + BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i + 2));
        }
        return false;
    }

    /// <summary>Walks the markers like Pillow's JpegImagePlugin: junk between markers and fill bytes are skipped;
    /// APPn and SOF segments are read until the first SOS.</summary>
    internal static JpegHeader ReadHeader(ReadOnlySpan<byte> data, out int scanStart)
    {
        if (!IsJpeg(data))
        {
            if (data.Length < 3 && data.SequenceEqual(stackalloc byte[] { 0xFF, Soi, 0xFF }[..data.Length]) && data.Length > 0)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "JPEG file ends inside its signature.");
            throw new ImageDecodeException(ImageErrorKind.UnknownFormat, "Not a JPEG file (no FF D8 FF signature).");
        }

        bool sawFrame = false, sawJfif = false, sawAdobe = false, sawExif = false;
        int adobeTransform = 0, width = 0, height = 0, components = 0, precision = 0, orientation = 1;
        bool progressive = false;
        JpegSubsampling subsampling = JpegSubsampling.Gray;
        Span<byte> ids = stackalloc byte[3];

        int pos = 2;
        while (true)
        {
            if (pos >= data.Length)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "JPEG file ends before its first scan.");
            if (data[pos] != 0xFF)
            {
                pos++; // Pillow skips non-0xFF junk between segments
                continue;
            }
            if (pos + 1 >= data.Length)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "JPEG file ends inside a marker.");
            byte marker = data[pos + 1];
            if (marker == 0xFF || marker == 0x00)
            {
                pos++; // fill byte or escaped FF outside a scan
                continue;
            }
            if (marker is Soi or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                pos += 2;
                continue;
            }
            if (marker == Eoi)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, "JPEG file reaches EOI before any scan.");
            if (pos + 3 >= data.Length)
                throw new ImageDecodeException(ImageErrorKind.Truncated, "JPEG file ends inside a segment length.");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 2));
            if (length < 2)
                throw new ImageDecodeException(ImageErrorKind.Corrupt, $"JPEG marker FF{marker:X2} has an invalid length {length}.");
            if (pos + 2 + length > data.Length)
                throw new ImageDecodeException(ImageErrorKind.Truncated, $"JPEG file ends inside the FF{marker:X2} segment.");
            ReadOnlySpan<byte> payload = data.Slice(pos + 4, length - 2);
            pos += 2 + length;

            switch (marker)
            {
                case Sos:
                    if (!sawFrame)
                        throw new ImageDecodeException(ImageErrorKind.Corrupt, "JPEG scan starts before any frame header (SOF).");
                    scanStart = pos;
                    return new JpegHeader(width, height, components, precision, progressive,
                        ColorSpaceOf(components, sawJfif, sawAdobe, adobeTransform, ids), subsampling, orientation);
                case App0 when payload.Length >= 14 && payload.StartsWith("JFIF\0"u8): // libjpeg's APP0_DATA_LEN
                    sawJfif = true;
                    break;
                case App1 when !sawExif && payload.StartsWith("Exif\0"u8):
                    // Pillow keeps the first APP1 "Exif\0" as info["exif"]; Exif.load strips "Exif\0\0" when present.
                    sawExif = true;
                    orientation = Valid(ExifReader.ReadOrientation(payload.StartsWith("Exif\0\0"u8) ? payload[6..] : payload));
                    break;
                case App14 when payload.Length >= 12 && payload.StartsWith("Adobe"u8):
                    sawAdobe = true;
                    adobeTransform = payload[11];
                    break;
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    if (sawFrame)
                        throw new ImageDecodeException(ImageErrorKind.Corrupt, "JPEG file has two frame headers before its first scan.");
                    if (marker is not (0xC0 or 0xC1 or 0xC2 or 0xC9 or 0xCA))
                        throw new ImageDecodeException(ImageErrorKind.Unsupported, $"JPEG frame type SOF{marker - 0xC0} (lossless or hierarchical) is not supported.");
                    if (payload.Length < 6)
                        throw new ImageDecodeException(ImageErrorKind.Corrupt, "JPEG frame header (SOF) is too short.");
                    precision = payload[0];
                    height = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
                    components = payload[5];
                    if (components == 0 || payload.Length < 6 + 3 * components)
                        throw new ImageDecodeException(ImageErrorKind.Corrupt, $"JPEG frame header declares {components} components in {payload.Length} bytes.");
                    if (height == 0)
                        throw new ImageDecodeException(ImageErrorKind.Unsupported, "JPEG frame with its height in a DNL marker is not supported.");
                    if (width == 0)
                        throw new ImageDecodeException(ImageErrorKind.Corrupt, "JPEG frame header declares width 0.");
                    for (int c = 0; c < Math.Min(3, components); c++)
                        ids[c] = payload[6 + 3 * c];
                    subsampling = SubsamplingOf(payload.Slice(6, 3 * components), components);
                    progressive = marker is 0xC2 or 0xCA;
                    sawFrame = true;
                    break;
            }
        }
    }

    private static int Valid(int orientation) => orientation is >= 1 and <= 8 ? orientation : 1;

    private static JpegColorSpace ColorSpaceOf(int components, bool jfif, bool adobe, int transform, ReadOnlySpan<byte> ids) => components switch
    {
        1 => JpegColorSpace.Gray,
        3 when jfif => JpegColorSpace.YCbCr,
        3 when adobe => transform == 0 ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr,
        3 => ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B' ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr,
        4 when adobe && transform != 0 => JpegColorSpace.Ycck,
        4 => JpegColorSpace.Cmyk,
        _ => JpegColorSpace.YCbCr,
    };

    private static JpegSubsampling SubsamplingOf(ReadOnlySpan<byte> table, int components)
    {
        if (components == 1)
            return JpegSubsampling.Gray;
        int h0 = table[1] >> 4, v0 = table[1] & 15;
        int hc = table[4] >> 4, vc = table[4] & 15;
        for (int c = 1; c < components; c++)
        {
            int h = table[3 * c + 1] >> 4, v = table[3 * c + 1] & 15;
            bool isKey = components == 4 && c == 3;
            if (isKey ? (h != h0 || v != v0) : (h != hc || v != vc))
                return JpegSubsampling.Other;
        }
        if (hc == 0 || vc == 0 || h0 % hc != 0 || v0 % vc != 0)
            return JpegSubsampling.Other;
        h0 /= hc;
        v0 /= vc;
        return (h0, v0) switch
        {
            (1, 1) => JpegSubsampling.S444,
            (2, 1) => JpegSubsampling.S422,
            (2, 2) => JpegSubsampling.S420,
            (1, 2) => JpegSubsampling.S440,
            (4, 1) => JpegSubsampling.S411,
            _ => JpegSubsampling.Other,
        };
    }
}

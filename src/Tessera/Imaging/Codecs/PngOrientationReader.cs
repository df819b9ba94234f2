using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;
using System.Text.Unicode;

namespace Tessera.Imaging.Codecs;

/// <summary>
/// Collects, chunk by chunk, what Pillow 9.4's <c>PngImageFile.getexif()</c> reads the orientation from: the "exif"
/// info key (eXIf, or a tEXt chunk keyed "exif"), the "Raw profile type exif" text and the
/// "XML:com.adobe.xmp" text (pixels.md §2).
/// </summary>
/// <remarks>
/// <para>Each of the three info keys holds what the last chunk Pillow accepted for it set, as in PngStream, so every
/// chunk is judged when it is seen: a tEXt is always accepted; a zTXt whose data is not valid zlib sets the empty
/// string; an iTXt is dropped when its layout is short, its compression flag is set with a method other than 0, its
/// zlib data is invalid, or its language, translated keyword or text are not valid UTF-8.</para>
/// <para><b>Precedence</b> (<c>Image.getexif</c>): when the "exif" key is set its bytes are the EXIF (an
/// <c>Exif\0\0</c> prefix dropped once); otherwise a "Raw profile type exif" value is hex-decoded from its fourth
/// line on (<c>bytes.fromhex("".join(v.split("\n")[3:]))</c>) and used the same way. Only when IFD0 then has no
/// orientation tag at all (<see cref="ExifReader.TryReadOrientation"/>) does the XMP count: the first
/// <c>tiff:Orientation="d</c> or <c>tiff:Orientation&gt;d</c> with one ASCII digit d
/// (<c>re.search(r'tiff:Orientation(="|&gt;)([0-9])', xmp)</c>), and <c>exif_transpose</c> acts on d = 2–8 only.</para>
/// <para><b>Where Pillow 9.4 raises</b> (so <c>load_image</c> fails and there is nothing to match) Tessera takes no
/// orientation from that chunk or value, and never throws: a zTXt or compressed iTXt that inflates past 1 MiB
/// (Pillow's <c>MAX_TEXT_CHUNK</c>: "Decompressed Data Too Large"; it is inflated no further here), a zTXt with a
/// compression method other than 0, a zTXt or iTXt keyed "exif" (Pillow stores a str there and <c>Exif.load</c>
/// fails), a raw profile that is not hex (<c>fromhex</c> raises), an EXIF block that is not TIFF. Pillow's 64 MiB
/// limit on all text together is not applied.</para>
/// <para><b>Later Pillow</b>: from 11.2 <c>getexif</c> also searches <c>info["xmp"]</c> (bytes) when
/// "XML:com.adobe.xmp" is missing or empty; for PNG that adds nothing, because the same iTXt sets both keys (pixels.md
/// §2). The precedence and the regex are otherwise unchanged through 11.x.</para>
/// </remarks>
internal struct PngOrientationReader
{
    internal const uint TextType = 0x74455874; // "tEXt"
    internal const uint ZtxtType = 0x7A545874; // "zTXt"
    internal const uint ItxtType = 0x69545874; // "iTXt"

    /// <summary>Pillow's <c>MAX_TEXT_CHUNK</c> (<c>ImageFile.SAFEBLOCK</c>): the most a text chunk may inflate to.</summary>
    internal const int MaxInflatedText = 1024 * 1024;

    private static ReadOnlySpan<byte> ExifKey => "exif"u8;
    private static ReadOnlySpan<byte> RawProfileKey => "Raw profile type exif"u8;
    private static ReadOnlySpan<byte> XmpKey => "XML:com.adobe.xmp"u8;
    private static ReadOnlySpan<byte> ExifPrefix => "Exif\0\0"u8;
    private static ReadOnlySpan<byte> XmpOrientation => "tiff:Orientation"u8;

    private enum Key { None, Exif, RawProfile, Xmp }

    /// <summary>File offset of the EXIF bytes under the "exif" key (after any <c>Exif\0\0</c> prefix), or −1.</summary>
    public int ExifOffset;

    /// <summary>Length of those bytes.</summary>
    public int ExifLength;

    private bool _rawSeen;
    private bool _rawHasTag;
    private int _rawOrientation;
    private int _xmpDigit;

    /// <summary>A reader that has seen no chunk.</summary>
    public static PngOrientationReader Create() => new() { ExifOffset = -1, _xmpDigit = -1, _rawOrientation = 1 };

    /// <summary>Whether the "exif" key is set (an eXIf chunk or a tEXt "exif" was accepted).</summary>
    public readonly bool HasExif => ExifOffset >= 0;

    /// <summary>Takes in one chunk whose payload is <c>file[offset..offset+length]</c>; chunks of other types are ignored.</summary>
    public void Visit(uint type, ReadOnlySpan<byte> file, int offset, int length)
    {
        ReadOnlySpan<byte> payload = file.Slice(offset, length);
        switch (type)
        {
            case PngDecoder.ExifType:
                ExifOffset = offset;
                ExifLength = length;
                break;
            case TextType:
                VisitText(payload, offset);
                break;
            case ZtxtType:
                VisitZtxt(payload);
                break;
            case ItxtType:
                VisitItxt(payload);
                break;
        }
    }

    /// <summary>The orientation Pillow 9.4's <c>exif_transpose</c> acts on (2–8), or 1.</summary>
    public readonly int Orientation(ReadOnlySpan<byte> file)
    {
        bool hasTag = false;
        int orientation = 1;
        if (HasExif)
            hasTag = ExifReader.TryReadOrientation(file.Slice(ExifOffset, ExifLength), out orientation);
        else if (_rawSeen)
            (hasTag, orientation) = (_rawHasTag, _rawOrientation);
        if (!hasTag && _xmpDigit >= 0)
            orientation = _xmpDigit is >= 2 and <= 8 ? _xmpDigit : 1;
        return orientation;
    }

    private void VisitText(ReadOnlySpan<byte> payload, int offset)
    {
        // tEXt: keyword NUL text; without a NUL the whole payload is the keyword and the text is empty.
        int nul = payload.IndexOf((byte)0);
        ReadOnlySpan<byte> keyword = nul < 0 ? payload : payload.Slice(0, nul);
        ReadOnlySpan<byte> text = nul < 0 ? default : payload.Slice(nul + 1);
        switch (Classify(keyword))
        {
            case Key.Exif:
                // Pillow keeps the bytes under "exif"; Exif.load drops one "Exif\0\0" prefix.
                int skip = text.StartsWith(ExifPrefix) ? ExifPrefix.Length : 0;
                ExifOffset = offset + nul + 1 + skip;
                ExifLength = text.Length - skip;
                break;
            case Key.RawProfile:
                SetRawProfile(text);
                break;
            case Key.Xmp:
                _xmpDigit = FindXmpDigit(text);
                break;
        }
    }

    private void VisitZtxt(ReadOnlySpan<byte> payload)
    {
        // zTXt: keyword NUL method compressed-text. An empty keyword is dropped; so is a key Tessera does not read.
        int nul = payload.IndexOf((byte)0);
        ReadOnlySpan<byte> keyword = nul < 0 ? payload : payload.Slice(0, nul);
        ReadOnlySpan<byte> rest = nul < 0 ? default : payload.Slice(nul + 1);
        Key key = Classify(keyword);
        if (key is Key.None or Key.Exif || (!rest.IsEmpty && rest[0] != 0))
            return;
        ReadOnlySpan<byte> compressed = rest.IsEmpty ? default : rest.Slice(1);
        byte[]? buffer = null;
        try
        {
            InflateResult result = InflateBounded(compressed, ref buffer, out int n);
            if (result == InflateResult.TooLarge)
                return;
            // Invalid zlib data: Pillow sets the key to the empty string.
            ReadOnlySpan<byte> text = result == InflateResult.Ok ? buffer.AsSpan(0, n) : default;
            if (key == Key.RawProfile)
                SetRawProfile(text);
            else
                _xmpDigit = FindXmpDigit(text);
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void VisitItxt(ReadOnlySpan<byte> payload)
    {
        // iTXt: keyword NUL flag method language NUL translated-keyword NUL text.
        int nul = payload.IndexOf((byte)0);
        if (nul < 0)
            return;
        Key key = Classify(payload.Slice(0, nul));
        ReadOnlySpan<byte> rest = payload.Slice(nul + 1);
        if (key is Key.None or Key.Exif || rest.Length < 2)
            return;
        byte flag = rest[0], method = rest[1];
        rest = rest.Slice(2);
        int a = rest.IndexOf((byte)0);
        if (a < 0)
            return;
        int b = rest.Slice(a + 1).IndexOf((byte)0);
        if (b < 0)
            return;
        ReadOnlySpan<byte> language = rest.Slice(0, a);
        ReadOnlySpan<byte> translated = rest.Slice(a + 1, b);
        ReadOnlySpan<byte> text = rest.Slice(a + 1 + b + 1);
        if (!Utf8.IsValid(language) || !Utf8.IsValid(translated))
            return;
        if (flag == 0)
        {
            AcceptItxt(key, text);
            return;
        }
        if (method != 0)
            return;
        byte[]? buffer = null;
        try
        {
            if (InflateBounded(text, ref buffer, out int n) == InflateResult.Ok)
                AcceptItxt(key, buffer.AsSpan(0, n));
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AcceptItxt(Key key, ReadOnlySpan<byte> text)
    {
        if (!Utf8.IsValid(text))
            return; // Pillow's strict UTF-8 decode fails and the chunk is dropped
        if (key == Key.RawProfile)
            SetRawProfile(text);
        else
            _xmpDigit = FindXmpDigit(text);
    }

    private static Key Classify(ReadOnlySpan<byte> keyword) =>
        keyword.SequenceEqual(ExifKey) ? Key.Exif
        : keyword.SequenceEqual(RawProfileKey) ? Key.RawProfile
        : keyword.SequenceEqual(XmpKey) ? Key.Xmp
        : Key.None;

    /// <summary>
    /// Reads a "Raw profile type exif" value the way <c>Image.getexif</c> does. The text is bytes of latin-1 or UTF-8;
    /// either way a newline is byte 0x0A and anything outside ASCII makes <c>fromhex</c> fail, so bytes suffice.
    /// </summary>
    private void SetRawProfile(ReadOnlySpan<byte> text)
    {
        _rawSeen = true;
        _rawHasTag = false;
        _rawOrientation = 1;
        int start = 0;
        for (int line = 0; line < 3; line++)
        {
            int nl = text.Slice(start).IndexOf((byte)'\n');
            if (nl < 0)
                return; // fewer than four lines: the hex string is empty, and so is the EXIF
            start += nl + 1;
        }
        ReadOnlySpan<byte> hex = text.Slice(start);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(hex.Length / 2 + 1);
        try
        {
            int n = FromHex(hex, bytes);
            if (n < 0)
                return; // fromhex raises in Pillow
            ReadOnlySpan<byte> exif = bytes.AsSpan(0, n);
            if (exif.StartsWith(ExifPrefix))
                exif = exif.Slice(ExifPrefix.Length);
            _rawHasTag = ExifReader.TryReadOrientation(exif, out _rawOrientation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// <c>bytes.fromhex</c> of the lines joined without their newlines: ASCII whitespace (space, \t, \v, \f, \r) may
    /// stand between byte pairs but not inside one; newlines are removed first, so they may stand anywhere. Returns
    /// the byte count, or −1 where Python raises.
    /// </summary>
    private static int FromHex(ReadOnlySpan<byte> hex, Span<byte> into)
    {
        int n = 0, high = -1;
        foreach (byte c in hex)
        {
            if (c == (byte)'\n')
                continue;
            if (high < 0 && c is (byte)' ' or (byte)'\t' or 0x0B or 0x0C or (byte)'\r')
                continue;
            int digit = HexValue(c);
            if (digit < 0)
                return -1;
            if (high < 0)
            {
                high = digit;
            }
            else
            {
                into[n++] = (byte)(high << 4 | digit);
                high = -1;
            }
        }
        return high < 0 ? n : -1;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The digit of the leftmost <c>tiff:Orientation="d</c> / <c>tiff:Orientation&gt;d</c>, or −1.</summary>
    private static int FindXmpDigit(ReadOnlySpan<byte> xmp)
    {
        int from = 0;
        while (true)
        {
            int i = xmp.Slice(from).IndexOf(XmpOrientation);
            if (i < 0)
                return -1;
            ReadOnlySpan<byte> after = xmp.Slice(from + i + XmpOrientation.Length);
            int digitAt = after.StartsWith("=\""u8) ? 2 : after.StartsWith(">"u8) ? 1 : -1;
            if (digitAt > 0 && after.Length > digitAt && after[digitAt] is >= (byte)'0' and <= (byte)'9')
                return after[digitAt] - '0';
            from += i + 1;
        }
    }

    private enum InflateResult { Ok, Invalid, TooLarge }

    /// <summary>
    /// Inflates a zlib stream into a pooled buffer (rented here, returned by the caller), stopping once it would
    /// exceed <see cref="MaxInflatedText"/>. A stream cut short yields what it inflated so far, as Python's
    /// <c>decompressobj().decompress</c> does; bad data (including a wrong Adler-32) is <see cref="InflateResult.Invalid"/>.
    /// </summary>
    private static unsafe InflateResult InflateBounded(ReadOnlySpan<byte> compressed, ref byte[]? buffer, out int length)
    {
        length = 0;
        buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(MaxInflatedText + 1, Math.Max(4096L, compressed.Length * 4L)));
        if (compressed.IsEmpty)
            return InflateResult.Ok; // decompress(b"") is b""
        fixed (byte* p = compressed)
        {
            using var source = new UnmanagedMemoryStream(p, compressed.Length);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (length > MaxInflatedText)
                            return InflateResult.TooLarge;
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxInflatedText + 1, 2 * buffer.Length));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    int n = zlib.Read(buffer, length, Math.Min(buffer.Length, MaxInflatedText + 1) - length);
                    if (n == 0)
                        return InflateResult.Ok;
                    length += n;
                    if (length > MaxInflatedText)
                        return InflateResult.TooLarge;
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                length = 0;
                return InflateResult.Invalid;
            }
        }
    }
}

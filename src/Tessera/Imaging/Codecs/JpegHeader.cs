namespace Tessera.Imaging.Codecs;

/// <summary>The colour space libjpeg infers for a JPEG's components (pixels.md §1.4, libjpeg-turbo <c>jdapimin.c</c>).</summary>
public enum JpegColorSpace
{
    /// <summary>One component.</summary>
    Gray,
    /// <summary>Three components stored as Y, Cb, Cr (JFIF, Adobe transform ≠ 0, or component ids other than R G B).</summary>
    YCbCr,
    /// <summary>Three components stored as R, G, B (Adobe transform 0, or component ids 'R' 'G' 'B' without JFIF).</summary>
    Rgb,
    /// <summary>Four components stored as C, M, Y, K (no Adobe marker, or Adobe transform 0).</summary>
    Cmyk,
    /// <summary>Four components stored as Y, Cb, Cr, K (Adobe transform ≠ 0).</summary>
    Ycck,
}

/// <summary>How the chroma components are sampled relative to the first component.</summary>
public enum JpegSubsampling
{
    /// <summary>A single component: nothing to subsample.</summary>
    Gray,
    /// <summary>Every component at full resolution.</summary>
    S444,
    /// <summary>Chroma at half horizontal resolution.</summary>
    S422,
    /// <summary>Chroma at half horizontal and half vertical resolution.</summary>
    S420,
    /// <summary>Chroma at half vertical resolution.</summary>
    S440,
    /// <summary>Chroma at a quarter of the horizontal resolution.</summary>
    S411,
    /// <summary>Any other combination of sampling factors.</summary>
    Other,
}

/// <summary>What a JPEG's markers say before any pixel is decoded (read by <see cref="JpegDecoder.ReadHeader(System.ReadOnlySpan{byte})"/>).</summary>
public readonly struct JpegHeader
{
    internal JpegHeader(int width, int height, int components, int precision, bool progressive,
        JpegColorSpace colorSpace, JpegSubsampling subsampling, int exifOrientation)
    {
        Width = width;
        Height = height;
        Components = components;
        Precision = precision;
        IsProgressive = progressive;
        ColorSpace = colorSpace;
        Subsampling = subsampling;
        ExifOrientation = exifOrientation;
    }

    /// <summary>Width in pixels, as stored (before EXIF orientation).</summary>
    public int Width { get; }

    /// <summary>Height in pixels, as stored.</summary>
    public int Height { get; }

    /// <summary>Number of colour components in the frame (1, 3 or 4 for files Pillow opens).</summary>
    public int Components { get; }

    /// <summary>Bits per sample (8 for files Tessera decodes; 12-bit files are unsupported, as in Pillow).</summary>
    public int Precision { get; }

    /// <summary>True for progressive (SOF2 / SOF10) frames.</summary>
    public bool IsProgressive { get; }

    /// <summary>The colour space libjpeg will assume for the stored components.</summary>
    public JpegColorSpace ColorSpace { get; }

    /// <summary>The chroma subsampling read from the component sampling factors.</summary>
    public JpegSubsampling Subsampling { get; }

    /// <summary>EXIF orientation (1–8) from the first APP1 "Exif" segment before the first scan; 1 when absent or invalid.</summary>
    public int ExifOrientation { get; }

    /// <summary>The Pillow mode the file opens as: L, RGB or CMYK by component count.</summary>
    public SourceMode SourceMode => Components switch
    {
        1 => SourceMode.L,
        4 => SourceMode.Cmyk,
        _ => SourceMode.Rgb,
    };
}

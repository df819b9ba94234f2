using System;

namespace Tessera.Imaging;

/// <summary>Why an image could not be decoded.</summary>
public enum ImageErrorKind
{
    /// <summary>The bytes are not an image format Tessera reads (PNG, JPEG, WebP).</summary>
    UnknownFormat,
    /// <summary>The file is structurally broken: bad signature, bad checksum, bad chunk or marker, bad compressed data.</summary>
    Corrupt,
    /// <summary>The file ends before the image data does.</summary>
    Truncated,
    /// <summary>A valid file using a feature Tessera does not support (e.g. 12-bit JPEG).</summary>
    Unsupported,
    /// <summary>The image has more pixels than the configured decompression-bomb limit.</summary>
    TooLarge,
    /// <summary>A system codec library (libturbojpeg, libwebp) could not be loaded.</summary>
    CodecUnavailable,
}

/// <summary>The typed error every decoder throws for bad input; <see cref="Kind"/> says which kind.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates an error of the given kind.</summary>
    public ImageDecodeException(ImageErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public ImageErrorKind Kind { get; }
}

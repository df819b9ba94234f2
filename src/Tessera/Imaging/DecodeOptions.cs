namespace Tessera.Imaging;

/// <summary>Limits every decoder enforces before it allocates pixel memory.</summary>
public readonly struct DecodeLimits
{
    /// <summary>Pillow's default decompression-bomb threshold: twice <c>Image.MAX_IMAGE_PIXELS</c> (89 478 485), above which
    /// Pillow raises <c>DecompressionBombError</c>.</summary>
    public const long PillowMaxPixels = 178_956_970;

    /// <summary>Creates limits; <paramref name="maxPixels"/> ≤ 0 means the default.</summary>
    public DecodeLimits(long maxPixels)
    {
        _maxPixels = maxPixels;
    }

    private readonly long _maxPixels;

    /// <summary>Largest <c>width × height</c> accepted (default <see cref="PillowMaxPixels"/>).</summary>
    public long MaxPixels => _maxPixels > 0 ? _maxPixels : PillowMaxPixels;

    /// <summary>The default limits.</summary>
    public static DecodeLimits Default => default;

    /// <summary>Throws <see cref="ImageDecodeException"/> (<see cref="ImageErrorKind.TooLarge"/>) when a header's size is over the limit.</summary>
    public void Check(long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(ImageErrorKind.Corrupt, $"Image header declares an empty size {width}×{height}.");
        if (width * height > MaxPixels)
            throw new ImageDecodeException(ImageErrorKind.TooLarge,
                $"Image size ({width * height} pixels) exceeds limit of {MaxPixels} pixels, could be decompression bomb DOS attack.");
    }
}

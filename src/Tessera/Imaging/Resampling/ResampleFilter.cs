namespace Tessera.Imaging.Resampling;

/// <summary>
/// Pillow's resampling filters. The numeric values are Pillow's own filter ids
/// (<c>Image.Resampling</c>), so a value read from a Python config maps over unchanged.
/// </summary>
public enum ResampleFilter
{
    /// <summary>Nearest neighbour by accumulated source positions (Pillow's affine scale path).</summary>
    Nearest = 0,
    /// <summary>Windowed sinc, support 3 (Pillow <c>LANCZOS</c>, formerly <c>ANTIALIAS</c>).</summary>
    Lanczos = 1,
    /// <summary>Triangle filter, support 1.</summary>
    Bilinear = 2,
    /// <summary>Keys cubic with a = −0.5, support 2; Pillow's default for RGB images.</summary>
    Bicubic = 3,
    /// <summary>Box filter, support 0.5 (half-open interval −0.5 &lt; x ≤ 0.5).</summary>
    Box = 4,
    /// <summary>Hamming-windowed sinc, support 1.</summary>
    Hamming = 5,
}

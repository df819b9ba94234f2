using System;

namespace Tessera.Planning;

/// <summary>An axis-aligned pixel rectangle: <see cref="X"/>, <see cref="Y"/> is the top-left corner (PIL crop box
/// <c>(X, Y, X + Width, Y + Height)</c>).</summary>
public readonly struct PixelBox : IEquatable<PixelBox>
{
    /// <summary>Creates a box.</summary>
    public PixelBox(long x, long y, long width, long height)
    {
        X = x;
        Y = y;
        Width = width;
        Height = height;
    }

    /// <summary>Left edge.</summary>
    public long X { get; }

    /// <summary>Top edge.</summary>
    public long Y { get; }

    /// <summary>Width in pixels.</summary>
    public long Width { get; }

    /// <summary>Height in pixels.</summary>
    public long Height { get; }

    /// <inheritdoc/>
    public bool Equals(PixelBox other) => X == other.X && Y == other.Y && Width == other.Width && Height == other.Height;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PixelBox b && Equals(b);

    /// <inheritdoc/>
    public override int GetHashCode() => ((X.GetHashCode() * 397 ^ Y.GetHashCode()) * 397 ^ Width.GetHashCode()) * 397 ^ Height.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"({X}, {Y}, {Width}x{Height})";
}

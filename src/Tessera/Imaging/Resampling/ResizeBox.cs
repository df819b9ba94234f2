using System;

namespace Tessera.Imaging.Resampling;

/// <summary>
/// The source rectangle Pillow's <c>Image.resize(size, filter, box=(left, top, right, bottom))</c> resamples from,
/// in source pixel coordinates. Pillow hands the box to C as float32, so the coordinates are <see cref="float"/> here.
/// </summary>
public readonly struct ResizeBox : IEquatable<ResizeBox>
{
    /// <summary>Creates the box (<paramref name="left"/>, <paramref name="top"/>) – (<paramref name="right"/>, <paramref name="bottom"/>).</summary>
    public ResizeBox(float left, float top, float right, float bottom)
    {
        Left = left;
        Top = top;
        Right = right;
        Bottom = bottom;
    }

    /// <summary>The whole of a <paramref name="width"/>×<paramref name="height"/> image: Pillow's default box.</summary>
    public static ResizeBox Whole(int width, int height) => new(0f, 0f, width, height);

    /// <summary>Left edge (x of the first column's left side).</summary>
    public float Left { get; }

    /// <summary>Top edge.</summary>
    public float Top { get; }

    /// <summary>Right edge (exclusive).</summary>
    public float Right { get; }

    /// <summary>Bottom edge (exclusive).</summary>
    public float Bottom { get; }

    /// <inheritdoc/>
    public bool Equals(ResizeBox other) =>
        Left.Equals(other.Left) && Top.Equals(other.Top) && Right.Equals(other.Right) && Bottom.Equals(other.Bottom);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ResizeBox other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Left, Top, Right, Bottom);

    /// <summary>Value equality.</summary>
    public static bool operator ==(ResizeBox left, ResizeBox right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ResizeBox left, ResizeBox right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"({Left}, {Top}, {Right}, {Bottom})");
}

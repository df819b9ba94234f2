using System;

namespace Tessera.Planning;

/// <summary>A tile grid: <see cref="Columns"/> across, <see cref="Rows"/> down.</summary>
public readonly struct GridShape : IEquatable<GridShape>
{
    /// <summary>Creates a grid.</summary>
    public GridShape(int columns, int rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Tiles across.</summary>
    public int Columns { get; }

    /// <summary>Tiles down.</summary>
    public int Rows { get; }

    /// <summary><c>Columns × Rows</c>.</summary>
    public int Count => Columns * Rows;

    /// <inheritdoc/>
    public bool Equals(GridShape other) => Columns == other.Columns && Rows == other.Rows;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GridShape g && Equals(g);

    /// <inheritdoc/>
    public override int GetHashCode() => Columns * 397 ^ Rows;

    /// <inheritdoc/>
    public override string ToString() => $"{Columns}x{Rows}";
}

/// <summary>Python's mixed int/float comparisons, which are exact (the int is never rounded to a double).</summary>
public static class PyCompare
{
    /// <summary>Python <c>a &gt; b</c> for an int <paramref name="a"/> and a float <paramref name="b"/>.</summary>
    public static bool Greater(long a, double b)
    {
        if (double.IsNaN(b)) return false;
        if (b >= 9.2233720368547758E18) return false;
        if (b < -9.2233720368547758E18) return true;
        // a > b  <=>  a > floor(b) for an integer a (b integral or not).
        return a > (long)Math.Floor(b);
    }
}

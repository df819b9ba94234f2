using System;

namespace Tessera.Imaging.Resampling;

/// <summary>
/// Reusable state for <see cref="PillowResize"/>: the per-axis coefficient tables and the 8-bit intermediate image.
/// Buffers only grow; the tables are recomputed only when the geometry (input size, box, output size, filter)
/// changes, so resizing many images of the same size through one workspace allocates nothing after the first call.
/// </summary>
/// <remarks>Not thread-safe: give each thread its own workspace.</remarks>
public sealed class ResizeWorkspace
{
    private byte[] _intermediate = [];
    private byte[] _row = [];
    private int[] _columns = [];

    internal AxisCoefficients Horizontal { get; } = new();

    internal AxisCoefficients Vertical { get; } = new();

    /// <summary>Bytes currently held by the workspace's buffers (for diagnostics).</summary>
    public long RetainedBytes =>
        _intermediate.LongLength + _row.LongLength + 4L * _columns.LongLength
        + TableBytes(Horizontal) + TableBytes(Vertical);

    private static long TableBytes(AxisCoefficients c) =>
        4L * c.Bounds.LongLength + 4L * c.Fixed.LongLength + 2L * c.Low.LongLength + 2L * c.High.LongLength
        + 4L * c.Pairs.LongLength;

    /// <summary>The intermediate image buffer, at least <paramref name="length"/> bytes (plus SIMD store slack).</summary>
    internal Span<byte> Intermediate(long length)
    {
        long needed = length + 16;
        if (needed > Array.MaxLength)
            throw new ArgumentException($"The intermediate image would need {needed} bytes; that is too large.");
        if (_intermediate.Length < needed)
            _intermediate = new byte[needed];
        return _intermediate.AsSpan(0, (int)needed);
    }

    /// <summary>A scratch row of at least <paramref name="length"/> bytes.</summary>
    internal Span<byte> Row(int length)
    {
        if (_row.Length < length)
            _row = new byte[length];
        return _row.AsSpan(0, length);
    }

    /// <summary>A scratch table of <paramref name="length"/> column indices.</summary>
    internal Span<int> Columns(int length)
    {
        if (_columns.Length < length)
            _columns = new int[length];
        return _columns.AsSpan(0, length);
    }
}

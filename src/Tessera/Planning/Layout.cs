using System;

namespace Tessera.Planning;

/// <summary>What a run of prompt positions is.</summary>
public enum SegmentKind : byte
{
    /// <summary>A special marker token, e.g. <c>&lt;|vision_start|&gt;</c> or <c>&lt;img&gt;</c>.</summary>
    Marker,
    /// <summary>Positions the model fills with image features (<c>&lt;|image_pad|&gt;</c>, <c>&lt;IMG_CONTEXT&gt;</c>, …).</summary>
    Context,
    /// <summary>A structural separator between pieces: a row newline, a slice comma, a learned newline embedding.</summary>
    Separator,
    /// <summary>Literal text the template writes (e.g. MiniCPM's image id digits), one position per character.</summary>
    Text,
}

/// <summary>Which part of the image a <see cref="SegmentKind.Context"/> run carries.</summary>
public enum PieceRole : byte
{
    /// <summary>Not tied to one piece (markers, separators, a single whole-image run).</summary>
    None,
    /// <summary>The whole image at the model's native resolution.</summary>
    Image,
    /// <summary>One tile or slice of the grid; <see cref="LayoutSegment.Piece"/> is its row-major index.</summary>
    Tile,
    /// <summary>The downscaled whole image added beside the tiles (InternVL thumbnail, LLaVA base image, MiniCPM overview).</summary>
    Overview,
    /// <summary>One row of an unpadded feature grid (LLaVA-NeXT); <see cref="LayoutSegment.Piece"/> is the row.</summary>
    FeatureRow,
    /// <summary>One frame of a video (LLaVA-OneVision); <see cref="LayoutSegment.Piece"/> is its index among the frames planned.</summary>
    Frame,
}

/// <summary>
/// One run of consecutive LLM positions in an image's prompt layout: <see cref="Count"/> copies of
/// <see cref="Token"/>. The layout of an image is an ordered list of these; the sum of their counts is the number
/// of positions the image occupies, which is what budgets compare with a context window.
/// </summary>
public readonly struct LayoutSegment : IEquatable<LayoutSegment>
{
    /// <summary>Creates a segment.</summary>
    public LayoutSegment(SegmentKind kind, string token, long count, PieceRole role = PieceRole.None, int piece = -1)
    {
        Kind = kind;
        Token = token;
        Count = count;
        Role = role;
        Piece = piece;
    }

    /// <summary>What the positions are.</summary>
    public SegmentKind Kind { get; }

    /// <summary>The token text written at each position (the template's spelling, e.g. <c>&lt;|image_pad|&gt;</c>).</summary>
    public string Token { get; }

    /// <summary>How many positions the run occupies.</summary>
    public long Count { get; }

    /// <summary>Which piece of the image a context run carries.</summary>
    public PieceRole Role { get; }

    /// <summary>Index of the tile, slice or feature row; -1 when not applicable.</summary>
    public int Piece { get; }

    /// <inheritdoc/>
    public bool Equals(LayoutSegment other) =>
        Kind == other.Kind && Token == other.Token && Count == other.Count && Role == other.Role && Piece == other.Piece;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LayoutSegment s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => ((int)Kind * 31 + (Token?.GetHashCode() ?? 0)) * 31 + Count.GetHashCode() ^ (Piece << 8) ^ (int)Role;

    /// <inheritdoc/>
    public override string ToString() => Count == 1 ? Token : $"{Token}×{Count}";
}

/// <summary>Appends segments to a caller's span, checking room.</summary>
internal ref struct LayoutWriter
{
    private readonly Span<LayoutSegment> _destination;
    private int _count;
    private long _positions;

    public LayoutWriter(Span<LayoutSegment> destination)
    {
        _destination = destination;
        _count = 0;
        _positions = 0;
    }

    public readonly int Count => _count;

    public readonly long Positions => _positions;

    public void Add(SegmentKind kind, string token, long count, PieceRole role = PieceRole.None, int piece = -1)
    {
        if (count == 0)
        {
            return;
        }
        if (_count >= _destination.Length)
        {
            throw new ArgumentException("The destination span is too short for the layout; size it with the strategy's LayoutSegmentCount.", "destination");
        }
        _destination[_count++] = new LayoutSegment(kind, token, count, role, piece);
        _positions += count;
    }
}

using System;

namespace Tessera.Planning;

/// <summary>Which version of transformers' <c>get_rope_index</c> (multimodal RoPE position ids) to reproduce.</summary>
public enum QwenRopeVariant
{
    /// <summary>Qwen2-VL, classic (transformers 2025-02 .. 2026-02): temporal index = frame group, text after a block resumes
    /// at the block's largest position + 1.</summary>
    Qwen2VL,
    /// <summary>Qwen2-VL in transformers main (token-type runs): text after a block advances by <c>max(h, w) / merge</c> only.</summary>
    Qwen2VLUnified,
    /// <summary>Qwen2.5-VL as released: images have temporal index 0; videos
    /// <c>trunc(float32(float32(i · second_per_grid_t) · tokens_per_second))</c>.</summary>
    Qwen25VL,
    /// <summary>Qwen2.5-VL in transformers 4.52 – 5.2: <c>second_per_grid_t</c> truncated to an integer first.</summary>
    Qwen25VLIntCast,
    /// <summary>Qwen2.5-VL in transformers main: integer-truncated <c>second_per_grid_t</c>, images' temporal index = frame
    /// group, text after a block advances by <c>max(h, w) / merge</c> only.</summary>
    Qwen25VLUnified,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>A vision grid in patches: <c>(t, h, w)</c> as in <c>image_grid_thw</c> / <c>video_grid_thw</c>.</summary>
public readonly struct GridThw : IEquatable<GridThw>
{
    /// <summary>Creates a grid.</summary>
    public GridThw(int t, int h, int w)
    {
        T = t;
        H = h;
        W = w;
    }

    /// <summary>Temporal groups (1 for an image).</summary>
    public int T { get; }

    /// <summary>Patch rows.</summary>
    public int H { get; }

    /// <summary>Patch columns.</summary>
    public int W { get; }

    /// <inheritdoc/>
    public bool Equals(GridThw other) => T == other.T && H == other.H && W == other.W;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GridThw g && Equals(g);

    /// <inheritdoc/>
    public override int GetHashCode() => (T * 397 + H) * 397 + W;

    /// <inheritdoc/>
    public override string ToString() => $"({T}, {H}, {W})";
}

/// <summary>Token ids and scales <see cref="QwenRope"/> needs.</summary>
public readonly struct QwenRopeOptions
{
    /// <summary>Creates options; the defaults are the released Qwen2-VL / Qwen2.5-VL configuration (tokens_per_second 2).</summary>
    public QwenRopeOptions(QwenRopeVariant variant, int spatialMergeSize = 2, int tokensPerSecond = 2, int imageTokenId = 151655,
        int videoTokenId = 151656, int visionStartTokenId = 151652, int visionEndTokenId = 151653)
    {
        Variant = variant;
        SpatialMergeSize = spatialMergeSize;
        TokensPerSecond = tokensPerSecond;
        ImageTokenId = imageTokenId;
        VideoTokenId = videoTokenId;
        VisionStartTokenId = visionStartTokenId;
        VisionEndTokenId = visionEndTokenId;
    }

    /// <summary>Qwen2-VL as released (transformers of its release: <see cref="QwenRopeVariant.Qwen2VL"/>, merge 2).</summary>
    public static QwenRopeOptions Qwen2VL => new(QwenRopeVariant.Qwen2VL);

    /// <summary>Qwen2.5-VL as released (<see cref="QwenRopeVariant.Qwen25VL"/>: float32 temporal product, tokens_per_second 2,
    /// merge 2).</summary>
    public static QwenRopeOptions Qwen25VL => new(QwenRopeVariant.Qwen25VL);

    /// <summary>Which upstream version.</summary>
    public QwenRopeVariant Variant { get; }

    /// <summary>Patches merged per side into one LLM token.</summary>
    public int SpatialMergeSize { get; }

    /// <summary>Qwen2.5-VL's temporal scale (2 in released configs, 4 as the config class default); unused by Qwen2-VL.</summary>
    public int TokensPerSecond { get; }

    /// <summary><c>&lt;|image_pad|&gt;</c>.</summary>
    public int ImageTokenId { get; }

    /// <summary><c>&lt;|video_pad|&gt;</c>.</summary>
    public int VideoTokenId { get; }

    /// <summary><c>&lt;|vision_start|&gt;</c>.</summary>
    public int VisionStartTokenId { get; }

    /// <summary><c>&lt;|vision_end|&gt;</c> (only <see cref="QwenRope.WriteBlockIds"/> writes it; position ids treat it as text).</summary>
    public int VisionEndTokenId { get; }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible (<see cref="QwenRope.GetRopeIndex"/> calls it).</summary>
    /// <exception cref="PlanException">A <see cref="Variant"/> outside its declared members, a spatial merge size below 1, or a
    /// negative <see cref="TokensPerSecond"/> (upstream would count video time backwards).</exception>
    public void Validate()
    {
        PlanEnums.Check(Variant);
        if (SpatialMergeSize < 1) throw PlanException.Config($"spatial_merge_size must be at least 1, got {SpatialMergeSize}.");
        if (TokensPerSecond < 0) throw PlanException.Config($"tokens_per_second must not be negative, got {TokensPerSecond}.");
    }
}

/// <summary>
/// Qwen2-VL / Qwen2.5-VL M-RoPE position ids (<c>get_rope_index</c>) for one sequence with an all-ones attention mask:
/// three rows (temporal, height, width) of one position per token, and the rope delta that decoding adds to the cache
/// position. Writes into caller spans sized by the sequence length; allocates nothing.
/// </summary>
public static class QwenRope
{
    /// <summary>
    /// Fills <paramref name="positions"/> with the position ids of one sequence, laid out as upstream's
    /// <c>position_ids[:, 0, :]</c>: shape [3, L] row-major (temporal row, then height, then width; L =
    /// <c>inputIds.Length</c>), and returns <c>rope_deltas = max(position) + 1 - L</c>. Empty <paramref name="imageGrids"/>
    /// and <paramref name="videoGrids"/> mean text only (positions <c>0 .. L-1</c>). Empty <paramref name="secondPerGridTs"/>
    /// means upstream's <c>None</c> (1.0 per temporal group). The span needs <c>3 · L</c> elements
    /// (<see cref="PositionsLength"/>); nothing is allocated.
    /// </summary>
    /// <exception cref="PlanException">Invalid options (<see cref="QwenRopeOptions.Validate"/>: a variant outside its declared
    /// members, a merge size below 1, a negative tokens per second), even for text only; the ids reference more images or
    /// videos than grids are given, a block's pads do not match its grid (unified variants), or a grid not divisible by the
    /// merge size.</exception>
    /// <exception cref="ArgumentException"><paramref name="positions"/> is shorter than <c>3 · L</c>.</exception>
    public static long GetRopeIndex(ReadOnlySpan<int> inputIds, ReadOnlySpan<GridThw> imageGrids, ReadOnlySpan<GridThw> videoGrids,
        ReadOnlySpan<double> secondPerGridTs, in QwenRopeOptions options, Span<long> positions)
    {
        int length = inputIds.Length;
        if (positions.Length < PositionsLength(length))
            throw new ArgumentException($"The positions need 3 × {length} elements (three rows of the sequence length); got {positions.Length}.", nameof(positions));
        options.Validate();
        var t = positions.Slice(0, length);
        var h = positions.Slice(length, length);
        var w = positions.Slice(2 * length, length);
        if (imageGrids.IsEmpty && videoGrids.IsEmpty)
        {
            for (int i = 0; i < length; i++) t[i] = h[i] = w[i] = i;
            return 0;
        }
        bool unified = options.Variant is QwenRopeVariant.Qwen2VLUnified or QwenRopeVariant.Qwen25VLUnified;
        long max = unified ? FillUnified(inputIds, imageGrids, videoGrids, secondPerGridTs, options, t, h, w)
            : FillClassic(inputIds, imageGrids, videoGrids, secondPerGridTs, options, t, h, w);
        return max + 1 - length;
    }

    /// <summary>Elements <see cref="GetRopeIndex"/> writes for a sequence of <paramref name="sequenceLength"/> tokens: 3 rows.</summary>
    public static int PositionsLength(int sequenceLength)
    {
        if (sequenceLength < 0 || sequenceLength > int.MaxValue / 3)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "A sequence of 0 .. 715,827,882 tokens is supported.");
        return 3 * sequenceLength;
    }

    /// <summary>
    /// Writes the token ids of one planned vision block — <c>&lt;|vision_start|&gt;</c>, the item's pads
    /// (<c>&lt;|image_pad|&gt;</c> or <c>&lt;|video_pad|&gt;</c>), <c>&lt;|vision_end|&gt;</c> — what the processor expands
    /// one placeholder into. Returns <see cref="QwenItemPlan.Positions"/>, the count written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the block.</exception>
    /// <exception cref="PlanException">The item's <see cref="QwenItemPlan.Kind"/> is outside its declared members.</exception>
    public static int WriteBlockIds(in QwenItemPlan item, in QwenRopeOptions options, Span<int> destination)
    {
        PlanEnums.Check(item.Kind);
        if (item.Positions < 2) throw new ArgumentException("The item plan holds no block (a default or unplanned QwenItemPlan).", nameof(item));
        if (item.Positions > destination.Length)
            throw new ArgumentException($"The destination holds {destination.Length} ids; the block needs {item.Positions}.", nameof(destination));
        int count = (int)item.Positions;
        destination[0] = options.VisionStartTokenId;
        destination.Slice(1, count - 2).Fill(item.Kind == QwenMediaKind.Video ? options.VideoTokenId : options.ImageTokenId);
        destination[count - 1] = options.VisionEndTokenId;
        return count;
    }

    /// <summary>The classic loop: blocks announced by <c>&lt;|vision_start|&gt;</c> followed by a pad; the next position after
    /// a block is the largest position so far + 1.</summary>
    private static long FillClassic(ReadOnlySpan<int> ids, ReadOnlySpan<GridThw> imageGrids, ReadOnlySpan<GridThw> videoGrids,
        ReadOnlySpan<double> seconds, in QwenRopeOptions options, Span<long> t, Span<long> h, Span<long> w)
    {
        int length = ids.Length;
        int images = 0, videos = 0;
        for (int i = 0; i + 1 < length; i++)
        {
            if (ids[i] != options.VisionStartTokenId) continue;
            if (ids[i + 1] == options.ImageTokenId) images++;
            else if (ids[i + 1] == options.VideoTokenId) videos++;
        }
        if (length > 0 && ids[length - 1] == options.VisionStartTokenId)
            throw PlanException.Config("the sequence ends with <|vision_start|>: upstream indexes past the end (IndexError).");
        int imageIndex = 0, videoIndex = 0, st = 0, written = 0;
        long next = 0, max = -1;
        for (int block = 0; block < images + videos; block++)
        {
            int edImage = images - imageIndex > 0 ? IndexOf(ids, options.ImageTokenId, st) : length + 1;
            int edVideo = videos - videoIndex > 0 ? IndexOf(ids, options.VideoTokenId, st) : length + 1;
            bool isVideo = edVideo < edImage;
            int ed = isVideo ? edVideo : edImage;
            var grid = NextGrid(isVideo, imageGrids, videoGrids, seconds, ref imageIndex, ref videoIndex, out double? second);
            int textLength = ed - st;
            WriteText(t, h, w, ref written, next, textLength, length);
            if (textLength > 0) max = Math.Max(max, next + textLength - 1);
            long start = next + textLength;
            max = Math.Max(max, WriteBlock(t, h, w, ref written, start, grid, isVideo, second, options, length));
            next = max + 1;
            st = ToInt(ed + Tokens(grid, options.SpatialMergeSize));
        }
        if (st < length)
        {
            WriteText(t, h, w, ref written, next, length - st, length);
            max = Math.Max(max, next + length - st - 1);
        }
        if (written != length)
            throw PlanException.Config($"the vision blocks cover {written} positions but the sequence has {length} tokens (grids and pads disagree).");
        return max;
    }

    /// <summary>Takes the next grid of the block's kind (and, for a video, its seconds per temporal group when given).</summary>
    private static GridThw NextGrid(bool isVideo, ReadOnlySpan<GridThw> imageGrids, ReadOnlySpan<GridThw> videoGrids,
        ReadOnlySpan<double> seconds, ref int imageIndex, ref int videoIndex, out double? second)
    {
        second = null;
        if (!isVideo)
        {
            if (imageIndex >= imageGrids.Length) throw PlanException.Config($"the ids hold more images than the {imageGrids.Length} image grids given.");
            return imageGrids[imageIndex++];
        }
        if (videoIndex >= videoGrids.Length) throw PlanException.Config($"the ids hold more videos than the {videoGrids.Length} video grids given.");
        if (!seconds.IsEmpty)
        {
            if (videoIndex >= seconds.Length) throw PlanException.Config($"second_per_grid_ts has {seconds.Length} entries; video {videoIndex} needs one.");
            second = seconds[videoIndex];
        }
        return videoGrids[videoIndex++];
    }

    /// <summary>transformers main: runs of equal token type (text, image pad, video pad); each pad run takes the next grid of
    /// its kind, text continues at the block start + <c>max(h, w) / merge</c>.</summary>
    private static long FillUnified(ReadOnlySpan<int> ids, ReadOnlySpan<GridThw> imageGrids, ReadOnlySpan<GridThw> videoGrids,
        ReadOnlySpan<double> seconds, in QwenRopeOptions options, Span<long> t, Span<long> h, Span<long> w)
    {
        int length = ids.Length, imageIndex = 0, videoIndex = 0, written = 0;
        long current = 0, max = -1;
        int i = 0;
        while (i < length)
        {
            int kind = TypeOf(ids[i], options);
            int end = i + 1;
            while (end < length && TypeOf(ids[end], options) == kind) end++;
            if (kind == 0)
            {
                WriteText(t, h, w, ref written, current, end - i, length);
                current += end - i;
                max = Math.Max(max, current - 1);
            }
            else
            {
                bool isVideo = kind == 2;
                var grid = NextGrid(isVideo, imageGrids, videoGrids, seconds, ref imageIndex, ref videoIndex, out double? second);
                if (Tokens(grid, options.SpatialMergeSize) != end - i)
                    throw PlanException.Config($"a run of {end - i} pads does not match its grid {grid} ({Tokens(grid, options.SpatialMergeSize)} tokens).");
                max = Math.Max(max, WriteBlock(t, h, w, ref written, current, grid, isVideo, second, options, length));
                current += Math.Max(grid.H, grid.W) / options.SpatialMergeSize;
            }
            i = end;
        }
        return max;
    }

    private static int TypeOf(int id, in QwenRopeOptions options) =>
        id == options.ImageTokenId ? 1 : id == options.VideoTokenId ? 2 : 0;

    private static void WriteText(Span<long> t, Span<long> h, Span<long> w, ref int written, long first, int count, int length)
    {
        if (count > length - written) throw PlanException.Config("the vision blocks run past the end of the sequence (grids and pads disagree).");
        for (int k = 0; k < count; k++)
        {
            t[written] = h[written] = w[written] = first + k;
            written++;
        }
    }

    /// <summary>Writes one block's positions in t-major, h, w order; returns its largest position.</summary>
    private static long WriteBlock(Span<long> t, Span<long> h, Span<long> w, ref int written, long start, GridThw grid, bool isVideo,
        double? second, in QwenRopeOptions options, int length)
    {
        int merge = options.SpatialMergeSize;
        if (grid.T < 0 || grid.H < 0 || grid.W < 0) throw PlanException.Config($"grid {grid} has a negative side.");
        int gh = grid.H / merge, gw = grid.W / merge;
        long tokens = Tokens(grid, merge);
        if (tokens > length - written) throw PlanException.Config($"grid {grid} needs {tokens} pads but the sequence ends first (grids and pads disagree).");
        long max = start - 1;
        for (int a = 0; a < grid.T; a++)
        {
            long ta = start + TemporalIndex(a, isVideo, second, options);
            long rowT = ta;
            for (int b = 0; b < gh; b++)
            {
                long rowH = start + b;
                for (int c = 0; c < gw; c++)
                {
                    t[written] = rowT;
                    h[written] = rowH;
                    w[written] = start + c;
                    written++;
                }
            }
            if (gh > 0 && gw > 0) max = Math.Max(max, ta);
        }
        if (grid.T > 0 && gh > 0 && gw > 0) max = Math.Max(max, start + Math.Max(gh, gw) - 1);
        return max;
    }

    /// <summary>The temporal offset of frame group <paramref name="a"/> inside its block.</summary>
    private static long TemporalIndex(int a, bool isVideo, double? second, in QwenRopeOptions options)
    {
        switch (options.Variant)
        {
            case QwenRopeVariant.Qwen2VL:
            case QwenRopeVariant.Qwen2VLUnified:
                return a;
            case QwenRopeVariant.Qwen25VL:
                if (!isVideo) return 0;
                // (arange · second_per_grid_t) in float32 (the seconds are a float32 tensor), then · tokens_per_second, then .long().
                float s = (float)(second ?? 1.0);
                float scaled = (float)((float)a * s);
                float product = (float)(scaled * (float)options.TokensPerSecond);
                return ToLongTruncated(product);
            case QwenRopeVariant.Qwen25VLIntCast:
                if (!isVideo) return 0;
                return a * ToLongTruncated((float)(second ?? 1.0)) * options.TokensPerSecond;
            case QwenRopeVariant.Qwen25VLUnified:
                if (!isVideo) return a;
                return a * ToLongTruncated((float)(second ?? 1.0)) * options.TokensPerSecond;
            default:
                throw PlanException.Config($"unknown rope variant {options.Variant}.");
        }
    }

    private static long ToLongTruncated(float value)
    {
        if (float.IsNaN(value) || Math.Abs(value) >= 9.2e18f) throw new PlanException(PlanError.Overflow, $"temporal position {value} is beyond 64-bit range.");
        return (long)value;
    }

    private static long Tokens(GridThw grid, int merge) => (long)grid.T * (grid.H / merge) * (grid.W / merge);

    private static int IndexOf(ReadOnlySpan<int> ids, int token, int from)
    {
        if (from <= ids.Length)
        {
            int found = ids.Slice(from).IndexOf(token);
            if (found >= 0) return from + found;
        }
        throw PlanException.Config($"token {token} not found at or after {from} (upstream list.index raises ValueError).");
    }

    private static int ToInt(long value)
    {
        if (value > int.MaxValue || value < int.MinValue) throw new PlanException(PlanError.Overflow, $"position {value} does not fit 32 bits.");
        return (int)value;
    }
}

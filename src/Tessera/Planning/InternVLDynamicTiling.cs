using System;
using System.Collections.Generic;

namespace Tessera.Planning;

/// <summary>Which published candidate order to reproduce; they differ only in the order of grids with equal tile counts.</summary>
public enum InternVLCandidateOrder
{
    /// <summary>OpenGVLab's <c>dynamic_preprocess</c>: <c>sorted(set(...), key=i·j)</c>, so within one tile count the grids come in
    /// CPython 3.11's set iteration order (reproduced exactly).</summary>
    Official,
    /// <summary>transformers' GotOcr2 <c>get_all_supported_aspect_ratios</c>: width-major nested loops, stable-sorted by tile count.</summary>
    Transformers,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>
/// Configuration of InternVL dynamic aspect-ratio tiling. Construction builds the ordered candidate table once; planning
/// afterwards reads it without allocating.
/// </summary>
public sealed class InternVLOptions
{
    private readonly GridShape[] _candidates;

    /// <summary>Creates options and their candidate table.</summary>
    /// <exception cref="PlanException">A value is impossible (tile size &lt; 1, max tiles beyond the supported count, negative
    /// tokens, an <paramref name="order"/> outside its declared members).</exception>
    public InternVLOptions(int tileSize = 448, int minTiles = 1, int maxTiles = 12, bool useThumbnail = true, int tokensPerTile = 256,
        InternVLCandidateOrder order = InternVLCandidateOrder.Official)
    {
        PlanEnums.Check(order);
        if (tileSize < 1) throw PlanException.Config($"image_size must be at least 1, got {tileSize}.");
        // Upstream accepts min_num > max_num (and max_num < 1): the candidate list is then empty and the default grid (1, 1)
        // stands. min_num < 1 builds the same list as 1 (every i·j is at least 1), so the tables start from 1.
        if (maxTiles > MaxSupportedTiles) throw PlanException.Config($"max_num {maxTiles} is beyond the supported {MaxSupportedTiles} tiles.");
        if (tokensPerTile < 0) throw PlanException.Config($"tokens_per_tile must not be negative, got {tokensPerTile}.");
        TileSize = tileSize;
        MinTiles = minTiles;
        MaxTiles = maxTiles;
        UseThumbnail = useThumbnail;
        TokensPerTile = tokensPerTile;
        Order = order;
        _candidates = order == InternVLCandidateOrder.Official
            ? InternVLCandidates.Official(Math.Max(1, minTiles), maxTiles)
            : InternVLCandidates.Transformers(Math.Max(1, minTiles), maxTiles);
    }

    /// <summary>Largest <c>max_num</c> accepted (the candidate table grows with it; 4096 tiles is far beyond any checkpoint).</summary>
    public const int MaxSupportedTiles = 4096;

    /// <summary>The InternVL 1.5–3 model-card settings: 448-px tiles, 1–12 tiles, thumbnail, 256 tokens per tile.</summary>
    public static InternVLOptions ModelCard { get; } = new();

    /// <summary>Side of a square tile in pixels (<c>image_size</c>).</summary>
    public int TileSize { get; }

    /// <summary>Fewest tiles a grid may have (<c>min_num</c>).</summary>
    public int MinTiles { get; }

    /// <summary>Most tiles a grid may have (<c>max_num</c>).</summary>
    public int MaxTiles { get; }

    /// <summary>Whether a whole-image thumbnail is appended when the grid has more than one tile.</summary>
    public bool UseThumbnail { get; }

    /// <summary>LLM context tokens per tile (<c>num_image_token</c>, 256 for 448-px tiles with pixel shuffle 0.5).</summary>
    public int TokensPerTile { get; }

    /// <summary>The candidate order reproduced.</summary>
    public InternVLCandidateOrder Order { get; }

    /// <summary>The candidate grids in the order the reference scans them.</summary>
    public ReadOnlySpan<GridShape> Candidates => _candidates;
}

/// <summary>The plan for one image.</summary>
public readonly struct InternVLPlan
{
    internal InternVLPlan(GridShape grid, bool thumbnail, long tileSize, int tokensPerTile, int numCandidates)
    {
        Grid = grid;
        Thumbnail = thumbnail;
        ResizedWidth = tileSize * grid.Columns;
        ResizedHeight = tileSize * grid.Rows;
        TileSize = (int)tileSize;
        TokensPerTile = tokensPerTile;
        NumCandidates = numCandidates;
    }

    /// <summary>The chosen grid (<c>target_aspect_ratio</c> = [cols, rows]).</summary>
    public GridShape Grid { get; }

    /// <summary>Tiles cut from the resized image (<c>blocks</c>).</summary>
    public int Blocks => Grid.Count;

    /// <summary>Whether a thumbnail of the whole image follows the tiles.</summary>
    public bool Thumbnail { get; }

    /// <summary>Images fed to the vision encoder: tiles plus thumbnail.</summary>
    public int NumImages => Blocks + (Thumbnail ? 1 : 0);

    /// <summary>Width the whole image is resized to before cutting (<c>tile × cols</c>).</summary>
    public long ResizedWidth { get; }

    /// <summary>Height the whole image is resized to before cutting (<c>tile × rows</c>).</summary>
    public long ResizedHeight { get; }

    /// <summary>Tile side in pixels.</summary>
    public int TileSize { get; }

    /// <summary>Context tokens per tile.</summary>
    public int TokensPerTile { get; }

    /// <summary>Length of the candidate list the grid was chosen from.</summary>
    public int NumCandidates { get; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> count: tokens per tile × images.</summary>
    public long ContextTokens => (long)TokensPerTile * NumImages;
}

/// <summary>
/// InternVL 1.5+ dynamic tiling (<c>dynamic_preprocess</c>) and transformers' GotOcr2 variant: choose the candidate grid whose
/// aspect ratio is closest to the image's (exact double comparisons, later larger grids win exact ties only when the image
/// covers more than half of their canvas), resize to the grid, cut row-major tiles, append a thumbnail last.
/// </summary>
public static class InternVLDynamicTiling
{
    /// <summary>Marker before the image's context tokens.</summary>
    public const string ImageStart = "<img>";

    /// <summary>Marker after them.</summary>
    public const string ImageEnd = "</img>";

    /// <summary>One context position.</summary>
    public const string ImageContext = "<IMG_CONTEXT>";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <exception cref="PlanException">A size is not positive.</exception>
    public static InternVLPlan Plan(int width, int height, InternVLOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        var candidates = options.Candidates;
        double aspect = (double)width / height;
        long area = (long)width * height;
        double bestDiff = double.PositiveInfinity;
        var best = new GridShape(1, 1);
        for (int k = 0; k < candidates.Length; k++)
        {
            var c = candidates[k];
            double diff = Math.Abs(aspect - (double)c.Columns / c.Rows);
            if (diff < bestDiff)
            {
                bestDiff = diff;
                best = c;
            }
            else if (diff == bestDiff)
            {
                // 0.5 * image_size * image_size * i * j, evaluated left to right in doubles; compared exactly with the int area.
                double half = 0.5 * options.TileSize * options.TileSize * c.Columns * c.Rows;
                if (PyCompare.Greater(area, half))
                {
                    best = c;
                }
            }
        }
        bool thumbnail = options.UseThumbnail && best.Count != 1;
        return new InternVLPlan(best, thumbnail, options.TileSize, options.TokensPerTile, candidates.Length);
    }

    /// <summary>The one token count of this strategy: <c>&lt;img&gt;</c> + context tokens + <c>&lt;/img&gt;</c>.</summary>
    public static long CountTokens(in InternVLPlan plan) => plan.ContextTokens + 2;

    /// <summary>Largest <see cref="CountTokens"/> any image can get under <paramref name="options"/>.</summary>
    public static long MaxTokens(InternVLOptions options)
    {
        // With no candidate (min_num > max_num) the default grid (1, 1) is the only answer.
        long most = options.Candidates.Length == 0 ? 1 : 0;
        foreach (var c in options.Candidates)
        {
            long images = c.Count + (options.UseThumbnail && c.Count != 1 ? 1 : 0);
            most = Math.Max(most, images);
        }
        // A grid of (1, 1) is also reachable as the default when no candidate is closer (min_num > 1 never yields it).
        return most * options.TokensPerTile + 2;
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes: two markers and one run per image.</summary>
    public static int LayoutSegmentCount(in InternVLPlan plan) => plan.TokensPerTile == 0 ? 2 : plan.NumImages + 2;

    /// <summary>
    /// Writes <c>&lt;img&gt;</c>, one <c>&lt;IMG_CONTEXT&gt;</c> run per tile (row-major) and for the thumbnail (last), and
    /// <c>&lt;/img&gt;</c>. Returns the number of segments.
    /// </summary>
    public static int WriteLayout(in InternVLPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, ImageStart, 1);
        for (int k = 0; k < plan.Blocks; k++)
        {
            writer.Add(SegmentKind.Context, ImageContext, plan.TokensPerTile, PieceRole.Tile, k);
        }
        if (plan.Thumbnail)
        {
            writer.Add(SegmentKind.Context, ImageContext, plan.TokensPerTile, PieceRole.Overview, plan.Blocks);
        }
        writer.Add(SegmentKind.Marker, ImageEnd, 1);
        return writer.Count;
    }
}

/// <summary>Builds the ordered candidate grids of both InternVL variants.</summary>
internal static class InternVLCandidates
{
    /// <summary>transformers: width 1..max outer, height 1..max inner, keep min ≤ w·h ≤ max, stable sort by w·h.</summary>
    public static GridShape[] Transformers(int min, int max)
    {
        var list = new List<GridShape>();
        for (int w = 1; w <= max; w++)
        {
            for (int h = 1; h <= max / w; h++)
            {
                if (w * h >= min) list.Add(new GridShape(w, h));
            }
        }
        return StableSortByCount(list);
    }

    /// <summary>
    /// OpenGVLab: <c>set((i, j) for n in range(min, max+1) for i in 1..n for j in 1..n if min ≤ i·j ≤ max)</c> sorted by i·j.
    /// The order within one product is CPython 3.11's set iteration order, reproduced here by running CPython's set
    /// insertion (tuple xxHash, 9 linear probes then perturbation, growth to 4×used at 60 % fill) over the same sequence.
    /// </summary>
    public static GridShape[] Official(int min, int max)
    {
        // Re-adding a present key changes nothing in a CPython set, so only first insertions matter: at n = min every
        // (i, j) in [1, min]², and at each later n the pairs with max(i, j) = n, in the generator's (i, then j) order.
        if (min > max) return new GridShape[0]; // range(min, max + 1) is empty
        var set = new CPythonTupleSet();
        for (int i = 1; i <= min; i++)
        {
            for (int j = 1; j <= min; j++)
            {
                AddIfInRange(set, i, j, min, max);
            }
        }
        for (int n = min + 1; n <= max; n++)
        {
            for (int i = 1; i < n && (long)i * n <= max; i++)
            {
                AddIfInRange(set, i, n, min, max);
            }
            for (int j = 1; j <= n && (long)n * j <= max; j++)
            {
                AddIfInRange(set, n, j, min, max);
            }
        }
        return StableSortByCount(set.InIterationOrder());
    }

    private static void AddIfInRange(CPythonTupleSet set, int i, int j, int min, int max)
    {
        long p = (long)i * j;
        if (p <= max && p >= min) set.Add(i, j);
    }

    private static GridShape[] StableSortByCount(List<GridShape> items)
    {
        // Insertion-free stable sort: bucket by count, preserving order within a bucket.
        var keyed = new KeyValuePair<int, GridShape>[items.Count];
        for (int k = 0; k < items.Count; k++) keyed[k] = new KeyValuePair<int, GridShape>(k, items[k]);
        Array.Sort(keyed, (a, b) =>
        {
            int c = a.Value.Count.CompareTo(b.Value.Count);
            return c != 0 ? c : a.Key.CompareTo(b.Key);
        });
        var result = new GridShape[keyed.Length];
        for (int k = 0; k < keyed.Length; k++) result[k] = keyed[k].Value;
        return result;
    }

    /// <summary>CPython 3.11's <c>set</c> of 2-tuples of small non-negative ints, insertion only (no deletions, so no dummies).</summary>
    private sealed class CPythonTupleSet
    {
        private const int LinearProbes = 9;
        private const int PerturbShift = 5;
        private ulong[] _hashes = new ulong[8];
        private GridShape[] _keys = new GridShape[8];
        private bool[] _used = new bool[8];
        private ulong _mask = 7;
        private long _fill;

        public void Add(int i, int j)
        {
            ulong hash = TupleHash(i, j);
            ulong perturb = hash;
            ulong slot = hash & _mask;
            while (true)
            {
                ulong probes = slot + LinearProbes <= _mask ? LinearProbes : 0UL;
                ulong e = slot;
                while (true)
                {
                    if (!_used[e])
                    {
                        _used[e] = true;
                        _hashes[e] = hash;
                        _keys[e] = new GridShape(i, j);
                        _fill++;
                        if ((ulong)_fill * 5 >= _mask * 3)
                        {
                            Resize(_fill > 50000 ? _fill * 2 : _fill * 4);
                        }
                        return;
                    }
                    if (_hashes[e] == hash && _keys[e].Columns == i && _keys[e].Rows == j)
                    {
                        return; // already present
                    }
                    if (probes == 0) break;
                    probes--;
                    e++;
                }
                perturb >>= PerturbShift;
                slot = (slot * 5 + 1 + perturb) & _mask;
            }
        }

        public List<GridShape> InIterationOrder()
        {
            var list = new List<GridShape>((int)_fill);
            for (int e = 0; e < _used.Length; e++)
            {
                if (_used[e]) list.Add(_keys[e]);
            }
            return list;
        }

        private void Resize(long minUsed)
        {
            long size = 8;
            while (size <= minUsed) size <<= 1;
            var oldHashes = _hashes;
            var oldKeys = _keys;
            var oldUsed = _used;
            _hashes = new ulong[size];
            _keys = new GridShape[size];
            _used = new bool[size];
            _mask = (ulong)size - 1;
            for (int e = 0; e < oldUsed.Length; e++)
            {
                if (oldUsed[e]) InsertClean(oldHashes[e], oldKeys[e]);
            }
        }

        private void InsertClean(ulong hash, GridShape key)
        {
            ulong perturb = hash;
            ulong slot = hash & _mask;
            while (true)
            {
                if (!_used[slot])
                {
                    Place(slot, hash, key);
                    return;
                }
                if (slot + LinearProbes <= _mask)
                {
                    for (ulong k = 1; k <= LinearProbes; k++)
                    {
                        if (!_used[slot + k])
                        {
                            Place(slot + k, hash, key);
                            return;
                        }
                    }
                }
                perturb >>= PerturbShift;
                slot = (slot * 5 + 1 + perturb) & _mask;
            }
        }

        private void Place(ulong slot, ulong hash, GridShape key)
        {
            _used[slot] = true;
            _hashes[slot] = hash;
            _keys[slot] = key;
        }

        /// <summary>CPython ≥ 3.8 <c>tuplehash</c> (xxHash-style) of <c>(i, j)</c>; small ints hash to themselves.</summary>
        private static ulong TupleHash(long i, long j)
        {
            const ulong Prime1 = 11400714785074694791UL;
            const ulong Prime2 = 14029467366897019727UL;
            const ulong Prime5 = 2870177450012600261UL;
            ulong acc = Prime5;
            acc = Lane(acc, (ulong)i);
            acc = Lane(acc, (ulong)j);
            acc += 2UL ^ (Prime5 ^ 3527539UL);
            if (acc == ulong.MaxValue) acc = 1546275796UL;
            return acc;

            static ulong Lane(ulong acc, ulong lane)
            {
                unchecked
                {
                    acc += lane * Prime2;
                    acc = (acc << 31) | (acc >> 33);
                    acc *= Prime1;
                }
                return acc;
            }
        }
    }
}

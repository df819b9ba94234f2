using System;

namespace Tessera.Planning;

/// <summary>The <c>detail</c> setting of an OpenAI image input.</summary>
public enum GptDetail
{
    /// <summary>A fixed cost regardless of size (the model sees a 512×512 version).</summary>
    Low,
    /// <summary>Fit in 2048², shortest side to 768, then a cost per 512-px tile.</summary>
    High,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>How the scaled sizes of the high-detail rule are rounded (OpenAI's documentation does not say).</summary>
public enum GptScaledSizeRounding
{
    /// <summary>Keep the scaled sizes exact (fractions included) and round up only when counting tiles. 1366×1024 →
    /// 1024.5×768 → 3×2 tiles → 1105. Computed with exact integer arithmetic, so no floating-point edge can add a tile.</summary>
    Exact,
    /// <summary>Truncate each scaled size to whole pixels after every scaling step. 1366×1024 → 1024×768 → 765.</summary>
    Floor,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>Constants of the GPT-4V / GPT-4o "tile" cost model (documented values as defaults).</summary>
public readonly struct GptDetailOptions
{
    /// <summary>The documented defaults: high detail, 85 + 170 per 512-px tile, 2048 / 768, exact scaled sizes.</summary>
    public GptDetailOptions()
        : this(GptDetail.High)
    {
    }

    /// <summary>Creates options; zero or negative values are rejected by <see cref="Validate"/>.</summary>
    public GptDetailOptions(GptDetail detail = GptDetail.High, int baseTokens = 85, int tokensPerTile = 170, int tileSize = 512,
        int maxSide = 2048, int shortSide = 768, GptScaledSizeRounding rounding = GptScaledSizeRounding.Exact)
    {
        Detail = detail;
        BaseTokens = baseTokens;
        TokensPerTile = tokensPerTile;
        TileSize = tileSize;
        MaxSide = maxSide;
        ShortSide = shortSide;
        Rounding = rounding;
    }

    /// <summary>Low or high detail.</summary>
    public GptDetail Detail { get; }

    /// <summary>Tokens charged for every image (85).</summary>
    public int BaseTokens { get; }

    /// <summary>Tokens per tile in high detail (170).</summary>
    public int TokensPerTile { get; }

    /// <summary>Tile side (512).</summary>
    public int TileSize { get; }

    /// <summary>Images are first scaled to fit in a square of this side (2048).</summary>
    public int MaxSide { get; }

    /// <summary>Then scaled down so the shortest side is this long (768); never scaled up.</summary>
    public int ShortSide { get; }

    /// <summary>The rounding rule chosen for scaled sizes.</summary>
    public GptScaledSizeRounding Rounding { get; }

    /// <summary>Throws <see cref="PlanException"/> for impossible values.</summary>
    /// <exception cref="PlanException">A <see cref="Detail"/> or <see cref="Rounding"/> outside its declared members, a
    /// negative token cost, or a side below 1.</exception>
    public void Validate()
    {
        PlanEnums.Check(Detail);
        PlanEnums.Check(Rounding);
        if (BaseTokens < 0 || TokensPerTile < 0) throw PlanException.Config("token costs must not be negative.");
        if (TileSize < 1 || MaxSide < 1 || ShortSide < 1) throw PlanException.Config("tile size, max side and short side must be positive.");
    }
}

/// <summary>The cost plan of one image.</summary>
public readonly struct GptDetailPlan
{
    internal GptDetailPlan(double width, double height, long columns, long rows, long tokens)
    {
        ScaledWidth = width;
        ScaledHeight = height;
        Columns = columns;
        Rows = rows;
        Tokens = tokens;
    }

    /// <summary>Width after scaling (may be fractional under <see cref="GptScaledSizeRounding.Exact"/>; informative).</summary>
    public double ScaledWidth { get; }

    /// <summary>Height after scaling.</summary>
    public double ScaledHeight { get; }

    /// <summary>512-px tiles across (0 in low detail).</summary>
    public long Columns { get; }

    /// <summary>512-px tiles down (0 in low detail).</summary>
    public long Rows { get; }

    /// <summary>Tiles counted.</summary>
    public long Tiles => Columns * Rows;

    /// <summary>Tokens billed for the image.</summary>
    public long Tokens { get; }
}

/// <summary>
/// GPT-4V / GPT-4o image cost, as documented by OpenAI: low detail is a flat 85 tokens; high detail fits the image in
/// 2048², scales the shortest side down to 768, and charges 85 + 170 per 512-px tile. The documentation does not say how
/// scaled sizes round; <see cref="GptScaledSizeRounding.Exact"/> (the default) keeps them exact.
/// </summary>
public static class GptDetailCost
{
    /// <summary>The token spelling used in layouts (the API does not expose image tokens; this names the positions).</summary>
    public const string ImageToken = "<image>";

    /// <summary>Plans the cost of an image of <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <exception cref="PlanException">Invalid options (<see cref="GptDetailOptions.Validate"/>) or a size that is not positive.</exception>
    public static GptDetailPlan Plan(int width, int height, in GptDetailOptions options)
    {
        options.Validate();
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        if (options.Detail == GptDetail.Low)
        {
            return new GptDetailPlan(width, height, 0, 0, options.BaseTokens);
        }
        long w = width, h = height;
        long columns, rows;
        double sw, sh;
        if (options.Rounding == GptScaledSizeRounding.Floor)
        {
            long longest = Math.Max(w, h);
            if (longest > options.MaxSide)
            {
                w = w * options.MaxSide / longest;
                h = h * options.MaxSide / longest;
            }
            long shortest = Math.Max(1, Math.Min(w, h));
            if (shortest > options.ShortSide)
            {
                w = w * options.ShortSide / shortest;
                h = h * options.ShortSide / shortest;
            }
            columns = CeilDiv(w, options.TileSize);
            rows = CeilDiv(h, options.TileSize);
            sw = w;
            sh = h;
        }
        else
        {
            // The exact scaled size is (W·n/d, H·n/d) for one factor n/d: the last scaling step that applies decides it,
            // because the shortest-side step rescales from the original proportions.
            long n = 1, d = 1;
            long longest = Math.Max(w, h), shortest = Math.Min(w, h);
            if (longest > options.MaxSide)
            {
                n = options.MaxSide;
                d = longest;
            }
            // shortest·n/d > ShortSide  <=>  shortest·n > ShortSide·d
            if (shortest * n > (long)options.ShortSide * d)
            {
                n = options.ShortSide;
                d = shortest;
            }
            columns = CeilDiv(w * n, d * options.TileSize);
            rows = CeilDiv(h * n, d * options.TileSize);
            sw = (double)(w * n) / d;
            sh = (double)(h * n) / d;
        }
        long tokens = options.BaseTokens + (long)options.TokensPerTile * columns * rows;
        return new GptDetailPlan(sw, sh, columns, rows, tokens);
    }

    /// <summary>The one token count of this strategy.</summary>
    public static long CountTokens(in GptDetailPlan plan) => plan.Tokens;

    /// <summary>Largest <see cref="CountTokens"/> any image can get: high detail peaks at the 2048 × 768 rectangle's tiles.</summary>
    /// <exception cref="PlanException">Invalid options (<see cref="GptDetailOptions.Validate"/>).</exception>
    public static long MaxTokens(in GptDetailOptions options)
    {
        options.Validate();
        if (options.Detail == GptDetail.Low) return options.BaseTokens;
        // After both steps the long side is at most MaxSide and the short side at most ShortSide.
        long cols = CeilDiv(options.MaxSide, options.TileSize), rows = CeilDiv(Math.Min(options.ShortSide, options.MaxSide), options.TileSize);
        return options.BaseTokens + (long)options.TokensPerTile * cols * rows;
    }

    /// <summary>Segments <see cref="WriteLayout"/> writes (1).</summary>
    public static int LayoutSegmentCount(in GptDetailPlan plan) => 1;

    /// <summary>Writes one run of <see cref="ImageToken"/> positions: the billed tokens.</summary>
    public static int WriteLayout(in GptDetailPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Context, ImageToken, plan.Tokens, PieceRole.Image);
        return writer.Count;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}

namespace Tessera.Planning;

/// <summary>The headline of any strategy's plan, for tables and logs: grid, the size pixels are resized to, and tokens.</summary>
public readonly struct PlanSummary
{
    /// <summary>Creates a summary.</summary>
    public PlanSummary(int columns, int rows, long resizedWidth, long resizedHeight, int images, long tokens)
    {
        Columns = columns;
        Rows = rows;
        ResizedWidth = resizedWidth;
        ResizedHeight = resizedHeight;
        Images = images;
        Tokens = tokens;
    }

    /// <summary>Tiles or slices across (1 for single-view strategies; 0 when not sliced).</summary>
    public int Columns { get; }

    /// <summary>Tiles or slices down.</summary>
    public int Rows { get; }

    /// <summary>Width of the main resized image (the canvas that is cut, or the single view).</summary>
    public long ResizedWidth { get; }

    /// <summary>Height of the main resized image.</summary>
    public long ResizedHeight { get; }

    /// <summary>Views fed to the vision encoder (tiles plus thumbnail / overview / base image).</summary>
    public int Images { get; }

    /// <summary>LLM positions the image occupies: the strategy's one token count.</summary>
    public long Tokens { get; }

    /// <summary>"cols×rows" or "–" when the strategy does not tile.</summary>
    public string GridText => Columns == 0 && Rows == 0 ? "–" : $"{Columns}×{Rows}";
}

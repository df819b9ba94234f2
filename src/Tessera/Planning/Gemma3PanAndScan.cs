using System;

namespace Tessera.Planning;

/// <summary>Configuration of Gemma 3 pan-and-scan.</summary>
public readonly struct Gemma3Options
{
    /// <summary>Creates options; call <see cref="Validate"/> (planners do) to reject impossible values. The defaults are
    /// <c>Gemma3Processor</c>'s (pan-and-scan off, 256-pixel crops at least, 4 crops at most, aspect 1.2 to activate,
    /// 256 soft tokens per image).</summary>
    public Gemma3Options(bool doPanAndScan = false, int minCropSize = 256, int maxNumCrops = 4, double minRatioToActivate = 1.2,
        int imageSeqLength = 256)
    {
        DoPanAndScan = doPanAndScan;
        MinCropSize = minCropSize;
        MaxNumCrops = maxNumCrops;
        MinRatioToActivate = minRatioToActivate;
        ImageSeqLength = imageSeqLength;
    }

    /// <summary>The processor defaults with pan-and-scan switched on.</summary>
    public static Gemma3Options PanAndScan => new(true, 256, 4, 1.2, 256);

    /// <summary><c>do_pan_and_scan</c>.</summary>
    public bool DoPanAndScan { get; }

    /// <summary><c>pan_and_scan_min_crop_size</c>: no crop side may be smaller, and no more crops than the long side holds.</summary>
    public int MinCropSize { get; }

    /// <summary><c>pan_and_scan_max_num_crops</c>.</summary>
    public int MaxNumCrops { get; }

    /// <summary><c>pan_and_scan_min_ratio_to_activate</c>: long side / short side below this means no crops.</summary>
    public double MinRatioToActivate { get; }

    /// <summary><c>image_seq_length</c>: soft tokens per image (the original and each crop).</summary>
    public int ImageSeqLength { get; }

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        if (ImageSeqLength < 1) throw PlanException.Config($"image_seq_length must be at least 1, got {ImageSeqLength}.");
        if (!DoPanAndScan) return;
        // The reference divides by both (a ZeroDivisionError there).
        if (MinCropSize < 1) throw PlanException.Config($"pan_and_scan_min_crop_size must be at least 1, got {MinCropSize}.");
        if (MaxNumCrops < 1) throw PlanException.Config($"pan_and_scan_max_num_crops must be at least 1, got {MaxNumCrops}.");
        if (double.IsNaN(MinRatioToActivate)) throw PlanException.Config("pan_and_scan_min_ratio_to_activate must be a number.");
    }
}

/// <summary>The result of Gemma 3 planning for one image.</summary>
public readonly struct Gemma3Plan
{
    internal Gemma3Plan(int width, int height, int cropCols, int cropRows, long cropWidth, long cropHeight, int imageSeqLength)
    {
        Width = width;
        Height = height;
        CropCols = cropCols;
        CropRows = cropRows;
        CropWidth = cropWidth;
        CropHeight = cropHeight;
        ImageSeqLength = imageSeqLength;
    }

    /// <summary>Original width (the whole image is always the first image the encoder takes).</summary>
    public int Width { get; }

    /// <summary>Original height.</summary>
    public int Height { get; }

    /// <summary>Crop columns (0 when pan-and-scan does not fire).</summary>
    public int CropCols { get; }

    /// <summary>Crop rows (0 when pan-and-scan does not fire); one of rows and columns is 1 when it fires.</summary>
    public int CropRows { get; }

    /// <summary>Nominal crop width <c>ceil(width / cols)</c>; the last column may be narrower.</summary>
    public long CropWidth { get; }

    /// <summary>Nominal crop height <c>ceil(height / rows)</c>; the last row may be shorter.</summary>
    public long CropHeight { get; }

    /// <summary>Soft tokens per image.</summary>
    public int ImageSeqLength { get; }

    /// <summary>Crops cut from the original (upstream's <c>num_crops</c>).</summary>
    public long NumCrops => (long)CropCols * CropRows;

    /// <summary>Images the encoder takes: the original then the crops.</summary>
    public long NumImages => NumCrops + 1;

    /// <summary><c>&lt;image_soft_token&gt;</c> count: <c>image_seq_length × NumImages</c>.</summary>
    public long ImageSoftTokens => ImageSeqLength * NumImages;

    /// <summary>
    /// Pixel rectangle of crop <paramref name="index"/> in the original image, in upstream order (row-major over the
    /// crop positions), clipped to the image as the reference's array slicing clips it (so possibly empty).
    /// </summary>
    public (long X, long Y, long Width, long Height) GetCrop(int index)
    {
        if (index < 0 || index >= NumCrops)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        long x = (long)(index % CropCols) * CropWidth, y = (long)(index / CropCols) * CropHeight;
        long w = Math.Max(0, Math.Min(CropWidth, Width - x));
        long h = Math.Max(0, Math.Min(CropHeight, Height - y));
        return (x, y, w, h);
    }

    /// <summary>LLM positions the image's pieces occupy (see <see cref="Gemma3PanAndScan.CountTokens"/>).</summary>
    public long LayoutTokens => Gemma3PanAndScan.CountTokens(this);
}

/// <summary>
/// Gemma 3 (transformers <c>Gemma3ImageProcessor.pan_and_scan</c>, <c>Gemma3Processor</c>): every image is read whole at
/// the encoder's square size; with pan-and-scan on, a sufficiently elongated image is also cut along its long side into
/// 2…max crops of about the short side's length (each then resized to the square on its own). Each image — the original
/// first, then the crops — is <c>&lt;start_of_image&gt; &lt;image_soft_token&gt;×256 &lt;end_of_image&gt;</c>.
/// </summary>
/// <remarks>
/// <para>The processor also writes text around these: each image sequence is wrapped in <c>\n\n</c> … <c>\n\n</c>, and
/// when crops exist the prompt reads <c>Here is the original image</c> [original] <c>and here are some crops to help you
/// see better</c> [crop] [crop] … (see <see cref="CropsPrefix"/>, <see cref="CropsInfix"/>, <see cref="CropsSeparator"/>).
/// That text is ordinary tokenizer output and is not in the layout or <see cref="CountTokens"/>.</para>
/// <para>The reference's <c>image_soft_tokens</c> (what its goldens record) counts only the soft tokens:
/// <see cref="Gemma3Plan.ImageSoftTokens"/>. <see cref="CountTokens"/> adds the two markers per image.</para>
/// </remarks>
public static class Gemma3PanAndScan
{
    /// <summary>Marker before an image's soft tokens (the tokenizer's <c>boi_token</c>).</summary>
    public const string StartOfImage = "<start_of_image>";

    /// <summary>One image feature position.</summary>
    public const string ImageSoftToken = "<image_soft_token>";

    /// <summary>Marker after an image's soft tokens (<c>eoi_token</c>).</summary>
    public const string EndOfImage = "<end_of_image>";

    /// <summary>Text the processor writes before the original image when crops follow.</summary>
    public const string CropsPrefix = "Here is the original image ";

    /// <summary>Text between the original image and the first crop.</summary>
    public const string CropsInfix = " and here are some crops to help you see better ";

    /// <summary>Text between two crops.</summary>
    public const string CropsSeparator = " ";

    /// <summary>Text around each image sequence (before <see cref="StartOfImage"/> and after <see cref="EndOfImage"/>).</summary>
    public const string ImageSequenceWrap = "\n\n";

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive or the options are invalid.</exception>
    public static Gemma3Plan Plan(int width, int height, in Gemma3Options options)
    {
        options.Validate();
        if (width <= 0 || height <= 0)
        {
            throw PlanException.Size(width, height);
        }
        if (!options.DoPanAndScan)
        {
            return new Gemma3Plan(width, height, 0, 0, 0, 0, options.ImageSeqLength);
        }
        int cols, rows;
        if (width >= height)
        {
            double ratio = (double)width / height;
            if (ratio < options.MinRatioToActivate)
            {
                return new Gemma3Plan(width, height, 0, 0, 0, 0, options.ImageSeqLength);
            }
            cols = CropCount(ratio, width, options);
            rows = 1;
        }
        else
        {
            double ratio = (double)height / width;
            if (ratio < options.MinRatioToActivate)
            {
                return new Gemma3Plan(width, height, 0, 0, 0, 0, options.ImageSeqLength);
            }
            rows = CropCount(ratio, height, options);
            cols = 1;
        }
        long cropWidth = (long)Math.Ceiling((double)width / cols);
        long cropHeight = (long)Math.Ceiling((double)height / rows);
        if (Math.Min(cropWidth, cropHeight) < options.MinCropSize)
        {
            return new Gemma3Plan(width, height, 0, 0, 0, 0, options.ImageSeqLength);
        }
        return new Gemma3Plan(width, height, cols, rows, cropWidth, cropHeight, options.ImageSeqLength);
    }

    /// <summary>
    /// The one token count of this strategy: LLM positions of the image's pieces — per image (original and each crop)
    /// the soft tokens plus <c>&lt;start_of_image&gt;</c> and <c>&lt;end_of_image&gt;</c>. The processor's surrounding text
    /// (see the type's remarks) is not included.
    /// </summary>
    public static long CountTokens(in Gemma3Plan plan) => checked(plan.NumImages * ((long)plan.ImageSeqLength + 2));

    /// <summary>Number of segments <see cref="WriteLayout"/> writes: three per image.</summary>
    /// <exception cref="PlanException">The crops are too many for a span of segments.</exception>
    public static int LayoutSegmentCount(in Gemma3Plan plan)
    {
        long n = 3L * plan.NumImages;
        if (n > int.MaxValue)
        {
            throw new PlanException(PlanError.Overflow, $"{plan.NumCrops} crops have more layout segments than a span holds.");
        }
        return (int)n;
    }

    /// <summary>
    /// Writes the layout: the original image, then each crop in order, each as
    /// <c>&lt;start_of_image&gt; &lt;image_soft_token&gt;×seq &lt;end_of_image&gt;</c>. Returns the number of segments written.
    /// </summary>
    public static int WriteLayout(in Gemma3Plan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        long images = plan.NumImages;
        for (long i = 0; i < images; i++)
        {
            writer.Add(SegmentKind.Marker, StartOfImage, 1);
            if (i == 0)
            {
                writer.Add(SegmentKind.Context, ImageSoftToken, plan.ImageSeqLength, PieceRole.Image);
            }
            else
            {
                writer.Add(SegmentKind.Context, ImageSoftToken, plan.ImageSeqLength, PieceRole.Tile, (int)(i - 1));
            }
            writer.Add(SegmentKind.Marker, EndOfImage, 1);
        }
        return writer.Count;
    }

    private static int CropCount(double ratio, int longSide, in Gemma3Options options)
    {
        // int(floor(ratio + 0.5)) — half-up, on the double — then at most floor(long side / min crop), clamped to [2, max].
        double ideal = Math.Floor(ratio + 0.5);
        double fit = Math.Floor((double)longSide / options.MinCropSize);
        double n = Math.Min(fit, ideal);
        n = Math.Max(2, n);
        n = Math.Min(options.MaxNumCrops, n);
        return (int)n;
    }
}

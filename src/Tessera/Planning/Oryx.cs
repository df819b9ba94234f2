using System;
using System.Globalization;

namespace Tessera.Planning;

/// <summary>
/// One resized view: the size the pixels are resized to (<see cref="ContentWidth"/>×<see cref="ContentHeight"/>) and the
/// canvas the encoder sees (<see cref="Width"/>×<see cref="Height"/>). They differ only under <c>PAD2STRIDE</c>, where the
/// content is pasted at (<see cref="PadLeft"/>, <see cref="PadTop"/>) on a grey (127) canvas.
/// </summary>
public readonly struct OryxView
{
    internal OryxView(int contentWidth, int contentHeight, int width, int height)
    {
        ContentWidth = contentWidth;
        ContentHeight = contentHeight;
        Width = width;
        Height = height;
    }

    /// <summary>Width the pixels are resized to.</summary>
    public int ContentWidth { get; }

    /// <summary>Height the pixels are resized to.</summary>
    public int ContentHeight { get; }

    /// <summary>Width of the view.</summary>
    public int Width { get; }

    /// <summary>Height of the view.</summary>
    public int Height { get; }

    /// <summary>Left offset of the content: <c>(Width - ContentWidth) // 2</c>.</summary>
    public int PadLeft => (Width - ContentWidth) / 2;

    /// <summary>Top offset of the content: <c>(Height - ContentHeight) // 2</c>.</summary>
    public int PadTop => (Height - ContentHeight) / 2;

    /// <summary>Whether the view is padded rather than resized to its full size.</summary>
    public bool IsPadded => Width != ContentWidth || Height != ContentHeight;
}

/// <summary>The plan of one Oryx image (<c>process_anyres_highres_image_genli</c> and the projector's layout).</summary>
public readonly struct OryxImagePlan
{
    internal OryxImagePlan(int sourceWidth, int sourceHeight, int guardedWidth, int guardedHeight, OryxView highRes, OryxView lowRes,
        int vitPatch)
    {
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        GuardedWidth = guardedWidth;
        GuardedHeight = guardedHeight;
        HighRes = highRes;
        LowRes = lowRes;
        // The high-res tensor goes through forward_features, whose timm PatchEmbed asserts whole patches (PlanImage has
        // checked that); the low-res list through forward_features_list, which pads each image up to the patch (ceil).
        HighResRows = highRes.Height / vitPatch;
        HighResColumns = highRes.Width / vitPatch;
        LowResRows = (lowRes.Height + vitPatch - 1) / vitPatch;
        LowResColumns = (lowRes.Width + vitPatch - 1) / vitPatch;
        Tokens = (long)LowResRows * (LowResColumns + 1) + (long)HighResRows * (HighResColumns + 1) + 3;
    }

    /// <summary>Width of the input image.</summary>
    public int SourceWidth { get; }

    /// <summary>Height of the input image.</summary>
    public int SourceHeight { get; }

    /// <summary>Width after the tiny-image guard (a side below 32 px scales the image so that side becomes 64).</summary>
    public int GuardedWidth { get; }

    /// <summary>Height after the tiny-image guard.</summary>
    public int GuardedHeight { get; }

    /// <summary>Whether the tiny-image guard resized the image.</summary>
    public bool IsGuarded => GuardedWidth != SourceWidth || GuardedHeight != SourceHeight;

    /// <summary>The high-res view (<c>HIGHRES_BASE</c>).</summary>
    public OryxView HighRes { get; }

    /// <summary>The low-res view (<c>LOWRES_RESIZE</c>, made from the high-res view).</summary>
    public OryxView LowRes { get; }

    /// <summary>Width of the high-res view.</summary>
    public int HighResWidth => HighRes.Width;

    /// <summary>Height of the high-res view.</summary>
    public int HighResHeight => HighRes.Height;

    /// <summary>Width of the low-res view.</summary>
    public int LowResWidth => LowRes.Width;

    /// <summary>Height of the low-res view.</summary>
    public int LowResHeight => LowRes.Height;

    /// <summary>ViT feature rows of the high-res view: <c>height // patch</c>.</summary>
    public int HighResRows { get; }

    /// <summary>ViT feature columns of the high-res view: <c>width // patch</c>.</summary>
    public int HighResColumns { get; }

    /// <summary>ViT feature rows of the low-res view: <c>ceil(height / patch)</c>.</summary>
    public int LowResRows { get; }

    /// <summary>ViT feature columns of the low-res view: <c>ceil(width / patch)</c>.</summary>
    public int LowResColumns { get; }

    /// <summary>Positions of the block: <c>Rl·(Cl + 1) + Rh·(Ch + 1) + 3</c> (begin, sep, end).</summary>
    public long Tokens { get; }
}

/// <summary>The plan of one Oryx video (<c>process_anyres_video_genli</c>, frame sampling, compressor and layout).</summary>
public readonly struct OryxVideoPlan
{
    internal OryxVideoPlan(OryxModality modality, int totalFrames, int frames, int sourceWidth, int sourceHeight, OryxView frame,
        int gridRows, int gridColumns, int pool, long tokens)
    {
        Modality = modality;
        TotalFrames = totalFrames;
        Frames = frames;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Frame = frame;
        GridRows = gridRows;
        GridColumns = gridColumns;
        Pool = pool;
        Tokens = tokens;
    }

    /// <summary><see cref="OryxModality.Video"/> or <see cref="OryxModality.VideoLong"/>.</summary>
    public OryxModality Modality { get; }

    /// <summary>Frames in the source clip.</summary>
    public int TotalFrames { get; }

    /// <summary>Frames fed to the model (indices from <see cref="Oryx.WriteFrameIndices"/>, repeats included).</summary>
    public int Frames { get; }

    /// <summary>Width of a source frame.</summary>
    public int SourceWidth { get; }

    /// <summary>Height of a source frame.</summary>
    public int SourceHeight { get; }

    /// <summary>Every frame's view.</summary>
    public OryxView Frame { get; }

    /// <summary>Width of a frame's view.</summary>
    public int FrameWidth => Frame.Width;

    /// <summary>Height of a frame's view.</summary>
    public int FrameHeight => Frame.Height;

    /// <summary>ViT feature rows per frame before pooling.</summary>
    public int GridRows { get; }

    /// <summary>ViT feature columns per frame before pooling.</summary>
    public int GridColumns { get; }

    /// <summary>Pooling window side: 2 for video, 4 for long video.</summary>
    public int Pool { get; }

    /// <summary>Token compression of the modality: <c>Pool²</c> (4× video, 16× long video).</summary>
    public int Compression => Pool * Pool;

    /// <summary>Feature rows per frame after pooling.</summary>
    public int PooledRows => GridRows / Pool;

    /// <summary>Feature columns per frame after pooling.</summary>
    public int PooledColumns => GridColumns / Pool;

    /// <summary>Positions per frame: its rows, each with a newline, then one <c>sep</c>.</summary>
    public long TokensPerFrame => (long)PooledRows * (PooledColumns + 1) + 1;

    /// <summary>Positions of the block: <c>frames · TokensPerFrame + 2</c> (begin, end).</summary>
    public long Tokens { get; }
}

/// <summary>What the sequence cap does to a sequence of <see cref="Total"/> positions (upstream cuts silently).</summary>
public readonly struct OryxSequenceCap
{
    internal OryxSequenceCap(long total, long? limit)
    {
        Total = total;
        Limit = limit;
        Kept = limit is long l && total > l ? l : total;
    }

    /// <summary>Positions before the cap.</summary>
    public long Total { get; }

    /// <summary>The cap (<c>tokenizer_model_max_length</c>), or <c>null</c> for none.</summary>
    public long? Limit { get; }

    /// <summary>Positions kept: the first <c>min(Total, Limit)</c>.</summary>
    public long Kept { get; }

    /// <summary>Positions cut from the end.</summary>
    public long Dropped => Total - Kept;

    /// <summary>Whether anything is cut; the cut starts at position <see cref="Kept"/>.</summary>
    public bool IsTruncated => Kept < Total;
}

/// <summary>
/// Oryx (Oryx-mllm/Oryx @ f8c8bc3) planning: native-resolution views bounded by <c>MAXRES</c>, sides truncated to
/// multiples of the patch with <c>int()</c>; an image becomes a low-res view then the high-res view, a video one pooled
/// block per frame. Exact to <c>oryx/mm_utils.py</c> (<c>resize_images</c>, <c>resize_video</c>,
/// <c>process_anyres_highres_image_genli</c>, <c>process_anyres_video_genli</c>), the OryxViT feature grid, the
/// <c>DynamicCompressor</c> and the <c>SimpleMlp</c> projector (strategies.md §6). Where upstream crashes, this throws a
/// <see cref="PlanException"/> saying why.
/// </summary>
public static class Oryx
{
    /// <summary>Token spelling of a feature position. The block replaces the prompt's one <c>&lt;image&gt;</c> placeholder.</summary>
    public const string Feature = "<image>";

    /// <summary>The projector's learned <c>image_begin</c> embedding.</summary>
    public const string Begin = "image_begin";

    /// <summary>The projector's learned <c>image_newline</c> embedding (after every feature row).</summary>
    public const string Newline = "image_newline";

    /// <summary>The projector's learned <c>image_sep</c> embedding (between the views; after every frame).</summary>
    public const string Sep = "image_sep";

    /// <summary>The projector's learned <c>image_end</c> embedding.</summary>
    public const string End = "image_end";

    private const int TinySide = 32;
    private const int FixedLowRes = 384;

    /// <summary>Plans an image of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <exception cref="PlanException">A size is not positive (<see cref="PlanError.InvalidSize"/>); a resize truncates a side
    /// to 0, which PIL refuses (<see cref="PlanError.AspectRatioTooLarge"/>: extreme aspect ratios); a side beyond 32-bit
    /// range (<see cref="PlanError.Overflow"/>); a high-res side that is not a whole number of ViT patches
    /// (<see cref="PlanError.InvalidConfiguration"/>: upstream's timm <c>PatchEmbed</c>, built with
    /// <c>dynamic_img_pad=False</c>, asserts it; the scripts' settings always give multiples of 32).</exception>
    public static OryxImagePlan PlanImage(int width, int height, OryxOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        long gw = width, gh = height;
        if (width < TinySide || height < TinySide)
        {
            // ratio = 64 / min(w, h) over the sides below 32 (both small: the smaller one), then int(side · ratio).
            int small = width < TinySide && height < TinySide ? Math.Min(width, height) : width < TinySide ? width : height;
            double ratio = 64.0 / small;
            gw = (long)(width * ratio);
            gh = (long)(height * ratio);
            CheckSize(gw, gh, width, height, "the tiny-image guard");
        }
        OryxView high = options.HighResBase is int highBase
            ? Resize(gw, gh, options.HighResPatch, highBase, options.MaxRes, options.MinRes, options.PadToStride, "the high-res view")
            : new OryxView((int)gw, (int)gh, (int)gw, (int)gh);
        OryxView low = options.LowResSize is int lowSize
            ? Resize(high.Width, high.Height, options.LowResPatch, lowSize, options.MaxRes, options.MinRes, options.PadToStride, "the low-res view")
            : new OryxView(FixedLowRes, FixedLowRes, FixedLowRes, FixedLowRes);
        int p = options.VitPatchSize;
        if (high.Width % p != 0 || high.Height % p != 0)
            throw NotWholeVitPatches($"the high-res view is {Text(high.Width, high.Height)},", p, options.HighResBase is null
                ? $"With HIGHRES_BASE unset the image itself is that view, so only sides that are multiples of {p} plan; set "
                    + "HIGHRES_BASE as the scripts do (0x32)."
                : $"Use a HIGHRES_BASE patch that is a multiple of {p}.");
        return new OryxImagePlan(width, height, (int)gw, (int)gh, high, low, p);
    }

    /// <summary>
    /// Plans a video of <paramref name="totalFrames"/> frames of <paramref name="width"/>×<paramref name="height"/> pixels.
    /// <paramref name="frames"/> overrides <see cref="OryxOptions.FramesUpbound"/> (e.g. lmms-eval's <c>max_frames_num</c>,
    /// 32 by default there).
    /// </summary>
    /// <exception cref="PlanException"><c>VIDEO_RESIZE</c> unset, or <c>VIDEO_MINRES</c> unset for a frame of at most
    /// <c>VIDEO_MAXRES²</c> pixels (upstream: NameError); no frames; an image modality or one outside the declared members;
    /// a zero or oversized side as for images; a frame side that is not a whole number of ViT patches (timm's assertion,
    /// as for the high-res view); a feature grid the compressor cannot pool (a side not a multiple of the pooling window:
    /// upstream's reshape fails).</exception>
    public static OryxVideoPlan PlanVideo(int totalFrames, int width, int height, OryxOptions options, int? frames = null,
        OryxModality modality = OryxModality.Video)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        PlanEnums.Check(modality);
        if (modality != OryxModality.Video && modality != OryxModality.VideoLong)
            throw PlanException.Config($"PlanVideo plans Video or VideoLong, not {modality}; use PlanImage for images.");
        if (totalFrames < 1) throw PlanException.Config($"a video needs at least one frame, got {totalFrames}.");
        int k = frames ?? options.FramesUpbound;
        if (k < 1) throw PlanException.Config($"the frame count must be at least 1, got {k}.");
        if (width <= 0 || height <= 0) throw PlanException.Size(width, height);
        if (options.VideoBase is not int videoBase)
            throw PlanException.Config("VIDEO_RESIZE is unset: upstream's process_anyres_video_genli reads an undefined name "
                + "(NameError) for every video. Set it, e.g. '0x64' as the scripts do.");
        int patch = modality == OryxModality.VideoLong ? options.VideoPatch * 2 : options.VideoPatch;
        int pool = modality == OryxModality.VideoLong ? 4 : 2;
        OryxView view = Resize(width, height, patch, videoBase, options.VideoMaxRes, options.VideoMinRes, options.PadToStride, "the video frame");
        int p = options.VitPatchSize;
        if (view.Width % p != 0 || view.Height % p != 0)
            throw NotWholeVitPatches($"a video frame of {Text(view.Width, view.Height)} is", p,
                $"Use a VIDEO_RESIZE patch that is a multiple of {p}.");
        int rows = view.Height / p, cols = view.Width / p;
        if (rows % pool != 0 || cols % pool != 0)
            throw PlanException.Config($"Oryx: a {cols}×{rows} feature grid (frame {Text(view.Width, view.Height)}) does not split "
                + $"into {pool}×{pool} pooling windows (upstream's compressor reshape raises RuntimeError); use a video patch that is "
                + $"a multiple of {p * 2}.");
        int used = options.FrameSampling == OryxFrameSampling.Training && totalFrames <= k ? totalFrames : k;
        long perFrame = (long)(rows / pool) * (cols / pool + 1) + 1;
        long tokens;
        try
        {
            tokens = checked(used * perFrame + 2);
        }
        catch (OverflowException)
        {
            throw new PlanException(PlanError.Overflow, $"Oryx: {used} frames of {perFrame} positions is beyond 64-bit range.");
        }
        return new OryxVideoPlan(modality, totalFrames, used, width, height, view, rows, cols, pool, tokens);
    }

    /// <summary>
    /// Writes the source frame indices the plan reads: numpy <c>linspace(0, total - 1, frames, dtype=int)</c> (double steps,
    /// truncated, repeats when the clip is shorter; with every frame of a short clip in training this is 0…total−1).
    /// <paramref name="destination"/> needs <see cref="OryxVideoPlan.Frames"/> elements; returns how many were written.
    /// </summary>
    public static int WriteFrameIndices(in OryxVideoPlan plan, Span<long> destination) =>
        FrameSampling.WriteNumpyLinspaceIndices(plan.TotalFrames, plan.Frames, destination);

    /// <summary>The one token count of an image: positions of its block (features, newlines, begin, sep, end).</summary>
    public static long CountTokens(in OryxImagePlan plan) => plan.Tokens;

    /// <summary>The one token count of a video: positions of its block (all frames, newlines, seps, begin, end).</summary>
    public static long CountTokens(in OryxVideoPlan plan) => plan.Tokens;

    /// <summary>
    /// Which part of a sequence of <paramref name="totalPositions"/> positions (text plus feature blocks, each block counted
    /// by <see cref="CountTokens(in OryxImagePlan)"/> in place of its placeholder) survives the cut at
    /// <see cref="OryxOptions.ModelMaxLength"/>; upstream keeps the first positions without a word.
    /// </summary>
    /// <exception cref="PlanException">A negative total.</exception>
    public static OryxSequenceCap CapSequence(long totalPositions, OryxOptions options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (totalPositions < 0) throw PlanException.Config($"a sequence length must not be negative, got {totalPositions}.");
        return new OryxSequenceCap(totalPositions, options.ModelMaxLength);
    }

    /// <summary>
    /// An upper bound of <see cref="CountTokens(in OryxImagePlan)"/> (modality Image) or
    /// <see cref="CountTokens(in OryxVideoPlan)"/> (Video, VideoLong with <see cref="OryxOptions.FramesUpbound"/> frames) for
    /// every size the options accept. Resized views hold at most about target² pixels, and a side at most that area over
    /// the other side's minimum (one patch; 32 px after the tiny guard for padded images; 1 px for padded frames), so tall
    /// thin views, with a newline per row, bound the count. With <c>HIGHRES_BASE</c> unset the bound is that of a
    /// 2³¹-pixel side, i.e. there is no practical bound; with <c>VIDEO_RESIZE</c> unset a video plans nothing (0).
    /// </summary>
    /// <exception cref="PlanException"><paramref name="modality"/> is outside its declared members.</exception>
    public static long MaxTokens(OryxOptions options, OryxModality modality = OryxModality.Image)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        PlanEnums.Check(modality);
        double p = options.VitPatchSize;
        if (modality == OryxModality.Image)
        {
            double highArea, highSide, highMin;
            if (options.HighResBase is int hb)
            {
                Bound(options.HighResPatch, hb, options.MaxRes, options.MinRes, options.PadToStride, TinySide, out highArea, out highSide);
                highMin = Math.Min(TinySide, options.HighResPatch);
            }
            else
            {
                highSide = int.MaxValue;
                highArea = highSide * highSide;
                highMin = TinySide;
            }
            double high = highArea / (p * p) + highSide / p;
            double low;
            if (options.LowResSize is int ls)
            {
                Bound(options.LowResPatch, ls, options.MaxRes, options.MinRes, options.PadToStride, highMin, out double lowArea, out double lowSide);
                low = lowArea / (p * p) + 3 * lowSide / p + 2;
            }
            else
            {
                double g = Math.Ceiling(FixedLowRes / p);
                low = g * (g + 1);
            }
            return ToBound(high + low + 3);
        }
        if (options.VideoBase is not int vb) return 0;
        int patch = modality == OryxModality.VideoLong ? options.VideoPatch * 2 : options.VideoPatch;
        double cell = p * (modality == OryxModality.VideoLong ? 4 : 2);
        Bound(patch, vb, options.VideoMaxRes, options.VideoMinRes, options.PadToStride, 1, out double area, out double side);
        double perFrame = area / (cell * cell) + side / cell + 1;
        return ToBound(options.FramesUpbound * perFrame + 2);
    }

    /// <summary>Segments <see cref="WriteLayout(in OryxImagePlan, Span{LayoutSegment})"/> writes.</summary>
    public static int LayoutSegmentCount(in OryxImagePlan plan)
    {
        long rows = (long)plan.LowResRows + plan.HighResRows;
        return SegmentCount(3 + 2 * rows);
    }

    /// <summary>Segments <see cref="WriteLayout(in OryxVideoPlan, Span{LayoutSegment})"/> writes.</summary>
    public static int LayoutSegmentCount(in OryxVideoPlan plan)
    {
        long perFrame = 2L * plan.PooledRows + 1;
        return SegmentCount(2 + plan.Frames * perFrame);
    }

    private static int SegmentCount(long count) => count <= int.MaxValue
        ? (int)count
        : throw new PlanException(PlanError.Overflow, $"the layout has {count} segments, more than a span can hold.");

    /// <summary>
    /// Writes an image's block as the projector builds it: <c>image_begin</c>; each low-res feature row (role
    /// <see cref="PieceRole.Overview"/>, piece = row) followed by <c>image_newline</c>; <c>image_sep</c>; each high-res row
    /// (role <see cref="PieceRole.Image"/>) followed by <c>image_newline</c>; <c>image_end</c>. Returns the segments written.
    /// </summary>
    public static int WriteLayout(in OryxImagePlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, Begin, 1);
        for (int r = 0; r < plan.LowResRows; r++)
        {
            writer.Add(SegmentKind.Context, Feature, plan.LowResColumns, PieceRole.Overview, r);
            writer.Add(SegmentKind.Separator, Newline, 1);
        }
        writer.Add(SegmentKind.Marker, Sep, 1);
        for (int r = 0; r < plan.HighResRows; r++)
        {
            writer.Add(SegmentKind.Context, Feature, plan.HighResColumns, PieceRole.Image, r);
            writer.Add(SegmentKind.Separator, Newline, 1);
        }
        writer.Add(SegmentKind.Marker, End, 1);
        return writer.Count;
    }

    /// <summary>
    /// Writes a video's block: <c>image_begin</c>; per frame, its pooled rows (role <see cref="PieceRole.Frame"/>, piece =
    /// the frame's position among the sampled frames) each followed by <c>image_newline</c>, then <c>image_sep</c>;
    /// <c>image_end</c>. The low-res input of a video adds no positions (upstream multiplies it by 0).
    /// </summary>
    public static int WriteLayout(in OryxVideoPlan plan, Span<LayoutSegment> destination)
    {
        var writer = new LayoutWriter(destination);
        writer.Add(SegmentKind.Marker, Begin, 1);
        int rows = plan.PooledRows, cols = plan.PooledColumns;
        for (int f = 0; f < plan.Frames; f++)
        {
            for (int r = 0; r < rows; r++)
            {
                writer.Add(SegmentKind.Context, Feature, cols, PieceRole.Frame, f);
                writer.Add(SegmentKind.Separator, Newline, 1);
            }
            writer.Add(SegmentKind.Marker, Sep, 1);
        }
        writer.Add(SegmentKind.Marker, End, 1);
        return writer.Count;
    }

    // resize_images / resize_video: the size after the MAXRES/MINRES rule (base 0) or the base-area rule, as PIL is asked.
    private static OryxView Resize(long w, long h, int patch, int baseSize, int maxRes, int? minRes, bool pad, string view)
    {
        long area = w * h; // both sides ≤ 2^31 here, so the product fits
        double scale = double.NaN;
        if (baseSize == 0)
        {
            long max2 = (long)maxRes * maxRes;
            if (area > max2)
            {
                scale = Math.Sqrt(PyInt.TrueDivide(max2, area));
            }
            else
            {
                if (minRes is not int min)
                    throw PlanException.Config($"VIDEO_MINRES is unset: upstream's resize_video reads an undefined name (NameError) "
                        + $"for frames of at most VIDEO_MAXRES² = {max2} pixels ({Text(w, h)}). Set it, e.g. 288 as the scripts do.");
                long min2 = (long)min * min;
                if (area < min2) scale = Math.Sqrt(PyInt.TrueDivide(min2, area));
            }
        }
        else
        {
            scale = Math.Sqrt(PyInt.TrueDivide((long)baseSize * baseSize, area));
        }

        long nw, nh;
        if (!double.IsNaN(scale))
        {
            nw = Truncate(w * scale / patch, view) * patch;
            nh = Truncate(h * scale / patch, view) * patch;
        }
        else if (pad)
        {
            nw = w % patch == 0 ? w : (w / patch + 1) * patch;
            nh = h % patch == 0 ? h : (h / patch + 1) * patch;
            CheckSize(nw, nh, w, h, view);
            return new OryxView((int)w, (int)h, (int)nw, (int)nh);
        }
        else
        {
            nw = Truncate(w * 1.0 / patch, view) * patch;
            nh = Truncate(h * 1.0 / patch, view) * patch;
        }
        CheckSize(nw, nh, w, h, view);
        return new OryxView((int)nw, (int)nh, (int)nw, (int)nh);
    }

    private static long Truncate(double value, string view)
    {
        if (!(value < 4.0e18)) throw new PlanException(PlanError.Overflow, $"Oryx: {view} is beyond 64-bit range.");
        return (long)value;
    }

    private static void CheckSize(long w, long h, long fromW, long fromH, string view)
    {
        if (w <= 0 || h <= 0)
            throw new PlanException(PlanError.AspectRatioTooLarge, $"Oryx: {view} of {Text(fromW, fromH)} truncates to {Text(w, h)}; "
                + "a side of 0 is refused by PIL (ValueError). The aspect ratio is too extreme for these settings.");
        if (w > int.MaxValue || h > int.MaxValue)
            throw new PlanException(PlanError.Overflow, $"Oryx: {view} of {Text(fromW, fromH)} would be {Text(w, h)}, beyond the "
                + "32-bit sizes PIL accepts (OverflowError).");
    }

    // Upper bounds (area, longest side) of a resize output whose input sides are at least minSide.
    private static void Bound(int patch, int baseSize, int maxRes, int? minRes, bool pad, double minSide, out double area, out double side)
    {
        double q = patch;
        double max2 = (double)maxRes * maxRes;
        if (baseSize != 0)
        {
            area = (double)baseSize * baseSize;
        }
        else
        {
            // Scaled down to about max2, or up to about min2; unscaled views are at most max2 when truncated.
            double min = minRes ?? 0;
            area = Math.Max(max2, min * min);
        }
        side = area / q;
        if (baseSize == 0 && pad && minRes is int)
        {
            // Unscaled and padded: input area ≤ max2, sides ≥ minSide, so w + h ≤ minSide + max2 / minSide.
            double sum = minSide + max2 / minSide;
            double padded = max2 + (q - 1) * sum + (q - 1) * (q - 1);
            area = Math.Max(area, padded);
            side = Math.Max(side, max2 / minSide + q - 1);
        }
        // Slack for the rounding of sqrt and the products (a few ulps), then for the sides being integers.
        area = area * (1 + 1e-9) + 1;
        side = side * (1 + 1e-9) + 1;
    }

    private static long ToBound(double value) => value >= 9.0e18 ? long.MaxValue : (long)Math.Ceiling(value);

    /// <summary>The high-res view and video frames go through OryxViT's <c>forward_features</c>, which does not pad: timm's
    /// <c>PatchEmbed</c> (built with <c>dynamic_img_pad=False</c>) asserts whole patches.</summary>
    private static PlanException NotWholeVitPatches(string view, int p, string advice) =>
        PlanException.Config($"Oryx: {view} not a whole number of {p}-px ViT patches: upstream's forward_features does not pad, and "
            + $"timm's PatchEmbed (dynamic_img_pad=False) asserts both sides divide by the patch (AssertionError). {advice}");

    private static string Text(long w, long h) =>
        w.ToString(CultureInfo.InvariantCulture) + "×" + h.ToString(CultureInfo.InvariantCulture);
}

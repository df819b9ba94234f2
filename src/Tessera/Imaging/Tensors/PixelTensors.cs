using System;
using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Tensors;

/// <summary>
/// Rescale + normalise kernels that turn RGB24 pixels into model input tensors, bit-identical to the Python
/// references: every element is <c>((float)x / 255f − mean_c) / std_c</c> in float32 (pixels.md §4), optionally
/// rounded to binary16 or bfloat16 afterwards.
/// </summary>
/// <remarks>
/// <para>Layouts: planar C×H×W (<see cref="NormalizeToChw(ReadOnlySpan{byte}, int, int, int, in NormalizationConstants, Span{float})"/>;
/// InternVL and LLaVA tiles stack these to N×3×H×W) and Qwen2-VL patch rows of an image
/// (<see cref="WriteQwenPatches(ReadOnlySpan{byte}, int, int, int, int, int, in NormalizationConstants, Span{float})"/>) or of a
/// video's frames (<see cref="WriteQwenVideoPatches(ReadOnlySpan{byte}, int, int, int, int, int, int, in NormalizationConstants, Span{float})"/>).</para>
/// <para>Sources are interleaved R, G, B bytes; <c>srcStride</c> is the distance in bytes between row starts. Each
/// call writes exactly the first <c>Get…Length</c> elements of the destination and allocates nothing once the
/// constants' lookup table exists (the presets' tables always do).</para>
/// </remarks>
public static unsafe class PixelTensors
{
    /// <summary>Largest patch size <see cref="WriteQwenPatches(ReadOnlySpan{byte}, int, int, int, int, int, in NormalizationConstants, Span{float})"/> accepts.</summary>
    public const int MaxPatchSize = 512;

    /// <summary>Strip buffers up to this size live on the stack (p = 14 float32 needs 42 KB); larger ones are pooled.</summary>
    private const int StackStripBytes = 64 * 1024;

    /// <summary>Elements of one C×H×W tensor: 3 · <paramref name="width"/> · <paramref name="height"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the tensor has more than <see cref="int.MaxValue"/> elements.</exception>
    public static int GetChwLength(int width, int height)
    {
        CheckPositive(width, nameof(width));
        CheckPositive(height, nameof(height));
        return ToLength(3L * width * height, "C×H×W tensor");
    }

    /// <summary>
    /// Normalises a whole RGB24 image into planar C×H×W float32: element (c, y, x) is at
    /// <c>(c · height + y) · width + x</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        in NormalizationConstants constants, Span<float> destination) =>
        Chw(rgb24, width, height, srcStride, 0, 0, width, height, constants, TensorElementType.Float32, ElementBytes(destination), nameof(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even binary16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        in NormalizationConstants constants, Span<Half> destination) =>
        Chw(rgb24, width, height, srcStride, 0, 0, width, height, constants, TensorElementType.Float16, ElementBytes(destination), nameof(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even bfloat16 (bits as <see cref="ushort"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeToChwBFloat16(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        in NormalizationConstants constants, Span<ushort> destination) =>
        Chw(rgb24, width, height, srcStride, 0, 0, width, height, constants, TensorElementType.BFloat16, ElementBytes(destination), nameof(destination));

    /// <summary>
    /// Normalises a whole RGB24 image into planar C×H×W of <paramref name="elementType"/>, written as raw
    /// little-endian bytes (for buffers owned by an inference runtime).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the stride is shorter than a row, or the element type is unknown.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        in NormalizationConstants constants, TensorElementType elementType, Span<byte> destination) =>
        Chw(rgb24, width, height, srcStride, 0, 0, width, height, constants, elementType, destination, nameof(destination));

    /// <summary>
    /// Normalises the sub-rectangle (<paramref name="x"/>, <paramref name="y"/>, <paramref name="regionWidth"/>,
    /// <paramref name="regionHeight"/>) of a larger RGB24 image into planar C×regionHeight×regionWidth float32,
    /// without copying the crop first (an InternVL tile is such a crop of the resized canvas).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the stride is shorter than a row, or the region leaves the image.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeRegionToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        int x, int y, int regionWidth, int regionHeight, in NormalizationConstants constants, Span<float> destination) =>
        Chw(rgb24, width, height, srcStride, x, y, regionWidth, regionHeight, constants, TensorElementType.Float32, ElementBytes(destination), nameof(destination));

    /// <summary>
    /// The sub-rectangle variant for any element type, written as raw little-endian bytes
    /// (see <see cref="NormalizeRegionToChw(ReadOnlySpan{byte}, int, int, int, int, int, int, int, in NormalizationConstants, Span{float})"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the stride is shorter than a row, the region leaves the image, or the element type is unknown.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeRegionToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride,
        int x, int y, int regionWidth, int regionHeight, in NormalizationConstants constants,
        TensorElementType elementType, Span<byte> destination) =>
        Chw(rgb24, width, height, srcStride, x, y, regionWidth, regionHeight, constants, elementType, destination, nameof(destination));

    /// <summary>
    /// Cuts a canvas whose sides are multiples of <paramref name="tileSize"/> into square tiles in row-major order
    /// (tile k = column k mod cols, row k div cols, pixels.md §5.2 step 5) and normalises them into
    /// [tiles, 3, tileSize, tileSize] float32 in one pass. An InternVL thumbnail, when present, is a separate image
    /// normalised into the slice that follows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, a side is not a multiple of the tile size, or the stride is shorter than a row.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeTilesToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride, int tileSize,
        in NormalizationConstants constants, Span<float> destination) =>
        Tiles(rgb24, width, height, srcStride, tileSize, constants, TensorElementType.Float32, ElementBytes(destination));

    /// <summary>The tiling variant for any element type, written as raw little-endian bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, a side is not a multiple of the tile size, the stride is shorter than a row, or the element type is unknown.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void NormalizeTilesToChw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride, int tileSize,
        in NormalizationConstants constants, TensorElementType elementType, Span<byte> destination) =>
        Tiles(rgb24, width, height, srcStride, tileSize, constants, elementType, destination);

    /// <summary>
    /// The Qwen2-VL <c>pixel_values</c> shape of one image: rows = (h/p)·(w/p) patches, columns = 3·tp·p·p
    /// (pixels.md §5.1; 1176 columns for p = 14, tp = 2).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a side is not a multiple of patchSize · mergeSize.</exception>
    public static (int Rows, int Columns) GetQwenPatchShape(int width, int height, int patchSize, int mergeSize, int temporalPatchSize)
    {
        CheckQwen(width, height, patchSize, mergeSize, temporalPatchSize);
        long rows = (long)(width / patchSize) * (height / patchSize);
        long columns = 3L * temporalPatchSize * patchSize * patchSize;
        ToLength(rows * columns, "patch matrix");
        return ((int)rows, (int)columns);
    }

    /// <summary>Elements the Qwen2-VL patch matrix of one image needs: rows · columns of <see cref="GetQwenPatchShape"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a side is not a multiple of patchSize · mergeSize.</exception>
    public static int GetQwenPatchBufferLength(int width, int height, int patchSize, int mergeSize, int temporalPatchSize)
    {
        (int rows, int columns) = GetQwenPatchShape(width, height, patchSize, mergeSize, temporalPatchSize);
        return rows * columns;
    }

    /// <summary>
    /// Writes the Qwen2-VL patch matrix of one already-resized, tightly packed RGB24 image (pixels.md §5.1):
    /// row = ((bh · gw/m + bw) · m + mh) · m + mw for the patch at grid row bh·m + mh and grid column bw·m + mw
    /// (each m×m merge block's patches consecutive, blocks in raster order); column = ((c · tp + tt) · p + py) · p + px;
    /// the tp temporal copies are identical because a single image is repeated tp times.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a side is not a multiple of patchSize · mergeSize.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenPatches(ReadOnlySpan<byte> rgb24, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, Span<float> destination) =>
        Qwen(rgb24, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.Float32, ElementBytes(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even binary16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a side is not a multiple of patchSize · mergeSize.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenPatches(ReadOnlySpan<byte> rgb24, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, Span<Half> destination) =>
        Qwen(rgb24, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.Float16, ElementBytes(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even bfloat16 (bits as <see cref="ushort"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a side is not a multiple of patchSize · mergeSize.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenPatchesBFloat16(ReadOnlySpan<byte> rgb24, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, Span<ushort> destination) =>
        Qwen(rgb24, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.BFloat16, ElementBytes(destination));

    /// <summary>The patch matrix for any element type, written as raw little-endian bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, a side is not a multiple of patchSize · mergeSize, or the element type is unknown.</exception>
    /// <exception cref="ArgumentException">The source or destination is too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenPatches(ReadOnlySpan<byte> rgb24, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, TensorElementType elementType, Span<byte> destination) =>
        Qwen(rgb24, width, height, patchSize, mergeSize, temporalPatchSize, constants, elementType, destination);

    /// <summary>
    /// The Qwen2-VL <c>pixel_values_videos</c> shape of <paramref name="frameCount"/> frames of one video: rows =
    /// ⌈frames / tp⌉ · (h/p) · (w/p) (the processor pads the last temporal group by repeating the last frame), columns =
    /// 3·tp·p·p. The row count equals <c>grid_t · grid_h · grid_w</c> of the video's plan.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, a side is not a multiple of patchSize · mergeSize,
    /// or the matrix would have more than <see cref="int.MaxValue"/> elements.</exception>
    public static (int Rows, int Columns) GetQwenVideoPatchShape(int frameCount, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize)
    {
        CheckPositive(frameCount, nameof(frameCount));
        (int frameRows, int columns) = GetQwenPatchShape(width, height, patchSize, mergeSize, temporalPatchSize);
        long groups = ((long)frameCount + temporalPatchSize - 1) / temporalPatchSize;
        long rows = groups * frameRows;
        ToLength(rows * columns, "video patch matrix", nameof(frameCount));
        return ((int)rows, columns);
    }

    /// <summary>Elements the Qwen2-VL patch matrix of a video needs: rows · columns of <see cref="GetQwenVideoPatchShape"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="GetQwenVideoPatchShape"/>.</exception>
    public static int GetQwenVideoPatchBufferLength(int frameCount, int width, int height, int patchSize, int mergeSize, int temporalPatchSize)
    {
        (int rows, int columns) = GetQwenVideoPatchShape(frameCount, width, height, patchSize, mergeSize, temporalPatchSize);
        return rows * columns;
    }

    /// <summary>
    /// Writes the Qwen2-VL <c>pixel_values_videos</c> matrix of one video's sampled frames, already resized to the plan's
    /// size (pixels.md §5.1 with T frames, strategies.md §1.6): <paramref name="frames"/> holds
    /// <paramref name="frameCount"/> tightly packed RGB24 frames back to back (3 · width · height bytes each, as a raw
    /// <c>rgb24</c> decoder pipe delivers them). Row = ((t · gh/m + bh) · gw/m + bw) · m² + mh · m + mw, column =
    /// ((c · tp + tt) · p + py) · p + px, value from frame t · tp + tt; when the count is not a multiple of tp the last
    /// frame stands in for the missing ones, as the processor's padding repeats it. One frame gives the same bytes as
    /// <see cref="WriteQwenPatches(ReadOnlySpan{byte}, int, int, int, int, int, in NormalizationConstants, Span{float})"/>.
    /// </summary>
    /// <remarks><para>Values are <c>((float)x / 255f − mean) / std</c>, the slow processor's rescale-then-normalise (pixels.md
    /// §4.2), which also served videos before transformers split off its torch video processor. That processor fuses the
    /// two steps (pixels.md §4.3) and can differ in the last bit; and upstream resizes frames with torchvision's
    /// antialiased bicubic, not Pillow, so bring frames resized the way your reference does.</para>
    /// <para>With a temporal patch of 3 or more and a count that leaves 2 or more frames in the last group, the slow processor
    /// pads up to a multiple of tp as here, while transformers' torch video processor appends exactly tp − 1 copies and its
    /// reshape then fails; with the released tp = 2 the rules agree.</para>
    /// <para>The matrix is group-major, so a long clip can be written in parts: runs of whole temporal groups (multiples of
    /// tp frames; only the last run may end short) into consecutive slices give the same bytes as one call. A single call
    /// writes at most 2 GB (one span of bytes).</para></remarks>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, a side is not a multiple of patchSize · mergeSize,
    /// or the matrix has more than <see cref="int.MaxValue"/> elements or bytes (write it in parts).</exception>
    /// <exception cref="ArgumentException">The frames or the destination are too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenVideoPatches(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, Span<float> destination) =>
        QwenVideo(frames, frameCount, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.Float32,
            ElementBytes(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even binary16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">As the float32 overload.</exception>
    /// <exception cref="ArgumentException">As the float32 overload.</exception>
    public static void WriteQwenVideoPatches(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, Span<Half> destination) =>
        QwenVideo(frames, frameCount, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.Float16,
            ElementBytes(destination));

    /// <summary>As the float32 overload, then each value rounded to nearest-even bfloat16 (bits as <see cref="ushort"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">As the float32 overload.</exception>
    /// <exception cref="ArgumentException">As the float32 overload.</exception>
    public static void WriteQwenVideoPatchesBFloat16(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int patchSize,
        int mergeSize, int temporalPatchSize, in NormalizationConstants constants, Span<ushort> destination) =>
        QwenVideo(frames, frameCount, width, height, patchSize, mergeSize, temporalPatchSize, constants, TensorElementType.BFloat16,
            ElementBytes(destination));

    /// <summary>As the float32 overload of <see cref="WriteQwenVideoPatches(ReadOnlySpan{byte}, int, int, int, int, int, int, in NormalizationConstants, Span{float})"/>,
    /// writing float32, float16 or bfloat16 values as raw little-endian bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, a side is not a multiple of patchSize · mergeSize,
    /// the matrix has more than <see cref="int.MaxValue"/> elements or bytes, or the element type is unknown.</exception>
    /// <exception cref="ArgumentException">The frames or the destination are too short, or the constants are <c>default</c>.</exception>
    public static void WriteQwenVideoPatches(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, TensorElementType elementType, Span<byte> destination) =>
        QwenVideo(frames, frameCount, width, height, patchSize, mergeSize, temporalPatchSize, constants, elementType, destination);

    /// <summary>A [tiles, 3, height, width] <see cref="TensorSpan{T}"/> over the first elements of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static TensorSpan<T> AsChwTensor<T>(Span<T> destination, int tiles, int height, int width)
    {
        CheckPositive(tiles, nameof(tiles));
        int length = ToLength((long)GetChwLength(width, height) * tiles, "N×C×H×W tensor");
        CheckDestination(destination.Length, length, nameof(destination));
        ReadOnlySpan<nint> shape = [tiles, 3, height, width];
        return new TensorSpan<T>(destination.Slice(0, length), shape);
    }

    /// <summary>A [rows, columns] <see cref="TensorSpan{T}"/> over the first elements of <paramref name="destination"/> (see <see cref="GetQwenPatchShape"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static TensorSpan<T> AsPatchTensor<T>(Span<T> destination, int rows, int columns)
    {
        CheckPositive(rows, nameof(rows));
        CheckPositive(columns, nameof(columns));
        int length = ToLength((long)rows * columns, "patch matrix");
        CheckDestination(destination.Length, length, nameof(destination));
        ReadOnlySpan<nint> shape = [rows, columns];
        return new TensorSpan<T>(destination.Slice(0, length), shape);
    }

    private static void Chw(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride, int x, int y,
        int regionWidth, int regionHeight, in NormalizationConstants constants, TensorElementType type,
        Span<byte> destination, string destinationName)
    {
        int size = type.SizeInBytes();
        CheckSource(rgb24, width, height, srcStride);
        CheckRegion(width, height, x, y, regionWidth, regionHeight);
        NormalizationTable table = Table(constants);
        long bytes = (long)GetChwLength(regionWidth, regionHeight) * size;
        CheckDestination(destination.Length, bytes, destinationName, size);
        bool simd = NormalizeKernels.UseSimd;
        float* scratch = stackalloc float[3 * NormalizeKernels.ChunkPixels];
        fixed (byte* src = rgb24)
        fixed (byte* dst = destination)
        {
            ChwBlock(src + (long)y * srcStride + 3L * x, srcStride, regionWidth, regionHeight, table, type, dst, scratch, simd);
        }
    }

    private static void ChwBlock(byte* src, int srcStride, int width, int height, NormalizationTable table,
        TensorElementType type, byte* dst, float* scratch, bool simd)
    {
        int size = type.SizeInBytes();
        long planeBytes = (long)width * height * size;
        for (int row = 0; row < height; row++)
        {
            byte* r = dst + (long)row * width * size;
            NormalizeKernels.Row(src + (long)row * srcStride, width, table, type, r, r + planeBytes, r + 2 * planeBytes, scratch, simd);
        }
    }

    private static void Tiles(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride, int tileSize,
        in NormalizationConstants constants, TensorElementType type, Span<byte> destination)
    {
        int size = type.SizeInBytes();
        CheckSource(rgb24, width, height, srcStride);
        CheckPositive(tileSize, nameof(tileSize));
        if (width % tileSize != 0 || height % tileSize != 0)
            throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, $"A {width}×{height} canvas is not a whole number of {tileSize}-pixel tiles.");
        NormalizationTable table = Table(constants);
        int cols = width / tileSize, rows = height / tileSize;
        long tileBytes = (long)GetChwLength(tileSize, tileSize) * size;
        CheckDestination(destination.Length, tileBytes * cols * rows, nameof(destination), size);
        bool simd = NormalizeKernels.UseSimd;
        float* scratch = stackalloc float[3 * NormalizeKernels.ChunkPixels];
        fixed (byte* src = rgb24)
        fixed (byte* dst = destination)
        {
            for (int k = 0; k < cols * rows; k++)
            {
                byte* tile = src + (long)(k / cols) * tileSize * srcStride + 3L * (k % cols) * tileSize;
                ChwBlock(tile, srcStride, tileSize, tileSize, table, type, dst + k * tileBytes, scratch, simd);
            }
        }
    }

    private static void Qwen(ReadOnlySpan<byte> rgb24, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, TensorElementType type, Span<byte> destination)
    {
        int size = type.SizeInBytes();
        (int rows, int columns) = GetQwenPatchShape(width, height, patchSize, mergeSize, temporalPatchSize);
        CheckSource(rgb24, width, height, 3 * width);
        NormalizationTable table = Table(constants);
        CheckDestination(destination.Length, (long)rows * columns * size, nameof(destination), size);

        if (NormalizeKernels.UseSimd && type == TensorElementType.Float32 && NormalizeKernels.CanRunQwenPatchesFloat32(patchSize))
        {
            fixed (byte* src = rgb24)
            fixed (byte* dst = destination)
            {
                NormalizeKernels.QwenPatchesFloat32(src, src + rgb24.Length, width, height, patchSize, mergeSize, temporalPatchSize,
                    table, (float*)dst, columns);
            }
            return;
        }
        // An image is a one-frame video: the processor repeats it into every temporal slot.
        QwenFrames(rgb24, 1, width, height, patchSize, mergeSize, temporalPatchSize, table, type, destination, columns);
    }

    private static void QwenVideo(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int patchSize, int mergeSize,
        int temporalPatchSize, in NormalizationConstants constants, TensorElementType type, Span<byte> destination)
    {
        int size = type.SizeInBytes();
        (int rows, int columns) = GetQwenVideoPatchShape(frameCount, width, height, patchSize, mergeSize, temporalPatchSize);
        CheckDestination(destination.Length, (long)rows * columns * size, nameof(destination), size);
        long frameBytes = 3L * width * height;
        if (frames.Length < frameBytes * frameCount)
            throw new ArgumentException($"{frameCount} RGB24 frames of {width}×{height} need {frameBytes * frameCount} bytes; the span holds {frames.Length}.",
                nameof(frames));
        NormalizationTable table = Table(constants);
        QwenFrames(frames, frameCount, width, height, patchSize, mergeSize, temporalPatchSize, table, type, destination, columns);
    }

    /// <summary>
    /// The patch rows of <paramref name="frameCount"/> validated frames (pixels.md §5.1): a strip (the p source rows of one
    /// patch row, a chunk of patches wide) is normalised into planes, then copied out p values at a time into each patch's
    /// row, once per frame of the temporal group, into that frame's tt block. Slots past the last frame repeat it, so they
    /// are copied from its block while that row is at hand (an image, one frame, is written in one pass). Sequential
    /// p-value copies keep this near the planar kernel's speed; scattering single values across rows was several times slower.
    /// </summary>
    private static void QwenFrames(ReadOnlySpan<byte> frames, int frameCount, int width, int height, int p, int m, int tp,
        NormalizationTable table, TensorElementType type, Span<byte> destination, int columns)
    {
        int size = type.SizeInBytes();
        bool simd = NormalizeKernels.UseSimd;
        int gw = width / p, gh = height / p, blocksPerRow = gw / m, groups = (frameCount + tp - 1) / tp;
        long stride = 3L * width, frameBytes = stride * height, groupRows = (long)gh * gw;
        int chunkPatches = Math.Max(1, NormalizeKernels.ChunkPixels / p);
        int chunkPixels = chunkPatches * p;
        int stripBytes = p * 3 * chunkPixels * size;
        float* scratch = stackalloc float[3 * NormalizeKernels.ChunkPixels];
        byte[]? rented = stripBytes > StackStripBytes ? ArrayPool<byte>.Shared.Rent(stripBytes) : null;
        Span<byte> stripSpan = rented is null ? stackalloc byte[stripBytes] : rented.AsSpan(0, stripBytes);
        long rowBytes = (long)p * size, blockBytes = (long)p * p * size, columnBytes = (long)columns * size;
        try
        {
            fixed (byte* src = frames)
            fixed (byte* dst = destination)
            fixed (byte* strip = stripSpan)
            {
                for (int t = 0; t < groups; t++)
                {
                    byte* groupOutput = dst + t * groupRows * columnBytes;
                    for (int gy = 0; gy < gh; gy++)
                    {
                        int bh = gy / m, mh = gy % m;
                        for (int gx0 = 0; gx0 < gw; gx0 += chunkPatches)
                        {
                            int n = Math.Min(chunkPatches, gw - gx0);
                            for (int tt = 0; tt < tp; tt++)
                            {
                                int frame = t * tp + tt;
                                if (frame >= frameCount) break; // filled as copies of the last frame below
                                int copies = frame == frameCount - 1 ? tp - 1 - tt : 0;
                                byte* frameStart = src + frame * frameBytes;
                                for (int py = 0; py < p; py++)
                                {
                                    byte* planes = strip + (long)py * 3 * chunkPixels * size;
                                    NormalizeKernels.Row(frameStart + (gy * p + py) * stride + 3L * gx0 * p, n * p, table, type,
                                        planes, planes + chunkPixels * size, planes + 2 * chunkPixels * size, scratch, simd);
                                }
                                for (int k = 0; k < n; k++)
                                {
                                    int gx = gx0 + k, bw = gx / m, mw = gx % m;
                                    long row = ((long)(bh * blocksPerRow + bw) * m + mh) * m + mw;
                                    byte* output = groupOutput + row * columnBytes;
                                    for (int c = 0; c < 3; c++)
                                    {
                                        byte* block = output + (c * tp + tt) * blockBytes;
                                        for (int py = 0; py < p; py++)
                                        {
                                            byte* segment = strip + (((long)py * 3 + c) * chunkPixels + (long)k * p) * size;
                                            Unsafe.CopyBlockUnaligned(block + py * rowBytes, segment, (uint)rowBytes);
                                        }
                                        for (int j = 1; j <= copies; j++)
                                            Unsafe.CopyBlockUnaligned(block + j * blockBytes, block, (uint)blockBytes);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static NormalizationTable Table(in NormalizationConstants constants)
    {
        // default(NormalizationConstants) bypasses the constructor's checks: its zero stds would divide by zero.
        if (!(constants.StdR > 0f && constants.StdG > 0f && constants.StdB > 0f))
            throw new ArgumentException("Normalization constants need positive standard deviations (default(NormalizationConstants) has none).", nameof(constants));
        return NormalizationTable.For(constants);
    }

    private static void CheckQwen(int width, int height, int patchSize, int mergeSize, int temporalPatchSize)
    {
        CheckPositive(width, nameof(width));
        CheckPositive(height, nameof(height));
        if (patchSize is < 1 or > MaxPatchSize)
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, $"Patch size must be 1..{MaxPatchSize}.");
        CheckPositive(mergeSize, nameof(mergeSize));
        CheckPositive(temporalPatchSize, nameof(temporalPatchSize));
        long factor = (long)patchSize * mergeSize;
        if (width % factor != 0 || height % factor != 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}×{height} image is not a multiple of patchSize·mergeSize = {factor} on both sides (resize it with smart_resize first).");
    }

    private static void CheckSource(ReadOnlySpan<byte> rgb24, int width, int height, int srcStride)
    {
        CheckPositive(width, nameof(width));
        CheckPositive(height, nameof(height));
        long row = 3L * width;
        if (srcStride < row)
            throw new ArgumentOutOfRangeException(nameof(srcStride), srcStride, $"Stride must be at least {row} bytes for {width} RGB24 pixels.");
        long needed = (long)srcStride * (height - 1) + row;
        if (rgb24.Length < needed)
            throw new ArgumentException($"A {width}×{height} RGB24 image with stride {srcStride} needs {needed} bytes; the span holds {rgb24.Length}.", nameof(rgb24));
    }

    private static void CheckRegion(int width, int height, int x, int y, int regionWidth, int regionHeight)
    {
        CheckPositive(regionWidth, nameof(regionWidth));
        CheckPositive(regionHeight, nameof(regionHeight));
        if (x < 0 || y < 0 || (long)x + regionWidth > width || (long)y + regionHeight > height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Region ({x}, {y}, {regionWidth}×{regionHeight}) does not lie inside the {width}×{height} image.");
    }

    private static void CheckDestination(int have, long needBytes, string name, int elementSize)
    {
        if (needBytes > int.MaxValue)
            throw new ArgumentOutOfRangeException(name, needBytes, $"The output needs {needBytes} bytes, more than one span holds "
                + $"({int.MaxValue}). Write it in parts: for a video, runs of whole temporal groups into consecutive slices.");
        if (have < needBytes)
            throw new ArgumentException($"The destination needs {needBytes / elementSize} elements; it holds {have / elementSize}.", name);
    }

    private static void CheckDestination(int have, int need, string name)
    {
        if (have < need)
            throw new ArgumentException($"The destination needs {need} elements; it holds {have}.", name);
    }

    private static void CheckPositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
    }

    private static int ToLength(long elements, string what, string parameter = "width")
    {
        if (elements > int.MaxValue)
            throw new ArgumentOutOfRangeException(parameter, elements, $"The {what} would have more than {int.MaxValue} elements.");
        return (int)elements;
    }

    /// <summary>The destination as bytes, at most the whole elements that fit one span of bytes (a float span of more than
    /// 536,870,911 elements cannot be viewed whole); the writers check the bytes they need against it.</summary>
    private static Span<byte> ElementBytes<T>(Span<T> destination) where T : unmanaged
    {
        int most = int.MaxValue / Unsafe.SizeOf<T>();
        return MemoryMarshal.AsBytes(destination.Length > most ? destination.Slice(0, most) : destination);
    }
}

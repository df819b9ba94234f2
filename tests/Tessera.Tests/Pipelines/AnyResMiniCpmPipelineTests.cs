using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Pipelines;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Pipelines;

/// <summary>
/// <see cref="LlavaNextPipeline"/> (LLaVA-NeXT v1.6 and LLaVA-OneVision single image) and <see cref="MiniCpmVPipeline"/>
/// against <c>tests/fixtures/pipelines/expected.jsonl</c>, bit for bit: the decoded image, the geometry, the SHA-256 of
/// every intermediate 8-bit image (base/overview, resized, padded canvas, refine image, each slice) and of the float32
/// output, through the SIMD and the scalar normalisation kernels.
/// </summary>
/// <remarks>
/// <b>These fixtures are not upstream outputs.</b> No golden exists for these pixels, and transformers / the MiniCPM-V
/// remote code are not installed here, so <c>make_pipeline_fixtures.py</c> re-states each processor's steps with Pillow
/// 9.4 and numpy (each step citing the upstream function it re-states) and hashes the results. They pin Tessera to that
/// restatement; a misreading of upstream shared by the restatement and the C# would not be caught here.
/// </remarks>
public sealed class AnyResMiniCpmPipelineTests
{
    private static readonly Lazy<List<JsonElement>> Lines = new(() =>
        File.ReadLines(Paths.Fixture("pipelines", "expected.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList());

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (JsonElement line in Lines.Value)
            data.Add(line.GetProperty("pipeline").GetString()!, line.GetProperty("image").GetString()!);
        return data;
    }

    [Fact]
    public void The_fixture_file_covers_every_pipeline_on_four_images() =>
        // tests/fixtures/pipelines/make_pipeline_fixtures.py: IMAGES has four entries, each run through three pipelines.
        Assert.Equal(12, Lines.Value.Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pipeline_matches_the_fixture_bit_for_bit(string pipeline, string image)
    {
        JsonElement line = Lines.Value.Single(l => l.GetProperty("pipeline").GetString() == pipeline && l.GetProperty("image").GetString() == image);
        DecodedImage decoded = ImageLoader.Load(Paths.Corpus(image), LoaderPreset.TransformersLoadImage);
        Assert.Equal(PixelFormat.Rgb24, decoded.Format);
        Assert.Equal(Str(line, "sha256_decoded"), Sha(decoded.Pixels));

        foreach (KernelPath path in new[] { KernelPath.Auto, KernelPath.Scalar })
        {
            NormalizeKernels.Path = path;
            try
            {
                if (pipeline == "minicpmv") CheckMiniCpm(line, decoded);
                else CheckAnyRes(line, decoded, pipeline == "llava_onevision");
            }
            finally
            {
                NormalizeKernels.Path = KernelPath.Auto;
            }
        }
    }

    private static void CheckAnyRes(JsonElement line, DecodedImage decoded, bool oneVision)
    {
        var pipeline = oneVision ? new LlavaNextPipeline(LlavaOneVisionOptions.Checkpoint) : new LlavaNextPipeline(LlavaNextOptions.V16);
        var workspace = new PipelineWorkspace();
        AnyResPlan plan = pipeline.Plan(decoded.Width, decoded.Height);
        float[] output = new float[pipeline.GetOutputLength(plan)];
        pipeline.Run(decoded.View, output, workspace);

        Assert.Equal(Ints(line, "canvas_hw"), new[] { plan.Canvas.Height, plan.Canvas.Width });
        Assert.Equal(Ints(line, "resized_wh"), new[] { (int)plan.ResizedWidth, (int)plan.ResizedHeight });
        var (left, top) = LlavaNextPipeline.GetPadding(plan);
        Assert.Equal(Ints(line, "pad_left_top"), new[] { left, top });
        var (views, channels, height, width) = pipeline.GetOutputShape(plan);
        Assert.Equal(Ints(line, "shape"), new[] { views, channels, height, width });

        Assert.Equal(Str(line, "sha256_base"), Sha(workspace.Overview));
        Assert.Equal(Str(line, "sha256_padded"), Sha(workspace.Canvas));
        Assert.Equal(Str(line, "sha256_resized"),
            Sha(Crop(workspace.Canvas, workspace.CanvasWidth, left, top, (int)plan.ResizedWidth, (int)plan.ResizedHeight)));
        Assert.Equal(Str(line, "sha256_output"), Sha(MemoryMarshal.AsBytes(output.AsSpan())));
    }

    private static void CheckMiniCpm(JsonElement line, DecodedImage decoded)
    {
        var pipeline = new MiniCpmVPipeline(MiniCpmVOptions.MiniCpmV26);
        var workspace = new PipelineWorkspace();
        MiniCpmVPlan plan = pipeline.Plan(decoded.Width, decoded.Height);
        float[] output = new float[pipeline.GetOutputLength(plan)];
        pipeline.Run(decoded.View, output, workspace);

        Assert.Equal(Ints(line, "grid"), new[] { plan.Grid.Columns, plan.Grid.Rows });
        Assert.Equal(Ints(line, "source_wh"), new[] { workspace.OverviewWidth, workspace.OverviewHeight });
        Assert.Equal(Ints(line, "refine_wh"), new[] { workspace.CanvasWidth, workspace.CanvasHeight });
        Assert.Equal(Str(line, "sha256_source"), Sha(workspace.Overview));
        JsonElement refine = line.GetProperty("sha256_refine");
        if (refine.ValueKind == JsonValueKind.Null) Assert.False(plan.IsSliced);
        else Assert.Equal(refine.GetString(), Sha(workspace.Canvas));

        string[] slices = line.GetProperty("sha256_slices").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(slices.Length, plan.NumSlices);
        for (int k = 0; k < slices.Length; k++)
        {
            PixelBox box = MiniCpmVSlicing.SliceBox(plan, k);
            Assert.Equal(slices[k], Sha(Crop(workspace.Canvas, workspace.CanvasWidth, (int)box.X, (int)box.Y, (int)box.Width, (int)box.Height)));
        }

        JsonElement[] shapes = line.GetProperty("view_shapes").EnumerateArray().ToArray();
        JsonElement[] targets = line.GetProperty("tgt_sizes").EnumerateArray().ToArray();
        Assert.Equal(shapes.Length, plan.NumImages);
        int offset = 0;
        for (int v = 0; v < plan.NumImages; v++)
        {
            var (c, p, columns) = pipeline.GetViewShape(plan, v);
            Assert.Equal(shapes[v].EnumerateArray().Select(e => e.GetInt32()), new[] { c, p, columns });
            var (rows, cols) = pipeline.GetTargetSize(plan, v);
            Assert.Equal(targets[v].EnumerateArray().Select(e => e.GetInt32()), new[] { rows, cols });
            Assert.Equal(offset, pipeline.GetViewOffset(plan, v));
            offset += pipeline.GetViewLength(plan, v);
        }
        Assert.Equal(output.Length, offset);
        Assert.Equal(Str(line, "sha256_output"), Sha(MemoryMarshal.AsBytes(output.AsSpan())));
    }

    [Fact]
    public void Patch_rows_are_the_planar_tensor_with_rows_reordered_as_unfold_orders_them()
    {
        // Slicing off: the one view is the image as given (28×28 = 2×2 patches of 14), no resize. reshape_by_patch gives
        // [c, ki, l·p + kj] = pixel(c, bh·p + ki, bw·p + kj) with l = bh·(W/p) + bw (image_processing_minicpmv.py).
        DecodedImage decoded = ImageLoader.Load(Paths.Corpus("p_tiny_28x28.jpg"), LoaderPreset.TransformersLoadImage);
        var options = new MiniCpmVOptions(sliceMode: false);
        var pipeline = new MiniCpmVPipeline(options);
        MiniCpmVPlan plan = pipeline.Plan(decoded.Width, decoded.Height);
        float[] output = new float[pipeline.GetOutputLength(plan)];
        pipeline.Run(decoded.View, output, new PipelineWorkspace());

        int w = decoded.Width, h = decoded.Height, p = options.PatchSize, wp = w / p;
        float[] chw = new float[3 * w * h];
        PixelTensors.NormalizeToChw(decoded.Pixels, w, h, w * 3, NormalizationConstants.SigLip, chw);
        int lp = (h / p) * wp * p;
        for (int c = 0; c < 3; c++)
            for (int ki = 0; ki < p; ki++)
                for (int l = 0; l < (h / p) * wp; l++)
                    for (int kj = 0; kj < p; kj++)
                    {
                        int bh = l / wp, bw = l % wp;
                        float expected = chw[(c * h + bh * p + ki) * w + bw * p + kj];
                        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(output[(c * p + ki) * lp + l * p + kj]));
                    }
    }

    [Fact]
    public void Slicing_off_keeps_only_whole_patches()
    {
        // unfold drops the partial patch: a 40×30 image gives 2×2 patches of 14 (tgt_sizes row (30 // 14, 40 // 14)).
        byte[] pixels = Enumerable.Range(0, 40 * 30 * 3).Select(i => (byte)(i * 7)).ToArray();
        var pipeline = new MiniCpmVPipeline(new MiniCpmVOptions(sliceMode: false));
        MiniCpmVPlan plan = pipeline.Plan(40, 30);
        Assert.Equal((2, 2), pipeline.GetTargetSize(plan, 0));
        float[] output = new float[pipeline.GetOutputLength(plan)];
        Assert.Equal(3 * 28 * 28, output.Length);
        pipeline.Run(new ImageView(pixels, 40, 30, PixelFormat.Rgb24), output, new PipelineWorkspace());
        // Element [0, 0, 14] is patch l = 1 (bh 0, bw 1), ki = kj = 0: pixel (x 14, y 0), red.
        Assert.Equal(NormalizationConstants.SigLip.Normalize(0, pixels[14 * 3]), output[14]);
    }

    [Fact]
    public void Half_precision_outputs_are_the_float32_values_rounded()
    {
        DecodedImage decoded = ImageLoader.Load(Paths.Corpus("p_ladybug_crop_252x236.jpg"), LoaderPreset.TransformersLoadImage);
        var llava = new LlavaNextPipeline(LlavaNextOptions.V16);
        var minicpm = new MiniCpmVPipeline(MiniCpmVOptions.MiniCpmV26);
        var workspace = new PipelineWorkspace();

        int n = llava.GetOutputLength(llava.Plan(decoded.Width, decoded.Height));
        float[] single = new float[n];
        Half[] half = new Half[n];
        ushort[] bf16 = new ushort[n];
        llava.Run(decoded.View, single, workspace);
        llava.Run(decoded.View, TensorElementType.Float16, MemoryMarshal.AsBytes(half.AsSpan()), workspace);
        llava.Run(decoded.View, TensorElementType.BFloat16, MemoryMarshal.AsBytes(bf16.AsSpan()), workspace);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal((Half)single[i], half[i]);
            Assert.Equal(BFloat16Bits.FromSingle(single[i]), bf16[i]);
        }

        n = minicpm.GetOutputLength(minicpm.Plan(decoded.Width, decoded.Height));
        single = new float[n];
        half = new Half[n];
        minicpm.Run(decoded.View, single, workspace);
        minicpm.Run(decoded.View, TensorElementType.Float16, MemoryMarshal.AsBytes(half.AsSpan()), workspace);
        for (int i = 0; i < n; i++)
            Assert.Equal((Half)single[i], half[i]);
    }

    [Fact]
    public void A_second_run_on_the_same_image_allocates_nothing()
    {
        DecodedImage decoded = ImageLoader.Load(Paths.Corpus("p_rocket_444.jpg"), LoaderPreset.TransformersLoadImage);
        var next = new LlavaNextPipeline(LlavaNextOptions.V16);
        var oneVision = new LlavaNextPipeline(LlavaOneVisionOptions.Checkpoint);
        var minicpm = new MiniCpmVPipeline(MiniCpmVOptions.MiniCpmV26);
        float[] a = new float[next.GetOutputLength(next.Plan(decoded.Width, decoded.Height))];
        float[] b = new float[oneVision.GetOutputLength(oneVision.Plan(decoded.Width, decoded.Height))];
        float[] c = new float[minicpm.GetOutputLength(minicpm.Plan(decoded.Width, decoded.Height))];
        var wa = new PipelineWorkspace();
        var wb = new PipelineWorkspace();
        var wc = new PipelineWorkspace();
        next.Run(decoded.View, a, wa);
        oneVision.Run(decoded.View, b, wb);
        minicpm.Run(decoded.View, c, wc);

        long before = GC.GetAllocatedBytesForCurrentThread();
        next.Run(decoded.View, a, wa);
        long afterNext = GC.GetAllocatedBytesForCurrentThread();
        oneVision.Run(decoded.View, b, wb);
        long afterOneVision = GC.GetAllocatedBytesForCurrentThread();
        minicpm.Run(decoded.View, c, wc);
        long afterMiniCpm = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, afterNext - before);
        Assert.Equal(0, afterOneVision - afterNext);
        Assert.Equal(0, afterMiniCpm - afterOneVision);
    }

    [Fact]
    public void Bad_input_gets_typed_errors()
    {
        byte[] pixels = new byte[7 * 13 * 3];
        var next = new LlavaNextPipeline(LlavaNextOptions.V16);
        var minicpm = new MiniCpmVPipeline(MiniCpmVOptions.MiniCpmV26);
        float[] big = new float[next.GetOutputLength(next.Plan(7, 13))];

        Assert.Throws<ArgumentNullException>(() => new LlavaNextPipeline((LlavaNextOptions)null!));
        Assert.Throws<ArgumentNullException>(() => new LlavaNextPipeline((LlavaOneVisionOptions)null!));
        Assert.Throws<ArgumentException>(() => new LlavaNextPipeline(LlavaNextOptions.V16, default(NormalizationConstants)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlavaNextPipeline(LlavaNextOptions.V16, null, (ResampleFilter)99));
        Assert.Throws<ArgumentException>(() => new MiniCpmVPipeline(MiniCpmVOptions.MiniCpmV26, default(NormalizationConstants)));
        Assert.Equal(PlanError.InvalidConfiguration,
            Assert.Throws<PlanException>(() => new MiniCpmVPipeline(new MiniCpmVOptions(maxSliceNums: 0))).Error);

        Assert.Throws<ArgumentNullException>(() => next.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), big, null!));
        Assert.Throws<ArgumentNullException>(() => minicpm.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), big, null!));
        var ex = Assert.Throws<ArgumentException>(() => next.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), big.AsSpan(0, big.Length - 1), new PipelineWorkspace()));
        Assert.Equal("destination", ex.ParamName);
        int needed = minicpm.GetOutputLength(minicpm.Plan(7, 13));
        ex = Assert.Throws<ArgumentException>(() => minicpm.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), new float[needed - 1], new PipelineWorkspace()));
        Assert.Equal("destination", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            next.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), (TensorElementType)42, new byte[big.Length * 4], new PipelineWorkspace()));

        // Slicing off: the image is not resized, and 7×13 holds no whole 14-px patch (upstream's reshape fails).
        var unsliced = new MiniCpmVPipeline(new MiniCpmVOptions(sliceMode: false));
        Assert.Equal(PlanError.InvalidSize, Assert.Throws<PlanException>(() =>
            unsliced.Run(new ImageView(pixels, 7, 13, PixelFormat.Rgb24), big, new PipelineWorkspace())).Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => MiniCpmVPipeline.GetViewSize(minicpm.Plan(7, 13), 1));
    }

    private static string Str(JsonElement line, string name) => line.GetProperty(name).GetString()!;

    private static int[] Ints(JsonElement line, string name) => line.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static string Sha(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static byte[] Crop(ReadOnlySpan<byte> rgb, int width, int x, int y, int w, int h)
    {
        byte[] crop = new byte[w * h * 3];
        for (int row = 0; row < h; row++)
            rgb.Slice(((y + row) * width + x) * 3, w * 3).CopyTo(crop.AsSpan(row * w * 3));
        return crop;
    }
}

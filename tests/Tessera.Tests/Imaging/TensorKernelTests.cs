using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Tessera.Imaging.Tensors;
using Xunit;

namespace Tessera.Tests.Imaging;

public class TensorKernelTests
{
    // Every loop the kernels have; on hardware without AVX2 (or under DOTNET_EnableHWIntrinsic=0) the vector
    // ones fall back to what that hardware runs, which is then what gets tested.
    private static readonly KernelPath[] s_paths = Enum.GetValues<KernelPath>();

    private static T OnPath<T>(KernelPath path, Func<T> run)
    {
        KernelPath old = NormalizeKernels.Path;
        NormalizeKernels.Path = path;
        try { return run(); }
        finally { NormalizeKernels.Path = old; }
    }

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();

    private static ushort[] HalfBits(float[] reference) => reference.Select(f => BitConverter.HalfToUInt16Bits((Half)f)).ToArray();

    private static ushort[] BFloatBits(float[] reference) => reference.Select(TensorReference.BFloat16).ToArray();

    /// <summary>Runs the CHW region kernel in all three element types on one path and checks each against the reference.</summary>
    private static void CheckChw(byte[] rgb, int width, int height, int stride, int x, int y, int w, int h, NormalizationConstants c, KernelPath path)
    {
        float[] reference = TensorReference.Chw(rgb, stride, x, y, w, h, c);
        var f32 = new float[reference.Length];
        var f16 = new Half[reference.Length];
        var bf16 = new ushort[reference.Length];
        OnPath(path, () =>
        {
            if (x == 0 && y == 0 && w == width && h == height)
            {
                PixelTensors.NormalizeToChw(rgb, width, height, stride, c, f32);
                PixelTensors.NormalizeToChw(rgb, width, height, stride, c, f16);
                PixelTensors.NormalizeToChwBFloat16(rgb, width, height, stride, c, bf16);
            }
            else
            {
                PixelTensors.NormalizeRegionToChw(rgb, width, height, stride, x, y, w, h, c, f32);
                PixelTensors.NormalizeRegionToChw(rgb, width, height, stride, x, y, w, h, c, TensorElementType.Float16, MemoryMarshal.AsBytes(f16.AsSpan()));
                PixelTensors.NormalizeRegionToChw(rgb, width, height, stride, x, y, w, h, c, TensorElementType.BFloat16, MemoryMarshal.AsBytes(bf16.AsSpan()));
            }
            return 0;
        });
        Assert.Equal(Bits(reference), Bits(f32));
        Assert.Equal(HalfBits(reference), f16.Select(BitConverter.HalfToUInt16Bits).ToArray());
        Assert.Equal(BFloatBits(reference), bf16);
    }

    [Fact]
    public void PresetsHoldTheFloat32BitsOfPixelsMdSection41()
    {
        // Expected bit patterns: the hex column of the table in ../shared/docs/pixels.md §4.1.
        NormalizationConstants clip = NormalizationConstants.OpenAiClip, imageNet = NormalizationConstants.ImageNet;
        uint[] clipBits = [0x3ef6813a, 0x3eea685e, 0x3ed100ff, 0x3e8989d0, 0x3e85c974, 0x3e8d32a8];
        uint[] imageNetBits = [0x3ef851ec, 0x3ee978d5, 0x3ecfdf3b, 0x3e6a7efa, 0x3e656042, 0x3e666666];
        Assert.Equal(clipBits, Bits([clip.MeanR, clip.MeanG, clip.MeanB, clip.StdR, clip.StdG, clip.StdB]));
        Assert.Equal(imageNetBits, Bits([imageNet.MeanR, imageNet.MeanG, imageNet.MeanB, imageNet.StdR, imageNet.StdG, imageNet.StdB]));
        Assert.All(new[] { 0, 1, 2 }, ch =>
        {
            Assert.Equal(0.5f, NormalizationConstants.SigLip.Mean(ch));
            Assert.Equal(0.5f, NormalizationConstants.SigLip.Std(ch));
        });
    }

    [Fact]
    public void EveryByteOfEveryChannelOfEveryPresetMatchesTheScalarFormulaOnBothPaths()
    {
        // 256 pixels (v, 255 − v, v ^ 0x5A): every channel sees all 256 values; the second row is the same, shifted.
        const int width = 256, height = 2;
        var rgb = new byte[3 * width * height];
        for (int y = 0; y < height; y++)
            for (int v = 0; v < 256; v++)
            {
                int x = (v + 37 * y) % 256, at = 3 * (y * width + x);
                rgb[at] = (byte)v;
                rgb[at + 1] = (byte)(255 - v);
                rgb[at + 2] = (byte)(v ^ 0x5A);
            }
        foreach (NormalizationConstants c in TensorReference.Presets)
            foreach (KernelPath path in s_paths)
                CheckChw(rgb, width, height, 3 * width, 0, 0, width, height, c, path);
    }

    [Fact]
    public void TheTableHoldsTheFormulaForAll768InputsAndIsOneToOnePerChannel()
    {
        foreach (NormalizationConstants c in TensorReference.Presets)
        {
            NormalizationTable table = NormalizationTable.For(c);
            for (int ch = 0; ch < 3; ch++)
            {
                for (int x = 0; x < 256; x++)
                {
                    float r = TensorReference.Normalize((byte)x, ch, c);
                    Assert.Equal(BitConverter.SingleToUInt32Bits(r), BitConverter.SingleToUInt32Bits(table.Float32[ch * 256 + x]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(r), BitConverter.SingleToUInt32Bits(c.Normalize(ch, (byte)x)));
                }
                Assert.Equal(256, table.Float32.Skip(ch * 256).Take(256).Distinct().Count());
            }
        }
    }

    [Fact]
    public void WidthsOneTo67WithTightAndOddStridesMatchTheReferenceOnBothPaths()
    {
        foreach (NormalizationConstants c in TensorReference.Presets)
        {
            for (int width = 1; width <= 67; width++)
            {
                foreach (int pad in new[] { 0, 1, 5 })
                {
                    int stride = 3 * width + pad, height = 3;
                    byte[] rgb = TensorReference.RandomBytes(stride * (height - 1) + 3 * width, width * 7 + pad);
                    foreach (KernelPath path in s_paths)
                        CheckChw(rgb, width, height, stride, 0, 0, width, height, c, path);
                }
            }
        }
    }

    [Fact]
    public void SimdAndScalarPathsGiveIdenticalBitsOnALargeImage()
    {
        const int width = 333, height = 17, stride = 3 * width + 7;
        byte[] rgb = TensorReference.RandomBytes(stride * height, 99);
        int n = PixelTensors.GetChwLength(width, height);
        foreach (TensorElementType type in Enum.GetValues<TensorElementType>())
        {
            byte[][] outputs = s_paths.Select(path => OnPath(path, () =>
            {
                var d = new byte[n * type.SizeInBytes()];
                PixelTensors.NormalizeToChw(rgb, width, height, stride, NormalizationConstants.OpenAiClip, type, d);
                return d;
            })).ToArray();
            Assert.All(outputs, o => Assert.Equal(outputs[0], o));
        }
    }

    [Theory]
    [InlineData(0, 0, 70, 45)]
    [InlineData(7, 3, 33, 21)]
    [InlineData(69, 44, 1, 1)]
    [InlineData(1, 0, 69, 45)]
    [InlineData(50, 10, 20, 35)]
    public void RegionsOfALargerImageMatchTheReference(int x, int y, int w, int h)
    {
        const int width = 70, height = 45, stride = 3 * width + 3;
        byte[] rgb = TensorReference.RandomBytes(stride * height, x * 31 + y);
        foreach (KernelPath path in s_paths)
            CheckChw(rgb, width, height, stride, x, y, w, h, NormalizationConstants.ImageNet, path);
    }

    [Fact]
    public void TilesAreRowMajorCropsNormalisedInPlace()
    {
        const int tile = 32, cols = 3, rows = 2, width = tile * cols, height = tile * rows, stride = 3 * width + 1;
        byte[] rgb = TensorReference.RandomBytes(stride * height, 5);
        NormalizationConstants c = NormalizationConstants.ImageNet;
        float[] expected = Enumerable.Range(0, cols * rows)
            .SelectMany(k => TensorReference.Chw(rgb, stride, (k % cols) * tile, (k / cols) * tile, tile, tile, c)).ToArray();
        foreach (KernelPath path in s_paths)
        {
            var f32 = new float[expected.Length];
            var bf16 = new ushort[expected.Length];
            OnPath(path, () =>
            {
                PixelTensors.NormalizeTilesToChw(rgb, width, height, stride, tile, c, f32);
                PixelTensors.NormalizeTilesToChw(rgb, width, height, stride, tile, c, TensorElementType.BFloat16, MemoryMarshal.AsBytes(bf16.AsSpan()));
                return 0;
            });
            Assert.Equal(Bits(expected), Bits(f32));
            Assert.Equal(BFloatBits(expected), bf16);
        }
    }

    [Theory]
    [InlineData(28, 28, 14, 2, 2)]
    [InlineData(56, 84, 14, 2, 2)]
    [InlineData(364, 56, 14, 2, 2)] // 26 patches per row: crosses the 18-patch chunk boundary
    [InlineData(64, 32, 16, 2, 2)]
    [InlineData(24, 16, 8, 1, 1)] // shortest patch row of the direct float32 kernel
    [InlineData(60, 40, 10, 2, 3)] // its overlapping tail vector, three temporal copies
    [InlineData(15, 9, 3, 1, 1)]
    [InlineData(30, 45, 5, 3, 3)]
    [InlineData(600, 300, 300, 1, 1)] // patch wider than a chunk
    public void QwenPatchesFollowTheIndexFormulaOfSection51(int width, int height, int p, int m, int tp)
    {
        byte[] rgb = TensorReference.RandomBytes(3 * width * height, width + height);
        NormalizationConstants c = NormalizationConstants.OpenAiClip;
        float[] expected = TensorReference.QwenPatches(rgb, width, height, p, m, tp, c);
        (int rows, int columns) = PixelTensors.GetQwenPatchShape(width, height, p, m, tp);
        Assert.Equal(((width / p) * (height / p), 3 * tp * p * p), (rows, columns));
        Assert.Equal(expected.Length, PixelTensors.GetQwenPatchBufferLength(width, height, p, m, tp));
        foreach (KernelPath path in s_paths)
        {
            var f32 = new float[expected.Length + 3];
            var f16 = new Half[expected.Length];
            var bf16 = new ushort[expected.Length];
            f32.AsSpan(expected.Length).Fill(-7f);
            OnPath(path, () =>
            {
                PixelTensors.WriteQwenPatches(rgb, width, height, p, m, tp, c, f32);
                PixelTensors.WriteQwenPatches(rgb, width, height, p, m, tp, c, f16);
                PixelTensors.WriteQwenPatchesBFloat16(rgb, width, height, p, m, tp, c, bf16);
                return 0;
            });
            Assert.Equal(Bits(expected), Bits(f32[..expected.Length]));
            Assert.Equal([-7f, -7f, -7f], f32[expected.Length..]); // nothing written past the matrix
            Assert.Equal(HalfBits(expected), f16.Select(BitConverter.HalfToUInt16Bits).ToArray());
            Assert.Equal(BFloatBits(expected), bf16);
        }
    }

    [Theory]
    [InlineData(1, 28, 28, 14, 2, 2)]
    [InlineData(2, 56, 84, 14, 2, 2)]
    [InlineData(3, 56, 28, 14, 2, 2)] // odd count: the last frame pads the second group
    [InlineData(5, 364, 28, 14, 2, 2)] // crosses the 18-patch chunk boundary, padded last group
    [InlineData(7, 60, 40, 10, 2, 3)] // three frames per group, two padding copies
    [InlineData(4, 30, 45, 5, 3, 1)]
    [InlineData(2, 600, 300, 300, 1, 2)] // patch wider than a chunk
    public void QwenVideoPatchesFollowTheIndexFormulaWithFramePadding(int frameCount, int width, int height, int p, int m, int tp)
    {
        byte[] frames = TensorReference.RandomBytes(3 * width * height * frameCount, frameCount * 31 + width);
        NormalizationConstants c = NormalizationConstants.OpenAiClip;
        float[] expected = TensorReference.QwenVideoPatches(frames, frameCount, width, height, p, m, tp, c);
        (int rows, int columns) = PixelTensors.GetQwenVideoPatchShape(frameCount, width, height, p, m, tp);
        Assert.Equal(((frameCount + tp - 1) / tp * (width / p) * (height / p), 3 * tp * p * p), (rows, columns));
        Assert.Equal(expected.Length, PixelTensors.GetQwenVideoPatchBufferLength(frameCount, width, height, p, m, tp));
        foreach (KernelPath path in s_paths)
        {
            var f32 = new float[expected.Length + 3];
            var f16 = new byte[expected.Length * 2];
            var bf16 = new byte[expected.Length * 2];
            f32.AsSpan(expected.Length).Fill(-7f);
            OnPath(path, () =>
            {
                PixelTensors.WriteQwenVideoPatches(frames, frameCount, width, height, p, m, tp, c, f32);
                PixelTensors.WriteQwenVideoPatches(frames, frameCount, width, height, p, m, tp, c, TensorElementType.Float16, f16);
                PixelTensors.WriteQwenVideoPatches(frames, frameCount, width, height, p, m, tp, c, TensorElementType.BFloat16, bf16);
                return 0;
            });
            Assert.Equal(Bits(expected), Bits(f32[..expected.Length]));
            Assert.Equal([-7f, -7f, -7f], f32[expected.Length..]);
            Assert.Equal(HalfBits(expected), MemoryMarshal.Cast<byte, ushort>(f16).ToArray());
            Assert.Equal(BFloatBits(expected), MemoryMarshal.Cast<byte, ushort>(bf16).ToArray());
        }
    }

    [Theory]
    [InlineData(TensorElementType.Float32)]
    [InlineData(TensorElementType.Float16)]
    [InlineData(TensorElementType.BFloat16)]
    public void OneVideoFrameIsTheImageMatrix(TensorElementType type)
    {
        // pixels.md §5.1: an image is one frame padded to tp copies, so both writers must give the same bytes.
        byte[] rgb = TensorReference.RandomBytes(3 * 364 * 56, 5);
        int length = PixelTensors.GetQwenPatchBufferLength(364, 56, 14, 2, 2) * type.SizeInBytes();
        Assert.Equal(length, PixelTensors.GetQwenVideoPatchBufferLength(1, 364, 56, 14, 2, 2) * type.SizeInBytes());
        var image = new byte[length];
        var video = new byte[length];
        PixelTensors.WriteQwenPatches(rgb, 364, 56, 14, 2, 2, NormalizationConstants.OpenAiClip, type, image);
        PixelTensors.WriteQwenVideoPatches(rgb, 1, 364, 56, 14, 2, 2, NormalizationConstants.OpenAiClip, type, video);
        Assert.Equal(image, video);
    }

    [Fact]
    public void VideoPatchesAllocateNothingAndRejectBadInput()
    {
        var c = NormalizationConstants.OpenAiClip;
        byte[] frames = TensorReference.RandomBytes(3 * 56 * 28 * 3, 9);
        var dst = new float[PixelTensors.GetQwenVideoPatchBufferLength(3, 56, 28, 14, 2, 2)];
        PixelTensors.WriteQwenVideoPatches(frames, 3, 56, 28, 14, 2, 2, c, dst);
        long before = GC.GetAllocatedBytesForCurrentThread();
        PixelTensors.WriteQwenVideoPatches(frames, 3, 56, 28, 14, 2, 2, c, dst);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.WriteQwenVideoPatches(frames, 0, 56, 28, 14, 2, 2, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.WriteQwenVideoPatches(frames, 3, 42, 28, 14, 2, 2, c, dst));
        Assert.Throws<ArgumentException>(() => PixelTensors.WriteQwenVideoPatches(frames, 4, 56, 28, 14, 2, 2, c, new float[dst.Length * 2]));
        Assert.Throws<ArgumentException>(() => PixelTensors.WriteQwenVideoPatches(frames, 3, 56, 28, 14, 2, 2, c, dst.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => PixelTensors.WriteQwenVideoPatches(frames, 3, 56, 28, 14, 2, 2, default, dst));
        Assert.Equal("frameCount", Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.GetQwenVideoPatchShape(int.MaxValue, 56, 28, 14, 2, 2)).ParamName);
        // 400 000 frames of 28×28: 940.8 million float32 values fit an int count but not one span of bytes.
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() =>
            PixelTensors.WriteQwenVideoPatches([], 400_000, 28, 28, 14, 2, 2, c, TensorElementType.Float32, []));
        Assert.Contains("in parts", tooBig.Message);
    }

    [Theory]
    [InlineData(7, 2)]
    [InlineData(8, 2)]
    [InlineData(7, 3)]
    public void VideoPatchesWrittenInRunsOfWholeGroupsEqualOneCall(int frameCount, int tp)
    {
        // The remarks' promise: the matrix is group-major, so runs of whole temporal groups into consecutive slices concatenate.
        var c = NormalizationConstants.OpenAiClip;
        const int width = 56, height = 28, frameBytes = 3 * width * height;
        byte[] frames = TensorReference.RandomBytes(frameBytes * frameCount, frameCount + tp);
        var whole = new Half[PixelTensors.GetQwenVideoPatchBufferLength(frameCount, width, height, 14, 2, tp)];
        PixelTensors.WriteQwenVideoPatches(frames, frameCount, width, height, 14, 2, tp, c, whole);
        var parts = new Half[whole.Length];
        int written = 0;
        for (int first = 0; first < frameCount; first += 2 * tp)
        {
            int count = Math.Min(2 * tp, frameCount - first);
            int length = PixelTensors.GetQwenVideoPatchBufferLength(count, width, height, 14, 2, tp);
            PixelTensors.WriteQwenVideoPatches(frames.AsSpan(first * frameBytes), count, width, height, 14, 2, tp, c, parts.AsSpan(written, length));
            written += length;
        }
        Assert.Equal(whole.Length, written);
        Assert.Equal(whole, parts);
        var bf16 = new ushort[whole.Length];
        PixelTensors.WriteQwenVideoPatchesBFloat16(frames, frameCount, width, height, 14, 2, tp, c, bf16);
        var reference = TensorReference.QwenVideoPatches(frames, frameCount, width, height, 14, 2, tp, c);
        Assert.Equal(BFloatBits(reference), bf16);
    }

    [Fact]
    public void CustomConstantsNormaliseExactlyToo()
    {
        var c = new NormalizationConstants((float)0.1, (float)0.9, (float)0.333, (float)0.7, (float)0.05, (float)1.5);
        byte[] rgb = TensorReference.RandomBytes(3 * 40 * 5, 3);
        foreach (KernelPath path in s_paths)
            CheckChw(rgb, 40, 5, 120, 0, 0, 40, 5, c, path);
    }

    [Fact]
    public void BFloat16RoundsToNearestEvenAndKeepsNaN()
    {
        Assert.Equal((ushort)0x3F80, BFloat16Bits.FromSingle(1f));
        Assert.Equal((ushort)0x3F80, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie, even below
        Assert.Equal((ushort)0x3F82, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie, odd rounds up
        Assert.Equal((ushort)0x3F81, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808001)));
        Assert.Equal((ushort)0x7F80, BFloat16Bits.FromSingle(float.MaxValue)); // rounds up to +inf
        Assert.Equal((ushort)0xFF80, BFloat16Bits.FromSingle(float.NegativeInfinity));
        Assert.Equal(BFloat16Bits.NaN, BFloat16Bits.FromSingle(float.NaN));
        Assert.Equal(BFloat16Bits.NaN, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0xFFFFFFFF)));
        Assert.Equal(-2.5f, BFloat16Bits.ToSingle(BFloat16Bits.FromSingle(-2.5f)));
        var random = new Random(11);
        for (int i = 0; i < 100_000; i++)
        {
            float f = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            Assert.Equal(TensorReference.BFloat16(f), BFloat16Bits.FromSingle(f));
        }
    }

    [Fact]
    public unsafe void VectorConversionsEqualTheScalarCasts()
    {
        var random = new Random(12);
        float[] values = Enumerable.Range(0, 4099).Select(_ =>
        {
            float f = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            return float.IsFinite(f) ? f : (float)random.NextDouble() * 8 - 4;
        }).Concat([0f, -0f, 65504f, 65520f, 6e-8f, 3e-8f, float.Epsilon, float.MaxValue, float.MinValue]).ToArray();
        var half = new ushort[values.Length];
        var bf = new ushort[values.Length];
        fixed (float* src = values)
        fixed (ushort* h = half)
        fixed (ushort* b = bf)
        {
            NormalizeKernels.Convert16(src, h, values.Length, TensorElementType.Float16);
            NormalizeKernels.Convert16(src, b, values.Length, TensorElementType.BFloat16);
        }
        Assert.Equal(values.Select(f => BitConverter.HalfToUInt16Bits((Half)f)).ToArray(), half);
        Assert.Equal(values.Select(TensorReference.BFloat16).ToArray(), bf);
    }

    [Fact]
    public void Custom_constants_used_on_another_thread_do_not_make_this_one_allocate()
    {
        const int width = 56, height = 28;
        byte[] rgb = TensorReference.RandomBytes(3 * width * height, 2);
        var mine = new NormalizationConstants(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f);
        var f32 = new float[3 * width * height];
        PixelTensors.NormalizeToChw(rgb, width, height, 3 * width, mine, f32);
        // Another thread cycles through more custom sets than any cache slot count would hold.
        var other = new Thread(() =>
        {
            var buffer = new float[3 * width * height];
            for (int i = 0; i < 16; i++)
                PixelTensors.NormalizeToChw(rgb, width, height, 3 * width, new NormalizationConstants(0.5f, 0.5f, 0.5f, 0.1f + i, 0.2f, 0.3f), buffer);
        });
        other.Start();
        other.Join();
        long before = GC.GetAllocatedBytesForCurrentThread();
        PixelTensors.NormalizeToChw(rgb, width, height, 3 * width, mine, f32);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        const int width = 112, height = 56;
        byte[] rgb = TensorReference.RandomBytes(3 * width * height, 1);
        var custom = new NormalizationConstants(0.25f, 0.5f, 0.75f, 0.3f, 0.2f, 0.1f);
        var f32 = new float[PixelTensors.GetQwenPatchBufferLength(width, height, 14, 2, 2)];
        var f16 = new Half[f32.Length];
        var u16 = new ushort[f32.Length];
        NormalizationConstants[] constants = [NormalizationConstants.OpenAiClip, custom];
        void RunAll()
        {
            foreach (NormalizationConstants c in constants)
            {
                PixelTensors.NormalizeToChw(rgb, width, height, 3 * width, c, f32);
                PixelTensors.NormalizeToChw(rgb, width, height, 3 * width, c, f16);
                PixelTensors.NormalizeToChwBFloat16(rgb, width, height, 3 * width, c, u16);
                PixelTensors.NormalizeRegionToChw(rgb, width, height, 3 * width, 3, 4, 50, 40, c, f32);
                PixelTensors.NormalizeTilesToChw(rgb, width, height, 3 * width, 56, c, f32);
                PixelTensors.WriteQwenPatches(rgb, width, height, 14, 2, 2, c, f32);
                PixelTensors.WriteQwenPatches(rgb, width, height, 14, 2, 2, c, f16);
                PixelTensors.WriteQwenPatchesBFloat16(rgb, width, height, 14, 2, 2, c, u16);
            }
        }
        foreach (KernelPath path in s_paths)
        {
            long allocated = OnPath(path, () =>
            {
                RunAll();
                long before = GC.GetAllocatedBytesForCurrentThread();
                RunAll();
                return GC.GetAllocatedBytesForCurrentThread() - before;
            });
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void BadArgumentsGetTypedExceptions()
    {
        byte[] rgb = new byte[3 * 28 * 28];
        var dst = new float[3 * 28 * 28];
        NormalizationConstants c = NormalizationConstants.ImageNet;
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeToChw(rgb, 0, 28, 84, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeToChw(rgb, 28, 28, 83, c, dst));
        Assert.Throws<ArgumentException>(() => PixelTensors.NormalizeToChw(rgb, 28, 28, 85, c, dst));
        Assert.Throws<ArgumentException>(() => PixelTensors.NormalizeToChw(rgb, 28, 28, 84, c, dst.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => PixelTensors.NormalizeToChw(rgb, 28, 28, 84, default, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeRegionToChw(rgb, 28, 28, 84, 20, 0, 9, 4, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeRegionToChw(rgb, 28, 28, 84, -1, 0, 4, 4, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeTilesToChw(rgb, 28, 28, 84, 8, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.WriteQwenPatches(rgb, 28, 14, 14, 2, 2, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.WriteQwenPatches(rgb, 28, 28, 0, 2, 2, c, dst));
        Assert.Throws<ArgumentException>(() => PixelTensors.WriteQwenPatches(rgb, 28, 28, 14, 2, 2, c, dst));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelTensors.NormalizeToChw(rgb, 28, 28, 84, c, (TensorElementType)9, new byte[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizationConstants(0, 0, 0, 1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizationConstants(float.NaN, 0, 0, 1, 1, 1));
    }

    [Fact]
    public void TensorSpansCarryTheLayoutShapes()
    {
        var buffer = new float[2 * 3 * 4 * 5 + 9];
        var chw = PixelTensors.AsChwTensor(buffer.AsSpan(), 2, 4, 5);
        Assert.Equal(new nint[] { 2, 3, 4, 5 }, chw.Lengths.ToArray());
        chw[1, 2, 3, 4] = 42f;
        Assert.Equal(42f, buffer[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
        var patches = PixelTensors.AsPatchTensor(buffer.AsSpan(), 4, 30);
        Assert.Equal(new nint[] { 4, 30 }, patches.Lengths.ToArray());
        Assert.Throws<ArgumentException>(() => PixelTensors.AsPatchTensor(buffer.AsSpan(), 5, 30));
    }
}

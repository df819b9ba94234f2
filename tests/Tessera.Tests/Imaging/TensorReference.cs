using System;
using Tessera.Imaging.Tensors;

namespace Tessera.Tests.Imaging;

/// <summary>Deliberately naive references the kernels are checked against.</summary>
internal static class TensorReference
{
    public static NormalizationConstants[] Presets { get; } =
        [NormalizationConstants.OpenAiClip, NormalizationConstants.ImageNet, NormalizationConstants.SigLip];

    /// <summary>pixels.md §4.2 step 5 / §4.4: float32 rescale by true division, float32 subtract, float32 divide.</summary>
    public static float Normalize(byte x, float mean, float std)
    {
        float v = (float)x / 255f;
        float centred = v - mean;
        return centred / std;
    }

    public static float Normalize(byte x, int channel, in NormalizationConstants c) =>
        Normalize(x, c.Mean(channel), c.Std(channel));

    /// <summary>bfloat16 by the textbook rule: keep the upper 16 bits, round up past half or at half when odd.</summary>
    public static ushort BFloat16(float f)
    {
        if (float.IsNaN(f)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(f);
        uint upper = bits >> 16, lower = bits & 0xFFFF;
        if (lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1)) upper++;
        return (ushort)upper;
    }

    /// <summary>C×H×W of the region, element by element.</summary>
    public static float[] Chw(byte[] rgb, int stride, int x0, int y0, int w, int h, in NormalizationConstants c)
    {
        var result = new float[3 * w * h];
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    result[(ch * h + y) * w + x] = Normalize(rgb[(y0 + y) * stride + 3 * (x0 + x) + ch], ch, c);
        return result;
    }

    /// <summary>
    /// The Qwen2-VL patch matrix by the index formula of pixels.md §5.1: row = ((t·(gh/m) + bh)·(gw/m) + bw)·m² + mh·m + mw,
    /// col = ((c·tp + tt)·p + py)·p + px, value = F[c][(bh·m + mh)·p + py][(bw·m + mw)·p + px].
    /// </summary>
    public static float[] QwenPatches(byte[] rgb, int width, int height, int p, int m, int tp, in NormalizationConstants c) =>
        QwenVideoPatches(rgb, 1, width, height, p, m, tp, c); // one frame, repeated into every temporal slot

    /// <summary>
    /// The video patch matrix by the same formula with T frames (pixels.md §5.1; strategies.md §1.6 temporal padding): row =
    /// ((t·(gh/m) + bh)·(gw/m) + bw)·m² + mh·m + mw, value = F[min(t·tp + tt, frames − 1)][c][…][…].
    /// </summary>
    public static float[] QwenVideoPatches(byte[] frames, int frameCount, int width, int height, int p, int m, int tp, in NormalizationConstants c)
    {
        int gh = height / p, gw = width / p, cols = 3 * tp * p * p, groups = (frameCount + tp - 1) / tp, frameBytes = 3 * width * height;
        var result = new float[groups * gh * gw * cols];
        for (int t = 0; t < groups; t++)
        for (int bh = 0; bh < gh / m; bh++)
        for (int bw = 0; bw < gw / m; bw++)
        for (int mh = 0; mh < m; mh++)
        for (int mw = 0; mw < m; mw++)
        {
            int row = ((t * (gh / m) + bh) * (gw / m) + bw) * m * m + mh * m + mw;
            for (int ch = 0; ch < 3; ch++)
            for (int tt = 0; tt < tp; tt++)
            for (int py = 0; py < p; py++)
            for (int px = 0; px < p; px++)
            {
                int frame = Math.Min(t * tp + tt, frameCount - 1);
                int col = ((ch * tp + tt) * p + py) * p + px;
                int y = (bh * m + mh) * p + py, x = (bw * m + mw) * p + px;
                result[row * cols + col] = Normalize(frames[frame * frameBytes + (y * width + x) * 3 + ch], ch, c);
            }
        }
        return result;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

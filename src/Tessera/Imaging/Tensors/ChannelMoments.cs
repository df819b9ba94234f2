using System;

namespace Tessera.Imaging.Tensors;

/// <summary>
/// Per-channel float64 Σx and Σx² over a normalised tensor, as the golden <c>channel_sum</c> /
/// <c>channel_sumsq</c> define them (Σ (double)x and Σ (double)x·(double)x per colour channel).
/// </summary>
internal static class ChannelMoments
{
    /// <summary>
    /// Sums a tensor laid out as repeated groups of three channel blocks of <paramref name="blockLength"/>
    /// elements: C×H×W and N×3×H×W use H·W; the Qwen patch matrix uses tp·p·p (its columns are c-major).
    /// </summary>
    public static void Compute(ReadOnlySpan<float> tensor, int blockLength, Span<double> sum, Span<double> sumOfSquares)
    {
        if (blockLength <= 0) throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, "Must be positive.");
        if (tensor.Length % (3 * blockLength) != 0)
            throw new ArgumentException($"{tensor.Length} elements are not whole groups of 3 × {blockLength}.", nameof(tensor));
        if (sum.Length < 3 || sumOfSquares.Length < 3) throw new ArgumentException("Need room for three channels.");
        sum.Slice(0, 3).Clear();
        sumOfSquares.Slice(0, 3).Clear();
        for (int start = 0, c = 0; start < tensor.Length; start += blockLength, c = c == 2 ? 0 : c + 1)
        {
            double s = 0, q = 0;
            foreach (float f in tensor.Slice(start, blockLength))
            {
                double d = f;
                s += d;
                q += d * d;
            }
            sum[c] += s;
            sumOfSquares[c] += q;
        }
    }

    /// <summary>Moments of an N×3×H×W (or 3×H×W) tensor.</summary>
    public static void ForChw(ReadOnlySpan<float> tensor, int height, int width, Span<double> sum, Span<double> sumOfSquares) =>
        Compute(tensor, checked(height * width), sum, sumOfSquares);

    /// <summary>Moments of a Qwen2-VL patch matrix with columns 3·tp·p·p.</summary>
    public static void ForQwenPatches(ReadOnlySpan<float> tensor, int patchSize, int temporalPatchSize, Span<double> sum, Span<double> sumOfSquares) =>
        Compute(tensor, checked(temporalPatchSize * patchSize * patchSize), sum, sumOfSquares);
}

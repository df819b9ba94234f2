using System;

namespace Tessera.Planning;

/// <summary>
/// Uniform frame sampling shared by several strategies: numpy's <c>np.linspace(0, total - 1, k, dtype=int)</c> (the
/// original LLaVA-NeXT/OneVision code and Oryx) and transformers' float <c>torch.arange(0, total, total / n).int()</c>
/// (the video processors' <c>sample_frames</c>: the base class, Qwen2-VL, LLaVA-OneVision).
/// </summary>
public static class FrameSampling
{
    /// <summary>
    /// Writes <c>np.linspace(0, total - 1, count, dtype=int)</c>: doubles <c>i · step</c> with
    /// <c>step = (total - 1) / (count - 1)</c>, the last element forced to <c>total - 1</c>, each truncated toward zero.
    /// Repeats indices when <paramref name="count"/> exceeds <paramref name="totalFrames"/>, as numpy does. Computing the
    /// index in exact integers instead would differ: <c>linspace(0, 153, 64)[21]</c> is 50.99999999999999, so 50, not 51
    /// (strategies.md §0).
    /// </summary>
    /// <returns>How many indices were written (<paramref name="count"/>).</returns>
    /// <exception cref="PlanException">No frames, or a negative count.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="count"/>.</exception>
    public static int WriteNumpyLinspaceIndices(int totalFrames, int count, Span<long> destination)
    {
        if (totalFrames < 1) throw PlanException.Config($"a video needs at least one frame, got {totalFrames}.");
        if (count < 0) throw PlanException.Config($"the frame count must not be negative, got {count}.");
        if (count > destination.Length)
            throw new ArgumentException($"The destination holds {destination.Length} indices; {count} are needed.", nameof(destination));
        if (count == 0) return 0;
        double stop = totalFrames - 1;
        if (count == 1)
        {
            // numpy: div = 0, so y = arange(1) * delta = [0.0], then + start.
            destination[0] = 0;
            return 1;
        }
        double step = stop / (count - 1);
        for (int i = 0; i < count - 1; i++)
            destination[i] = (long)(i * step);
        destination[count - 1] = (long)stop;
        return count;
    }

    /// <summary>
    /// Length of <c>torch.arange(0, total, total / count)</c>: <c>ceil(total / step)</c> evaluated in doubles with
    /// <c>step = total / count</c>. It is <paramref name="count"/> or, for many pairs, <paramref name="count"/> + 1 (e.g.
    /// total 17, count 14 → 15; strategies.md §1.6.1): the extra value equals <c>total</c>, one past the last frame.
    /// </summary>
    /// <exception cref="PlanException">No frames, or a count below one (upstream divides by it or meets a negative step).</exception>
    public static long FloatArangeLength(int totalFrames, long count)
    {
        CheckArange(totalFrames, count);
        double step = totalFrames / (double)count;
        return (long)Math.Ceiling(totalFrames / step);
    }

    /// <summary>
    /// Writes <c>torch.arange(0, total, total / count).int()</c>: float32 values <c>i · step</c>, each truncated. Writes
    /// <see cref="FloatArangeLength"/> indices (the last may be <c>total</c> itself) and returns how many.
    /// </summary>
    /// <exception cref="PlanException">No frames, or a count below one.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the arange.</exception>
    public static int WriteFloatArangeIndices(int totalFrames, long count, Span<long> destination)
    {
        long length = FloatArangeLength(totalFrames, count);
        if (length > destination.Length)
            throw new ArgumentException($"The destination holds {destination.Length} indices; {length} are needed.", nameof(destination));
        double step = totalFrames / (double)count;
        for (int i = 0; i < (int)length; i++)
            destination[i] = (long)(float)(i * step);
        return (int)length;
    }

    private static void CheckArange(int totalFrames, long count)
    {
        if (totalFrames < 1) throw PlanException.Config($"a video needs at least one frame, got {totalFrames}.");
        if (count < 1)
            throw PlanException.Config($"the frame count must be at least 1 (upstream's step total / {count} fails), got {count}.");
    }
}

using System;

namespace Tessera.Planning;

/// <summary>
/// Uniform frame sampling shared by the strategies whose upstream picks frames with numpy
/// (<c>np.linspace(0, total - 1, k, dtype=int)</c>: the original LLaVA-NeXT/OneVision code and Oryx).
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
}

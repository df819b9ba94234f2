using System;
using System.Threading;

namespace Tessera.Imaging.Tensors;

/// <summary>
/// The 3 × 256 possible outputs of one <see cref="NormalizationConstants"/>, computed once with the exact
/// scalar formula. A byte in channel c normalises to <c>Float32[c * 256 + byte]</c>; the 16-bit tables hold the
/// round-to-nearest-even conversions of those same float32 values.
/// </summary>
internal sealed class NormalizationTable
{
    private static readonly NormalizationTable s_clip = new(NormalizationConstants.OpenAiClip);
    private static readonly NormalizationTable s_imageNet = new(NormalizationConstants.ImageNet);
    private static readonly NormalizationTable s_sigLip = new(NormalizationConstants.SigLip);
    private static NormalizationTable? s_last;

    private NormalizationTable(NormalizationConstants constants)
    {
        Constants = constants;
        for (int c = 0; c < 3; c++)
        {
            for (int x = 0; x < 256; x++)
            {
                float v = constants.Normalize(c, (byte)x);
                Float32[c * 256 + x] = v;
                Float16[c * 256 + x] = BitConverter.HalfToUInt16Bits((Half)v);
                BFloat16[c * 256 + x] = BFloat16Bits.FromSingle(v);
                Float16Wide[c * 256 + x] = Float16[c * 256 + x];
                BFloat16Wide[c * 256 + x] = BFloat16[c * 256 + x];
            }
        }
    }

    /// <summary>The constants this table was built from.</summary>
    public NormalizationConstants Constants { get; }

    /// <summary>float32 outputs, channel-major.</summary>
    public float[] Float32 { get; } = new float[768];

    /// <summary>binary16 bit patterns of <see cref="Float32"/>.</summary>
    public ushort[] Float16 { get; } = new ushort[768];

    /// <summary>bfloat16 bit patterns of <see cref="Float32"/>.</summary>
    public ushort[] BFloat16 { get; } = new ushort[768];

    /// <summary><see cref="Float16"/> widened to 32-bit entries (for gathers).</summary>
    public int[] Float16Wide { get; } = new int[768];

    /// <summary><see cref="BFloat16"/> widened to 32-bit entries (for gathers).</summary>
    public int[] BFloat16Wide { get; } = new int[768];

    /// <summary>
    /// The table for <paramref name="constants"/>: the presets are built once; any other set is cached as the
    /// most recently used one, so repeated calls with the same constants allocate nothing.
    /// </summary>
    public static NormalizationTable For(in NormalizationConstants constants)
    {
        if (constants.Equals(s_clip.Constants)) return s_clip;
        if (constants.Equals(s_imageNet.Constants)) return s_imageNet;
        if (constants.Equals(s_sigLip.Constants)) return s_sigLip;
        NormalizationTable? last = Volatile.Read(ref s_last);
        if (last is not null && constants.Equals(last.Constants)) return last;
        var built = new NormalizationTable(constants);
        Volatile.Write(ref s_last, built);
        return built;
    }
}

using System;

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
    /// <summary>Tables built for other constants, per thread (so threads using different constants never evict each other's),
    /// replaced round-robin.</summary>
    [ThreadStatic] private static NormalizationTable?[]? t_recent;

    [ThreadStatic] private static int t_next;

    private const int RecentTables = 4;

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
    /// The table for <paramref name="constants"/>: the presets are built once; other sets are kept per thread, the four
    /// most recently built, so a thread that repeats calls with up to four custom sets allocates nothing in steady state.
    /// </summary>
    public static NormalizationTable For(in NormalizationConstants constants)
    {
        if (constants.Equals(s_clip.Constants)) return s_clip;
        if (constants.Equals(s_imageNet.Constants)) return s_imageNet;
        if (constants.Equals(s_sigLip.Constants)) return s_sigLip;
        NormalizationTable?[] recent = t_recent ??= new NormalizationTable?[RecentTables];
        foreach (NormalizationTable? table in recent)
            if (table is not null && constants.Equals(table.Constants)) return table;
        var built = new NormalizationTable(constants);
        recent[t_next] = built;
        t_next = (t_next + 1) % RecentTables;
        return built;
    }
}

using System;

namespace Tessera.Imaging.Tensors;

/// <summary>Conversions between float32 and bfloat16 bit patterns (stored as <see cref="ushort"/>).</summary>
public static class BFloat16Bits
{
    /// <summary>The bfloat16 pattern torch gives every NaN (a positive quiet NaN).</summary>
    public const ushort NaN = 0x7FC0;

    /// <summary>
    /// Rounds <paramref name="value"/> to the nearest bfloat16, ties to even; NaN becomes <see cref="NaN"/>.
    /// This is torch's float → bfloat16 cast.
    /// </summary>
    public static ushort FromSingle(float value)
    {
        if (float.IsNaN(value)) return NaN;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint bias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + bias) >> 16);
    }

    /// <summary>The float32 value of a bfloat16 pattern (exact: bfloat16 is a truncated float32).</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}

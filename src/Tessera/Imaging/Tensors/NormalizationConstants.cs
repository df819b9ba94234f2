using System;

namespace Tessera.Imaging.Tensors;

/// <summary>
/// Per-channel mean and standard deviation, as the float32 values the references normalise with:
/// <c>value = ((float)x / 255f − Mean) / Std</c>, a float32 subtraction followed by a float32 division
/// (pixels.md §4.2, §4.4).
/// </summary>
/// <remarks>
/// The presets are the Python double literals rounded to float32, which is exactly what NumPy and torch do
/// (pixels.md §4.1 lists the resulting bit patterns). Build other sets the same way:
/// <c>new NormalizationConstants((float)0.5, …)</c> from the config's decimal strings parsed as double.
/// </remarks>
public readonly struct NormalizationConstants : IEquatable<NormalizationConstants>
{
    /// <summary>Mean of the red channel (in the 0..1 scale).</summary>
    public readonly float MeanR;
    /// <summary>Mean of the green channel.</summary>
    public readonly float MeanG;
    /// <summary>Mean of the blue channel.</summary>
    public readonly float MeanB;
    /// <summary>Standard deviation of the red channel.</summary>
    public readonly float StdR;
    /// <summary>Standard deviation of the green channel.</summary>
    public readonly float StdG;
    /// <summary>Standard deviation of the blue channel.</summary>
    public readonly float StdB;

    /// <summary>Creates a set of constants; every value must be finite and every std positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A mean is not finite, or a std is not finite and positive.</exception>
    public NormalizationConstants(float meanR, float meanG, float meanB, float stdR, float stdG, float stdB)
    {
        CheckMean(meanR, nameof(meanR));
        CheckMean(meanG, nameof(meanG));
        CheckMean(meanB, nameof(meanB));
        CheckStd(stdR, nameof(stdR));
        CheckStd(stdG, nameof(stdG));
        CheckStd(stdB, nameof(stdB));
        MeanR = meanR;
        MeanG = meanG;
        MeanB = meanB;
        StdR = stdR;
        StdG = stdG;
        StdB = stdB;
    }

    /// <summary>OpenAI CLIP constants, used by Qwen2-VL and Qwen2.5-VL (pixels.md §4.1).</summary>
    public static NormalizationConstants OpenAiClip { get; } = new(
        (float)0.48145466, (float)0.4578275, (float)0.40821073,
        (float)0.26862954, (float)0.26130258, (float)0.27577711);

    /// <summary>ImageNet constants, used by the InternVL model-card pipeline (pixels.md §4.1).</summary>
    public static NormalizationConstants ImageNet { get; } = new(
        (float)0.485, (float)0.456, (float)0.406,
        (float)0.229, (float)0.224, (float)0.225);

    /// <summary>SigLIP constants: mean 0.5 and std 0.5 on every channel (maps 0..255 to −1..1).</summary>
    public static NormalizationConstants SigLip { get; } = new(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f);

    /// <summary>The mean of channel <paramref name="channel"/> (0 = R, 1 = G, 2 = B).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channel"/> is not 0, 1 or 2.</exception>
    public float Mean(int channel) => channel switch
    {
        0 => MeanR,
        1 => MeanG,
        2 => MeanB,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Channel must be 0, 1 or 2."),
    };

    /// <summary>The standard deviation of channel <paramref name="channel"/> (0 = R, 1 = G, 2 = B).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channel"/> is not 0, 1 or 2.</exception>
    public float Std(int channel) => channel switch
    {
        0 => StdR,
        1 => StdG,
        2 => StdB,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Channel must be 0, 1 or 2."),
    };

    /// <summary>
    /// The reference value for byte <paramref name="value"/> in channel <paramref name="channel"/>:
    /// <c>((float)value / 255f − mean) / std</c>, each step rounded to float32.
    /// </summary>
    public float Normalize(int channel, byte value)
    {
        float scaled = (float)value / 255f;
        float centred = scaled - Mean(channel);
        return centred / Std(channel);
    }

    /// <summary>True when every constant has the same float32 bit pattern.</summary>
    public bool Equals(NormalizationConstants other) =>
        Bits(MeanR) == Bits(other.MeanR) && Bits(MeanG) == Bits(other.MeanG) && Bits(MeanB) == Bits(other.MeanB)
        && Bits(StdR) == Bits(other.StdR) && Bits(StdG) == Bits(other.StdG) && Bits(StdB) == Bits(other.StdB);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NormalizationConstants other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(MeanR, MeanG, MeanB, StdR, StdG, StdB);

    /// <summary>Bitwise equality of two constant sets.</summary>
    public static bool operator ==(NormalizationConstants left, NormalizationConstants right) => left.Equals(right);

    /// <summary>Bitwise inequality of two constant sets.</summary>
    public static bool operator !=(NormalizationConstants left, NormalizationConstants right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"mean ({MeanR:R}, {MeanG:R}, {MeanB:R}), std ({StdR:R}, {StdG:R}, {StdB:R})");

    private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);

    private static void CheckMean(float value, string name)
    {
        if (!float.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, "A mean must be finite.");
    }

    private static void CheckStd(float value, string name)
    {
        if (!float.IsFinite(value) || value <= 0f)
            throw new ArgumentOutOfRangeException(name, value, "A standard deviation must be finite and positive.");
    }
}

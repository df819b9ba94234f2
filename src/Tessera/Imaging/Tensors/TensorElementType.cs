namespace Tessera.Imaging.Tensors;

/// <summary>The element type of a normalised pixel tensor.</summary>
/// <remarks>
/// The float32 value is always computed first, exactly as the reference does; the 16-bit types are a
/// round-to-nearest-even conversion of that value (what torch's <c>.to(torch.float16 / torch.bfloat16)</c> does).
/// </remarks>
public enum TensorElementType
{
    /// <summary>IEEE-754 binary32 (<see cref="float"/>), the reference output.</summary>
    Float32,
    /// <summary>IEEE-754 binary16 (<see cref="System.Half"/>), rounded to nearest even from the float32 value.</summary>
    Float16,
    /// <summary>bfloat16 stored as <see cref="ushort"/> bits: the upper half of the float32, rounded to nearest even.</summary>
    BFloat16,
}

/// <summary>Facts about <see cref="TensorElementType"/> values.</summary>
public static class TensorElementTypes
{
    /// <summary>Bytes one element occupies.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Unknown element type.</exception>
    public static int SizeInBytes(this TensorElementType type) => type switch
    {
        TensorElementType.Float32 => 4,
        TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        _ => throw new System.ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor element type."),
    };
}

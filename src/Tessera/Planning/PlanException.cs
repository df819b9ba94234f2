using System;

namespace Tessera.Planning;

/// <summary>Why a plan could not be made.</summary>
public enum PlanError
{
    /// <summary>A width or height is zero or negative.</summary>
    InvalidSize,
    /// <summary>The aspect ratio is beyond what the strategy accepts (Qwen2-VL: more than 200).</summary>
    AspectRatioTooLarge,
    /// <summary>The strategy's configuration is missing a value, has an impossible value, or contradicts itself.</summary>
    InvalidConfiguration,
    /// <summary>The plan's sizes would not fit the integer types the reference uses.</summary>
    Overflow,
    /// <summary>A request cannot fit its context window even at the smallest plan its strategy allows.</summary>
    BudgetExceeded,
}

/// <summary>The typed error planners throw; <see cref="Error"/> says which rule was broken.</summary>
public sealed class PlanException : ArgumentException
{
    /// <summary>Creates the error.</summary>
    public PlanException(PlanError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Which rule the input broke.</summary>
    public PlanError Error { get; }

    internal static PlanException Size(int width, int height) =>
        new(PlanError.InvalidSize, $"Image size must be positive, got {width}×{height}.");

    internal static PlanException Config(string message) => new(PlanError.InvalidConfiguration, message);
}

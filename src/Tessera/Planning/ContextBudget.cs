namespace Tessera.Planning;

/// <summary>
/// The context window a request must fit and what else shares it: the text around the vision blocks and the tokens kept
/// free for the answer. Request planners (<see cref="QwenRequest"/>, <see cref="LlavaOneVisionRequest"/>,
/// <see cref="OryxRequest"/>)
/// fit their vision blocks into <see cref="VisionBudget"/>.
/// </summary>
public readonly struct ContextBudget
{
    /// <summary>Creates a budget.</summary>
    /// <param name="contextLength">The model's context window in tokens.</param>
    /// <param name="textTokens">Tokens of everything that is not a vision block: chat template, prompt, system prompt.</param>
    /// <param name="reservedTokens">Tokens kept free for the answer (max new tokens).</param>
    public ContextBudget(long contextLength, long textTokens = 0, long reservedTokens = 0)
    {
        ContextLength = contextLength;
        TextTokens = textTokens;
        ReservedTokens = reservedTokens;
    }

    /// <summary>The context window in tokens.</summary>
    public long ContextLength { get; }

    /// <summary>Tokens outside vision blocks.</summary>
    public long TextTokens { get; }

    /// <summary>Tokens kept free for the answer.</summary>
    public long ReservedTokens { get; }

    /// <summary>Tokens vision blocks may take: context − text − reserved.</summary>
    public long VisionBudget => ContextLength - TextTokens - ReservedTokens;

    /// <summary>Whether vision blocks of <paramref name="visionTokens"/> positions fit.</summary>
    public bool Fits(long visionTokens) => visionTokens <= VisionBudget;

    /// <summary>Throws <see cref="PlanException"/> when a value is impossible.</summary>
    public void Validate()
    {
        if (ContextLength < 1) throw PlanException.Config($"the context length must be positive, got {ContextLength}.");
        if (TextTokens < 0) throw PlanException.Config($"text tokens must not be negative, got {TextTokens}.");
        if (ReservedTokens < 0) throw PlanException.Config($"reserved tokens must not be negative, got {ReservedTokens}.");
    }

    /// <summary>Adds position counts (non-negative), failing with <see cref="PlanError.Overflow"/> past 64 bits.</summary>
    internal static long AddPositions(long a, long b) => a <= long.MaxValue - b
        ? a + b
        : throw new PlanException(PlanError.Overflow, "the request's positions are beyond 64-bit range.");

    /// <summary>The error a request planner raises when even its smallest plan, of <paramref name="smallest"/> positions,
    /// does not fit.</summary>
    internal PlanException OverBudget(string what, long smallest) => new(PlanError.BudgetExceeded,
        $"the request cannot fit: {what} take {smallest} positions, but the context of {ContextLength} leaves {VisionBudget} " +
        $"after {TextTokens} text and {ReservedTokens} reserved tokens.");
}

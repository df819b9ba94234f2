namespace Tessera.Generators.Analyzers;

/// <summary>
/// Diagnostic ids and the property keys analyzers hand to code fixes. Linked as source into Tessera.CodeFixes, which
/// must not reference this (Roslyn 4.8.0) assembly.
/// </summary>
internal static class DiagnosticIds
{
    public const string InvalidSpecValue = "TESS001";
    public const string ExceedsContext = "TESS002";
    public const string ContextLengthMissing = "TESS003";
    public const string BudgetWithoutSpec = "TESS004";
    public const string ExtremeAspectRatio = "TESS005";
    public const string NotPartial = "TESS006";
    public const string MultipleTilingAttributes = "TESS007";
    public const string UnsupportedClass = "TESS008";
    public const string IneffectiveValue = "TESS009";

    /// <summary>TESS002: the named argument of the tiling attribute the fix lowers (MaxTiles or MaxPixels).</summary>
    public const string KnobProperty = "Knob";

    /// <summary>TESS002: the largest value of the knob that fits the context (invariant decimal).</summary>
    public const string ValueProperty = "Value";

    /// <summary>TESS002: the worst-case image tokens at that value (for the code action's title).</summary>
    public const string FitTokensProperty = "FitTokens";
}

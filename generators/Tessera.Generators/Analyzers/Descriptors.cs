using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Tessera.Generators.Analyzers;

/// <summary>The Tessera diagnostics (documented one by one in docs/diagnostics.md).</summary>
internal static class Descriptors
{
    private const string Category = "Tessera";

    /// <summary>Where each id is documented; the anchor is the lower-case id.</summary>
    private const string HelpBase = "docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor InvalidSpecValue = Create(DiagnosticIds.InvalidSpecValue,
        "Invalid tiling spec value",
        "{0}",
        DiagnosticSeverity.Error,
        "The planning core rejects this spec value, so no plan (and no generated code) exists for it.");

    public static readonly DiagnosticDescriptor ExceedsContext = Create(DiagnosticIds.ExceedsContext,
        "Worst-case image tokens exceed the context budget",
        "The worst case of '{0}' is {1} image tokens; with {2} text and {3} reserved tokens that is {4}, over ContextLength {5} by {6}",
        DiagnosticSeverity.Warning,
        "Some image sizes plan to more LLM positions than the TokenBudget leaves: requests with such images would not fit the model's context.");

    public static readonly DiagnosticDescriptor ContextLengthMissing = Create(DiagnosticIds.ContextLengthMissing,
        "TokenBudget needs a positive ContextLength",
        "TokenBudget.ContextLength must be a positive number of tokens, but it is {0}",
        DiagnosticSeverity.Error,
        "A budget without a context window cannot be checked or emitted.");

    public static readonly DiagnosticDescriptor BudgetWithoutSpec = Create(DiagnosticIds.BudgetWithoutSpec,
        "TokenBudget without a tiling spec",
        "'{0}' has a TokenBudget but no tiling attribute (AspectRatioTiling, NativeResolution or AnyResTiling), so nothing is checked against it",
        DiagnosticSeverity.Warning,
        "TokenBudget only bounds the tiling spec declared on the same class.");

    public static readonly DiagnosticDescriptor ExtremeAspectRatio = Create(DiagnosticIds.ExtremeAspectRatio,
        "Tiling admits grids or canvases more elongated than 12:1",
        "{0}",
        DiagnosticSeverity.Info,
        "InternVL's model card (max_num 12) never produces a grid more elongated than 1×12, and LLaVA-NeXT's canvases stay within 3:1; "
        + "more extreme shapes are outside what the models were trained on.");

    public static readonly DiagnosticDescriptor NotPartial = Create(DiagnosticIds.NotPartial,
        "Tiling spec class must be partial",
        "'{0}' must be partial: Tessera generates the members of '{1}' into it",
        DiagnosticSeverity.Error,
        "The source generator adds the plan, tables and token counts to a partial declaration; without 'partial' it can add nothing.");

    public static readonly DiagnosticDescriptor MultipleTilingAttributes = Create(DiagnosticIds.MultipleTilingAttributes,
        "One tiling attribute per class",
        "'{0}' already declares a tiling spec with '{1}'; a class can carry only one tiling attribute",
        DiagnosticSeverity.Error,
        "Each spec class generates one plan; declare each strategy on its own class.");

    public static readonly DiagnosticDescriptor UnsupportedClass = Create(DiagnosticIds.UnsupportedClass,
        "Tiling spec class must be non-generic and not file-local",
        "'{0}' is {1}: Tessera cannot generate a tiling spec into it",
        DiagnosticSeverity.Error,
        "The generator emits a plain partial declaration, in its own file, with compile-time tables of one closed spec: a file-local class "
        + "cannot be extended from another file, and a generic class (or one nested in a generic type) has no single set of values to compute them from.");

    public static readonly DiagnosticDescriptor IneffectiveValue = Create(DiagnosticIds.IneffectiveValue,
        "Spec value has no effect",
        "{0}",
        DiagnosticSeverity.Warning,
        "The value is valid but the rest of the spec never reads it, so the plan or the position ids differ from what it suggests; "
        + "usually another setting (such as the M-RoPE variant) was meant to change with it.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(InvalidSpecValue, ExceedsContext,
        ContextLengthMissing, BudgetWithoutSpec, ExtremeAspectRatio, NotPartial, MultipleTilingAttributes, UnsupportedClass, IneffectiveValue);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, string description) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Specs;
using Tessera.Planning;

namespace Tessera.Generators.Analyzers;

/// <summary>
/// Checks classes carrying Tessera spec attributes as the user types: impossible values (TESS001), worst cases over the
/// token budget (TESS002), budgets without a context length or without a spec (TESS003, TESS004), elongated grids and
/// canvases (TESS005), class shapes the generator cannot extend (TESS006–TESS008) and values nothing reads (TESS009). Values are judged by the planning
/// core itself (through <see cref="SpecEvaluation"/>), so the IDE agrees with run-time plans. Half-typed code is silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TilingSpecAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// Grids or canvases whose long side exceeds this many times the short side get TESS005. It is the most elongated grid
    /// the InternVL model card (max_num 12) can pick, 1×12, so the model-card spec never triggers it.
    /// </summary>
    internal const int AspectRatioLimit = 12;

    /// <summary>Exceptions caught (and swallowed) while analyzing; tests assert it stays 0.</summary>
    internal static int SwallowedExceptions;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // A compilation that does not reference the spec attributes has nothing to check.
            if (start.Compilation.GetTypeByMetadataName(SpecAttributes.TokenBudget) is null) return;
            start.RegisterSymbolAction(static c => AnalyzeType(c), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        try
        {
            Analyze(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An analyzer must never take the IDE down: a failure here is a bug, counted for the tests, not reported.
            Interlocked.Increment(ref SwallowedExceptions);
        }
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        if (context.Symbol is not INamedTypeSymbol type) return;
        var tilings = new List<AttributeData>();
        AttributeData? budget = null;
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not { } cls || cls.TypeKind == TypeKind.Error) continue;
            string name = cls.ToDisplayString();
            if (SpecAttributes.KindOf(name) is not null) tilings.Add(attribute);
            else if (name == SpecAttributes.TokenBudget && budget is null) budget = attribute;
        }
        if (tilings.Count == 0 && budget is null) return;
        // On anything but a class the compiler already rejects the attribute (CS0592).
        if (type.TypeKind != TypeKind.Class) return;

        var ct = context.CancellationToken;
        if (IsBeingTyped(type, ct)) return;
        string typeName = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        bool budgetUsable = budget is not null && CheckContextLength(context, budget, type);
        if (tilings.Count == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.BudgetWithoutSpec, AttributeLocation(budget!, type, ct), typeName));
            return;
        }

        CheckShape(context, type, typeName);
        for (int i = 1; i < tilings.Count; i++)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.MultipleTilingAttributes, AttributeLocation(tilings[i], type, ct), typeName,
                ShortName(tilings[0].AttributeClass!)));

        // With two specs the budget has no single worst case to compare; each spec's own values are still checked.
        foreach (var tiling in tilings)
            CheckSpec(context, type, typeName, tiling, tilings.Count == 1 && budgetUsable ? budget : null);
    }

    /// <summary>A declaration still being typed (no name yet, an unfinished type parameter list), of the class or of a
    /// containing type: nothing about it is judged until the compiler accepts its shape.</summary>
    private static bool IsBeingTyped(INamedTypeSymbol type, CancellationToken ct)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            foreach (var reference in t.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(ct) is TypeDeclarationSyntax declaration
                    && (declaration.Identifier.IsMissing || declaration.TypeParameterList?.ContainsDiagnostics == true))
                    return true;
            }
        }
        return false;
    }

    /// <summary>TESS003. Returns whether the budget has a positive, known context length.</summary>
    private static bool CheckContextLength(SymbolAnalysisContext context, AttributeData budget, INamedTypeSymbol type)
    {
        foreach (var named in budget.NamedArguments)
        {
            if (named.Key != "ContextLength") continue;
            if (named.Value.Kind != TypedConstantKind.Primitive || named.Value.Value is not int length) return false;
            if (length > 0) return true;
            var syntax = AttributeSyntaxOf(budget, context.CancellationToken);
            var location = NamedArgumentLocation(syntax, "ContextLength") ?? AttributeLocation(budget, type, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ContextLengthMissing, location, length.ToString(CultureInfo.InvariantCulture)));
            return false;
        }
        // Half-typed: `ContextLength = ` leaves an error argument that Roslyn may drop from NamedArguments; stay silent then.
        if (HasBrokenArguments(budget, context.CancellationToken)) return false;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ContextLengthMissing, AttributeLocation(budget, type, context.CancellationToken), "not set"));
        return false;
    }

    /// <summary>TESS006 (on every non-partial declaration of the class and of its containing types) and TESS008 (generic,
    /// nested in a generic type, or file-local: the generated part lives in another file). A static class is fine: every
    /// generated member is static, and the generated partial declaration combines with its <c>static</c>.</summary>
    private static void CheckShape(SymbolAnalysisContext context, INamedTypeSymbol type, string typeName)
    {
        var ct = context.CancellationToken;
        var where = type.Locations.Length > 0 ? type.Locations[0] : Location.None;
        if (type.IsFileLocal)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsupportedClass, where, typeName, "file-local"));
        if (type.Arity > 0)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsupportedClass, where, typeName, "generic"));
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.Arity > 0)
            {
                string outerName = outer.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsupportedClass, where, typeName, $"nested in the generic type '{outerName}'"));
                break;
            }
        }
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            foreach (var reference in t.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(ct) is not TypeDeclarationSyntax declaration) continue;
                if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, declaration.Identifier.GetLocation(),
                    t.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), typeName));
            }
        }
    }

    /// <summary>TESS001, TESS005 and TESS002 for one tiling attribute.</summary>
    private static void CheckSpec(SymbolAnalysisContext context, INamedTypeSymbol type, string typeName, AttributeData tiling, AttributeData? budget)
    {
        var ct = context.CancellationToken;
        var spec = TilingSpec.Read(tiling, budget);
        if (spec is null && budget is not null) spec = TilingSpec.Read(tiling, null);
        if (spec is null) return;
        if (HasBrokenArguments(tiling, ct)) return;

        var syntax = AttributeSyntaxOf(tiling, ct);
        var attributeLocation = AttributeLocation(tiling, type, ct);
        var evaluation = SpecEvaluation.Evaluate(spec);
        if (!evaluation.IsValid)
        {
            var location = LocateError(spec, evaluation.Error!, syntax) ?? attributeLocation;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidSpecValue, location, evaluation.Error));
            return;
        }

        CheckAspectRatios(context, spec, evaluation, syntax, attributeLocation);
        CheckIneffectiveValues(context, spec, syntax);

        long contextLength = spec.BudgetValue("ContextLength");
        if (!spec.HasBudget || contextLength <= 0) return;
        long text = spec.BudgetValue("TextTokens"), reserved = spec.BudgetValue("ReservedTokens");
        long total = evaluation.MaxTokens + text + reserved;
        if (total <= contextLength) return;

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (BudgetFit.TryFindLargest(spec, contextLength - text - reserved, out string knob, out long value, out long tokens))
        {
            properties = properties
                .Add(DiagnosticIds.KnobProperty, knob)
                .Add(DiagnosticIds.ValueProperty, value.ToString(CultureInfo.InvariantCulture))
                .Add(DiagnosticIds.FitTokensProperty, tokens.ToString(CultureInfo.InvariantCulture));
        }
        var budgetLocation = budget is null ? null : AttributeSyntaxOf(budget, ct)?.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ExceedsContext, attributeLocation,
            budgetLocation is null ? null : new[] { budgetLocation }, properties,
            typeName, evaluation.MaxTokens, text, reserved, total, contextLength, total - contextLength));
    }

    /// <summary>TESS005: InternVL candidate grids and LLaVA-NeXT canvases more elongated than <see cref="AspectRatioLimit"/>:1.</summary>
    private static void CheckAspectRatios(SymbolAnalysisContext context, TilingSpec spec, SpecEvaluation evaluation, AttributeSyntax? syntax,
        Location attributeLocation)
    {
        if (evaluation.Options is InternVLOptions internVL)
        {
            int count = 0;
            GridShape worst = default;
            double worstRatio = 0;
            foreach (var grid in internVL.Candidates)
            {
                long longSide = Math.Max(grid.Columns, grid.Rows), shortSide = Math.Min(grid.Columns, grid.Rows);
                if (shortSide <= 0 || longSide <= (long)AspectRatioLimit * shortSide) continue;
                count++;
                double ratio = (double)longSide / shortSide;
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    worst = grid;
                }
            }
            if (count == 0) return;
            string message = string.Format(CultureInfo.InvariantCulture,
                "MaxTiles {0} admits {1} candidate grid{2} more elongated than {3}:1, up to {4}×{5} (columns×rows); the model card's max_num 12 "
                + "never goes beyond 1×12, so such images are tiled into strips the model was not trained on",
                internVL.MaxTiles, count, count == 1 ? "" : "s", AspectRatioLimit, worst.Columns, worst.Rows);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ExtremeAspectRatio,
                NamedArgumentLocation(syntax, "MaxTiles") ?? attributeLocation, message));
        }
        else if (spec.Kind == SpecKind.AnyRes && spec.Pinpoints.Length > 0)
        {
            var positional = PositionalArguments(syntax);
            bool oneArgumentPerValue = positional.Count == spec.Pinpoints.Length;
            for (int i = 0; i + 1 < spec.Pinpoints.Length; i += 2)
            {
                long height = spec.Pinpoints[i], width = spec.Pinpoints[i + 1];
                long longSide = Math.Max(height, width), shortSide = Math.Min(height, width);
                if (shortSide <= 0 || longSide <= AspectRatioLimit * shortSide) continue;
                string message = string.Format(CultureInfo.InvariantCulture,
                    "The canvas {0}×{1} (height×width) is {2:0.##}:1, more elongated than {3}:1; LLaVA-NeXT v1.6's canvases stay within 3:1",
                    height, width, (double)longSide / shortSide, AspectRatioLimit);
                Location location = oneArgumentPerValue && syntax is not null
                    ? Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(positional[i].SpanStart, positional[i + 1].Span.End))
                    : syntax?.ArgumentList?.GetLocation() ?? attributeLocation;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ExtremeAspectRatio, location, message));
            }
        }
    }

    /// <summary>
    /// TESS009: an explicit <c>TokensPerSecond</c> beside a Qwen2-VL M-RoPE variant, whose temporal index is the frame group
    /// alone (strategies.md §1.7). The usual cause is a Qwen2.5-VL spec that kept the default <c>Rope</c>.
    /// </summary>
    private static void CheckIneffectiveValues(SymbolAnalysisContext context, TilingSpec spec, AttributeSyntax? syntax)
    {
        if (spec.Kind != SpecKind.NativeResolution || !spec.IsExplicit("TokensPerSecond")) return;
        var variant = (QwenRopeVariant)spec.Get("Rope");
        if (variant is not (QwenRopeVariant.Qwen2VL or QwenRopeVariant.Qwen2VLUnified)) return;
        if (NamedArgumentLocation(syntax, "TokensPerSecond") is not { } location) return;
        string message = string.Format(CultureInfo.InvariantCulture,
            "TokensPerSecond = {0} has no effect with Rope = {1}{2}: Qwen2-VL's get_rope_index numbers a video's frame groups 0, 1, 2, … "
            + "whatever their duration; for a Qwen2.5-VL checkpoint set Rope = QwenRopeVariant.Qwen25VL (or the Qwen2.5-VL variant your "
            + "transformers runs), otherwise remove TokensPerSecond",
            spec.Get("TokensPerSecond"), variant, spec.IsExplicit("Rope") ? "" : " (the default)");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.IneffectiveValue, location, message));
    }

    /// <summary>
    /// Finds the argument an error comes from: the explicit values whose reset to the default changes the planning core's
    /// answer; when several do, the one the message names first. Pinpoint errors point at the argument list.
    /// </summary>
    private static Location? LocateError(TilingSpec spec, string error, AttributeSyntax? syntax)
    {
        if (syntax is null) return null;
        const string pinpointsKey = "(pinpoints)";
        var culprits = new List<string>();
        foreach (var value in spec.Values)
        {
            if (!value.IsExplicit) continue;
            long fallback = DefaultOf(spec.Kind, value.Name);
            if (SpecEvaluation.Evaluate(WithValue(spec, value.Name, fallback)).Error != error) culprits.Add(value.Name);
        }
        if (spec.Kind == SpecKind.AnyRes && spec.Pinpoints.Length > 0)
        {
            var defaults = new TilingSpec(spec.Kind, spec.Values, EquatableArray<int>.Empty, spec.Budget);
            if (SpecEvaluation.Evaluate(defaults).Error != error) culprits.Add(pinpointsKey);
        }
        string? chosen = culprits.Count == 1 ? culprits[0] : null;
        if (chosen is null)
        {
            foreach (string culprit in culprits)
            {
                if (culprit != pinpointsKey && error.StartsWith(UpstreamName(culprit), StringComparison.Ordinal))
                {
                    chosen = culprit;
                    break;
                }
            }
        }
        if (chosen is null) return null;
        return chosen == pinpointsKey ? syntax.ArgumentList?.GetLocation() : NamedArgumentLocation(syntax, chosen);
    }

    /// <summary>The name the planning core's messages use for a property (the upstream configuration key).</summary>
    private static string UpstreamName(string property) => property switch
    {
        "TileSize" => "image_size",
        "MinTiles" => "min_num",
        "MaxTiles" => "max_num",
        "TokensPerTile" => "tokens_per_tile",
        "PatchSize" => "patch_size",
        "MergeSize" => "merge_size",
        "MinPixels" => "min_pixels",
        "MaxPixels" => "max_pixels",
        "TemporalPatchSize" => "temporal_patch_size",
        "CropSize" => "crop_size",
        "AdditionalImageTokens" => "num_additional_image_tokens",
        _ => property,
    };

    internal static long DefaultOf(SpecKind kind, string name)
    {
        foreach (var (n, value) in TilingSpec.Defaults(kind)) if (n == name) return value;
        return 0;
    }

    internal static TilingSpec WithValue(TilingSpec spec, string name, long value)
    {
        var values = ImmutableArray.CreateBuilder<SpecValue>(spec.Values.Length);
        foreach (var v in spec.Values) values.Add(v.Name == name ? new SpecValue(name, value, v.IsExplicit) : v);
        return new TilingSpec(spec.Kind, new EquatableArray<SpecValue>(values.MoveToImmutable()), spec.Pinpoints, spec.Budget);
    }

    private static string ShortName(INamedTypeSymbol attribute) =>
        attribute.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length) : attribute.Name;

    private static AttributeSyntax? AttributeSyntaxOf(AttributeData attribute, CancellationToken ct) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;

    private static Location AttributeLocation(AttributeData attribute, INamedTypeSymbol type, CancellationToken ct) =>
        AttributeSyntaxOf(attribute, ct)?.GetLocation() ?? (type.Locations.Length > 0 ? type.Locations[0] : Location.None);

    private static Location? NamedArgumentLocation(AttributeSyntax? syntax, string name)
    {
        if (syntax?.ArgumentList is not { } list) return null;
        foreach (var argument in list.Arguments)
            if (argument.NameEquals?.Name.Identifier.ValueText == name) return argument.GetLocation();
        return null;
    }

    private static List<AttributeArgumentSyntax> PositionalArguments(AttributeSyntax? syntax)
    {
        var result = new List<AttributeArgumentSyntax>();
        if (syntax?.ArgumentList is not { } list) return result;
        foreach (var argument in list.Arguments)
            if (argument.NameEquals is null) result.Add(argument);
        return result;
    }

    /// <summary>
    /// Whether the attribute's source has arguments that did not bind (an unknown name, a missing value, a wrong type):
    /// the values read are then not what the user means yet, so the analyzers wait.
    /// </summary>
    private static bool HasBrokenArguments(AttributeData attribute, CancellationToken ct)
    {
        if (AttributeSyntaxOf(attribute, ct) is not { } syntax) return false;
        if (syntax.ContainsDiagnostics) return true;
        if (syntax.ArgumentList is not { } list) return false;
        int named = 0;
        foreach (var argument in list.Arguments) if (argument.NameEquals is not null) named++;
        return named != attribute.NamedArguments.Length;
    }
}

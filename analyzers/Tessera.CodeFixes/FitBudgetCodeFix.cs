using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Tessera.Generators.Analyzers;

namespace Tessera.CodeFixes;

/// <summary>
/// TESS002: lowers the spec's size knob (InternVL <c>MaxTiles</c>, Qwen <c>MaxPixels</c>) to the largest value whose worst case
/// fits the budget. The analyzer computes that value with the planning core and passes it in the diagnostic's properties;
/// without them (LLaVA-NeXT, or no value fits) no fix is offered.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FitBudgetCodeFix)), Shared]
public sealed class FitBudgetCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ExceedsContext);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticIds.KnobProperty, out string? knob) || knob is not ("MaxTiles" or "MaxPixels")) continue;
            if (!diagnostic.Properties.TryGetValue(DiagnosticIds.ValueProperty, out string? text)
                || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)) continue;
            if (root.FindNode(diagnostic.Location.SourceSpan) is not { } node) continue;
            var attribute = node as AttributeSyntax ?? node.FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute is null) continue;
            diagnostic.Properties.TryGetValue(DiagnosticIds.FitTokensProperty, out string? tokens);
            string title = tokens is null ? $"Lower {knob} to {text}" : $"Lower {knob} to {text} (worst case {tokens} image tokens)";
            context.RegisterCodeFix(CodeAction.Create(title, ct => SetAsync(context.Document, attribute, knob, value, ct), equivalenceKey: "TesseraFitBudget"),
                diagnostic);
        }
    }

    private static async Task<Document> SetAsync(Document document, AttributeSyntax attribute, string knob, long value, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null) return document;
        // MaxTiles is an int, MaxPixels a long: a plain decimal literal converts to either.
        var literal = value <= int.MaxValue
            ? SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal((int)value))
            : SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value.ToString(CultureInfo.InvariantCulture), value));

        AttributeSyntax updated;
        var existing = FindNamed(attribute, knob);
        if (existing is not null)
        {
            updated = attribute.ReplaceNode(existing.Expression, literal.WithTriviaFrom(existing.Expression));
        }
        else
        {
            var argument = SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName(knob)), null, literal);
            var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            updated = attribute.WithArgumentList(list.WithArguments(list.Arguments.Add(argument)));
        }
        return document.WithSyntaxRoot(root.ReplaceNode(attribute, updated.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation)));
    }

    private static AttributeArgumentSyntax? FindNamed(AttributeSyntax attribute, string name)
    {
        if (attribute.ArgumentList is null) return null;
        foreach (var argument in attribute.ArgumentList.Arguments)
            if (argument.NameEquals?.Name.Identifier.ValueText == name) return argument;
        return null;
    }
}

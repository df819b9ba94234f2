using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Tessera.Generators.Specs;

namespace Tessera.Generators.Generation;

/// <summary>
/// Turns a <c>partial</c> class carrying <c>[AspectRatioTiling]</c>, <c>[NativeResolution]</c> or <c>[AnyResTiling]</c>
/// (and optionally <c>[TokenBudget]</c>) into its options, plan, token counts and compile-time tables. A spec the
/// planning core rejects, a class that is not partial (or is generic, or carries two tiling attributes) and half-typed
/// attribute code produce nothing: the analyzers report those.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class TilingSpecGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the step reading <c>[AspectRatioTiling]</c> classes into models.</summary>
    public const string AspectRatioStep = "Tessera.AspectRatioTiling";

    /// <summary>Tracking name of the step reading <c>[NativeResolution]</c> classes into models.</summary>
    public const string NativeResolutionStep = "Tessera.NativeResolution";

    /// <summary>Tracking name of the step reading <c>[AnyResTiling]</c> classes into models.</summary>
    public const string AnyResStep = "Tessera.AnyResTiling";

    /// <summary>Tracking name of the steps keeping only the classes that will be emitted.</summary>
    public const string ValidStep = "Tessera.ValidSpecs";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Register(context, SpecAttributes.AspectRatio, AspectRatioStep);
        Register(context, SpecAttributes.NativeResolution, NativeResolutionStep);
        Register(context, SpecAttributes.AnyRes, AnyResStep);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, string attribute, string stepName)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(attribute, static (node, _) => IsClassDeclaration(node), static (ctx, ct) => Read(ctx, ct))
            .WithTrackingName(stepName)
            .Where(static m => m is not null)
            .WithTrackingName(ValidStep);
        context.RegisterSourceOutput(models, static (spc, model) => Emit(spc, model!));
    }

    private static bool IsClassDeclaration(SyntaxNode node) =>
        node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax r && !r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

    /// <summary>The transform: a value model of the class, or null when nothing is to be emitted for it. Never throws.</summary>
    private static SpecClassModel? Read(GeneratorAttributeSyntaxContext ctx, CancellationToken cancellationToken)
    {
        try
        {
            if (ctx.TargetSymbol is not INamedTypeSymbol type || type.TypeKind != TypeKind.Class || ctx.Attributes.Length != 1) return null;
            if (type.Arity > 0 || type.IsFileLocal || !SyntaxFacts.IsValidIdentifier(type.Name) || !IsPartialEverywhere(type, cancellationToken))
                return null;

            // One tiling attribute and at most one budget (duplicates are compile errors, reported by the compiler).
            AttributeData? tiling = null, budget = null;
            int tilings = 0, budgets = 0;
            foreach (var a in type.GetAttributes())
            {
                string? name = a.AttributeClass?.ToDisplayString();
                if (name is null) continue;
                if (SpecAttributes.KindOf(name) is not null)
                {
                    tilings++;
                    tiling = a;
                }
                else if (name == SpecAttributes.TokenBudget)
                {
                    budgets++;
                    budget = a;
                }
            }
            if (tilings != 1 || budgets > 1 || tiling is null) return null;
            if (!IsWellFormed(tiling, cancellationToken) || (budget is not null && !IsWellFormed(budget, cancellationToken))) return null;

            var spec = TilingSpec.Read(tiling, budget);
            if (spec is null || !SpecEvaluation.Evaluate(spec).IsValid) return null;

            var containing = ImmutableArray.CreateBuilder<ContainingType>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.Arity > 0 || !IsPartialEverywhere(outer, cancellationToken) || KeywordOf(outer) is not string keyword) return null;
                containing.Insert(0, new ContainingType(keyword, outer.Name));
            }

            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            string pipeline = spec.Kind switch
            {
                SpecKind.AspectRatio => "Tessera.Pipelines.InternVLPipeline",
                SpecKind.NativeResolution => "Tessera.Pipelines.Qwen2VLPipeline",
                _ => "Tessera.Pipelines.LlavaNextPipeline",
            };
            bool hasPipeline = ctx.SemanticModel.Compilation.GetTypeByMetadataName(pipeline) is not null;
            return new SpecClassModel(ns, type.Name, KeywordOf(type)!, SyntaxFacts.GetText(type.DeclaredAccessibility),
                new EquatableArray<ContainingType>(containing.ToImmutable()), spec, hasPipeline);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Length == 0) return false;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || declaration.Identifier.IsMissing
                || !declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)))
                return false;
        }
        return true;
    }

    private static string? KeywordOf(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => type.IsRecord ? "record" : "class",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        _ => null,
    };

    /// <summary>
    /// Whether the attribute bound cleanly: it parses, a constructor was found, and every named argument written in the
    /// source reached the attribute data exactly once (the compiler drops an unknown name), so half-typed code is never read
    /// as defaults.
    /// </summary>
    private static bool IsWellFormed(AttributeData attribute, CancellationToken cancellationToken)
    {
        if (attribute.AttributeConstructor is null) return false;
        foreach (var arg in attribute.ConstructorArguments)
            if (arg.Kind == TypedConstantKind.Error) return false;
        for (int i = 0; i < attribute.NamedArguments.Length; i++)
        {
            var named = attribute.NamedArguments[i];
            if (named.Value.Kind == TypedConstantKind.Error) return false;
            for (int j = 0; j < i; j++)
                if (attribute.NamedArguments[j].Key == named.Key) return false; // written twice (a compile error)
        }
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax) return false;
        // A parse error anywhere in the [...] list (a missing parenthesis or bracket) means the user is still typing.
        if (syntax.Parent is { ContainsDiagnostics: true } || syntax.ContainsDiagnostics) return false;
        int written = 0;
        if (syntax.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals is not null) written++;
                if (argument.Expression.IsMissing || argument.ContainsDiagnostics) return false;
            }
        }
        return written == attribute.NamedArguments.Length;
    }

    private static void Emit(SourceProductionContext context, SpecClassModel model)
    {
        string? source;
        try
        {
            source = SpecEmitter.Emit(model, GeneratorVersion);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return; // never break the user's build over generated code
        }
        if (source is null) return;
        try
        {
            context.AddSource(model.HintName, SourceText.From(source, Encoding.UTF8));
        }
        catch (ArgumentException)
        {
            // A duplicate hint name (the same class seen twice): the first emission stands.
        }
    }

    /// <summary>The version written into <c>[GeneratedCode]</c>: the assembly version (stable across commits).</summary>
    internal static string GeneratorVersion { get; } = typeof(TilingSpecGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}

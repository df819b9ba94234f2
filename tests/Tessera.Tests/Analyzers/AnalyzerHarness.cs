extern alias generators;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Tessera.Specs;
using Xunit;
using TilingSpecAnalyzer = generators::Tessera.Generators.Analyzers.TilingSpecAnalyzer;

namespace Tessera.Tests.Analyzers;

/// <summary>
/// Runs the Tessera analyzers over in-memory C# (referencing the framework and the Tessera runtime library) and the code
/// fixes through an <see cref="AdhocWorkspace"/>. Sources may mark one expected span with <c>[|</c> … <c>|]</c>.
/// </summary>
internal static class AnalyzerHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>The framework's assemblies (only those beside System.Private.CoreLib: the test's own dependencies include
    /// the generator assembly, whose linked Tessera.Planning types would clash) plus Tessera.dll.</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal));
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(AspectRatioTilingAttribute).Assembly.Location))
            .ToImmutableArray();
    });

    public const string Usings = "using Tessera.Specs;\nusing Tessera.Planning;\n";

    /// <summary>Removes the <c>[| |]</c> markup, returning the plain source and the marked span (if any).</summary>
    public static (string Source, TextSpan? Span) Parse(string markup)
    {
        int start = markup.IndexOf("[|", StringComparison.Ordinal);
        if (start < 0) return (markup, null);
        int end = markup.IndexOf("|]", start, StringComparison.Ordinal);
        string source = markup.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }

    public static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create("Specs", new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Spec.cs") }, References.Value,
            CompilationOptions);

    /// <summary>The analyzer's diagnostics; fails on analyzer exceptions (reported or swallowed) and on AD0001.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
    {
        int swallowedBefore = Volatile.Read(ref TilingSpecAnalyzer.SwallowedExceptions);
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (e, _, _) => { lock (exceptions) exceptions.Add(e); }, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new TilingSpecAnalyzer()), options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Equal(swallowedBefore, Volatile.Read(ref TilingSpecAnalyzer.SwallowedExceptions));
        return diagnostics.Sort((a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
    }

    /// <summary>Compiles <paramref name="source"/> (which must be free of compiler errors) and analyzes it.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeValidAsync(string source)
    {
        var compilation = Compile(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        return await AnalyzeAsync(compilation);
    }

    /// <summary>Asserts the source (with one marked span) yields exactly one diagnostic: this id and severity, at that span.</summary>
    public static async Task<Diagnostic> SingleAsync(string markup, string id, DiagnosticSeverity severity)
    {
        var (source, span) = Parse(markup);
        var diagnostics = await AnalyzeAsync(Compile(source));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal("Tessera", diagnostic.Descriptor.Category);
        Assert.Equal("docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
        Assert.NotNull(span);
        Assert.Equal(span!.Value, diagnostic.Location.SourceSpan);
        return diagnostic;
    }

    /// <summary>
    /// Runs <paramref name="provider"/> on the single <paramref name="id"/> diagnostic of <paramref name="source"/> in an
    /// <see cref="AdhocWorkspace"/>; returns the code actions it registered and, for each, the fixed document's text.
    /// </summary>
    public static async Task<IReadOnlyList<(CodeAction Action, string Text)>> FixAsync(string source, string id, CodeFixProvider provider)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Specs", "Specs", LanguageNames.CSharp,
                compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References.Value))
            .AddDocument(documentId, "Spec.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = Assert.Single(await AnalyzeAsync(compilation), d => d.Id == id);
        Assert.Contains(id, provider.FixableDiagnosticIds);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);

        var results = new List<(CodeAction, string)>();
        foreach (var action in actions)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            var text = await changed.GetDocument(documentId)!.GetTextAsync();
            results.Add((action, text.ToString()));
        }
        return results;
    }
}

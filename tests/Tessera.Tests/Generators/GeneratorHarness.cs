extern alias generators;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using TilingSpecGenerator = generators::Tessera.Generators.Generation.TilingSpecGenerator;

namespace Tessera.Tests.Generators;

/// <summary>Builds compilations that reference the Tessera runtime and runs the tiling-spec generator over them.</summary>
internal static class GeneratorHarness
{
    /// <summary>
    /// C# as a consumer's Debug build compiles it (DEBUG defined, so the generated <c>Debug.Assert</c>s run), with XML
    /// docs checked (so a broken <c>cref</c> in the output is a warning).
    /// </summary>
    public static CSharpParseOptions ParseOptions { get; } =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose, preprocessorSymbols: new[] { "DEBUG" });

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The runtime's own assemblies, Tessera and what Tessera references.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        foreach (string path in tpa.Split(Path.PathSeparator))
        {
            if (string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal)) paths.Add(path);
        }
        var tessera = typeof(Tessera.Specs.AspectRatioTilingAttribute).Assembly;
        paths.Add(tessera.Location);
        foreach (var name in tessera.GetReferencedAssemblies())
        {
            string location = Assembly.Load(name).Location;
            if (location.Length > 0) paths.Add(location);
        }
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    /// <summary>A library compilation of <paramref name="sources"/>.</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("Specs" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A driver with step tracking on.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(new[] { new TilingSpecGenerator().AsSourceGenerator() }, parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated trees added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var result = driver.GetRunResult().Results.Single();
        return (result, output);
    }

    /// <summary>Warnings and errors of <paramref name="compilation"/>, formatted for an assertion message.</summary>
    public static string[] Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();

    /// <summary>Emits <paramref name="compilation"/> and loads it into a collectible context (Tessera resolves to the test's copy).</summary>
    public static (Assembly Assembly, AssemblyLoadContext Context) Load(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext("generated-specs", isCollectible: true);
        return (context.LoadFromStream(image), context);
    }

    /// <summary>Compiles <paramref name="source"/>, runs the generator (which must not throw and must emit one file per spec
    /// class) and loads the result: the fixture of the tests that call generated members.</summary>
    public static (Assembly Assembly, AssemblyLoadContext Context) CompileAndLoad(string source, int specClasses)
    {
        var (result, output) = Run(Compile(source));
        Assert.Null(result.Exception);
        Assert.Equal(specClasses, result.GeneratedSources.Length);
        return Load(output);
    }
}

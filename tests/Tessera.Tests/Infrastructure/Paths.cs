using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Tessera.Tests.Infrastructure;

/// <summary>Where the shared reference data and the repository live, as recorded at build time.</summary>
public static class Paths
{
    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} missing.");

    /// <summary><c>../shared</c> beside the repository (override with TESSERA_SHARED).</summary>
    public static string Shared { get; } = Environment.GetEnvironmentVariable("TESSERA_SHARED") is { Length: > 0 } s ? s : Metadata("SharedRoot");

    /// <summary>The repository root.</summary>
    public static string Repo { get; } = Metadata("RepoRoot");

    /// <summary>A path under <c>../shared/golden</c>.</summary>
    public static string Golden(params string[] parts) => Path.Combine([Shared, "golden", .. parts]);

    /// <summary>A file of the shared image corpus.</summary>
    public static string Corpus(string file) => Path.Combine(Shared, "corpus", file);

    /// <summary>A file under the repository's test fixtures.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Repo, "tests", "fixtures", .. parts]);
}

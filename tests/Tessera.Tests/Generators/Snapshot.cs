using System;
using System.IO;
using System.Runtime.CompilerServices;
using Tessera.Tests.Infrastructure;
using Xunit.Sdk;

namespace Tessera.Tests.Generators;

/// <summary>
/// A small stand-in for Verify: the expected text of <c>Class.Test</c> is <c>Class.Test.verified.cs</c> beside the test
/// file. On a mismatch (or when no verified file exists) the actual text is written to <c>Class.Test.received.cs</c> and
/// the test fails with a summary of the first difference; accept it by renaming received to verified. A match deletes
/// a stale received file. Line ends are compared as LF.
/// </summary>
public static class Snapshot
{
    /// <summary>Compares <paramref name="actual"/> with the verified snapshot of the calling test.</summary>
    /// <param name="actual">The text produced by the test.</param>
    /// <param name="testClass">The test class name (the file is named after it).</param>
    /// <param name="testName">The test method; the caller's name by default.</param>
    /// <param name="sourceFile">The calling source file; its directory holds the snapshots.</param>
    public static void Verify(string actual, string testClass, [CallerMemberName] string testName = "", [CallerFilePath] string sourceFile = "")
    {
        string directory = Path.GetDirectoryName(sourceFile) is { Length: > 0 } d && Directory.Exists(d)
            ? d
            : Path.Combine(Paths.Repo, "tests", "Tessera.Tests", "Generators");
        string stem = Path.Combine(directory, $"{testClass}.{testName}");
        string verifiedPath = stem + ".verified.cs", receivedPath = stem + ".received.cs";
        string received = Normalize(actual);

        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, received);
            throw new XunitException($"No verified snapshot {Path.GetFileName(verifiedPath)}: wrote {receivedPath}. Review it and rename it to .verified.cs.");
        }
        string verified = Normalize(File.ReadAllText(verifiedPath));
        if (verified == received)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        throw new XunitException($"Snapshot {Path.GetFileName(verifiedPath)} differs: wrote {receivedPath}.{Environment.NewLine}{Summarize(verified, received)}");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Line counts and the first few differing lines.</summary>
    internal static string Summarize(string verified, string received)
    {
        string[] v = verified.Split('\n'), r = received.Split('\n');
        var summary = new System.Text.StringBuilder($"verified {v.Length} lines, received {r.Length} lines.");
        int shown = 0;
        for (int i = 0; i < Math.Max(v.Length, r.Length) && shown < 5; i++)
        {
            string? a = i < v.Length ? v[i] : null, b = i < r.Length ? r[i] : null;
            if (a == b) continue;
            summary.AppendLine().Append($"line {i + 1}:").AppendLine()
                .Append("  - ").Append(a ?? "<missing>").AppendLine()
                .Append("  + ").Append(b ?? "<missing>");
            shown++;
        }
        return summary.ToString();
    }
}

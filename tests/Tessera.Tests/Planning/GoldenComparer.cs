using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Runs one golden plan file through the CLI's own code path (<see cref="PlanConformance.ProcessLine"/>) with each line's
/// <c>result</c> removed and compares the output with <see cref="JsonByValue"/>: every golden key present with an equal
/// value, or an error exactly where upstream raises.
/// </summary>
public static class GoldenComparer
{
    /// <summary>Result of comparing one file.</summary>
    public sealed record Outcome(int Lines, int Failures, IReadOnlyList<string> FirstFailures);

    /// <summary>Compares every line of <c>golden/plans/<paramref name="file"/></c>.</summary>
    public static Outcome ComparePlanFile(string file)
    {
        var firstFailures = new List<string>();
        int lines = 0, failures = 0;
        foreach (var line in File.ReadLines(Paths.Golden("plans", file)))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            lines++;
            var golden = JsonNode.Parse(line)!.AsObject();
            var request = golden.DeepClone().AsObject();
            request.Remove("result");
            request.Remove("error");
            var output = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!.AsObject();
            var diffs = new List<string>();
            bool ok = golden.ContainsKey("error")
                ? output.ContainsKey("error") && !output.ContainsKey("result")
                : output.ContainsKey("result") && !output.ContainsKey("error") && JsonByValue.Contains(golden["result"], output["result"], diffs);
            if (ok) continue;
            failures++;
            if (firstFailures.Count < 10)
                firstFailures.Add($"line {lines} ({golden["width"]}x{golden["height"]}): "
                    + (output["error"] is { } err ? $"error {err}" : string.Join("; ", diffs)));
        }
        return new Outcome(lines, failures, firstFailures);
    }

    /// <summary>Asserts that the file has lines and every one of them equals the reference.</summary>
    public static void AssertPlanFile(string file)
    {
        var outcome = ComparePlanFile(file);
        Assert.True(outcome.Lines > 0, $"{file}: empty golden file");
        Assert.True(outcome.Failures == 0,
            $"{file}: {outcome.Failures} of {outcome.Lines} lines differ:\n" + string.Join("\n", outcome.FirstFailures.Take(10)));
    }

    /// <summary>The result the CLI computes for one request (no golden involved).</summary>
    public static JsonObject Result(string strategy, JsonObject config, int width, int height)
    {
        var request = new JsonObject { ["strategy"] = strategy, ["config"] = config.DeepClone(), ["width"] = width, ["height"] = height };
        var output = JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!.AsObject();
        Assert.False(output.ContainsKey("error"), output["error"]?.ToJsonString());
        return output["result"]!.AsObject();
    }

    /// <summary>The config of the first line of a golden file (the configuration the reference was run with).</summary>
    public static JsonObject FirstConfig(string file) =>
        JsonNode.Parse(File.ReadLines(Paths.Golden("plans", file)).First())!["config"]!.DeepClone().AsObject();

    /// <summary>The golden line of <paramref name="file"/> for one image size, if the file has it.</summary>
    public static JsonObject? Line(string file, int width, int height) =>
        File.ReadLines(Paths.Golden("plans", file)).Select(l => JsonNode.Parse(l)!.AsObject())
            .FirstOrDefault(o => (int)o["width"]! == width && (int)o["height"]! == height);
}

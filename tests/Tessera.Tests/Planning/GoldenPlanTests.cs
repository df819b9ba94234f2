using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// Every line of every file in ../shared/golden/plans goes through the CLI's own code path
/// (<see cref="PlanConformance.ProcessLine"/>) with its result removed; the output must hold every golden key with an
/// equal value, or an error exactly where upstream raises.
/// </summary>
public class GoldenPlanTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Paths.Golden("plans"), "*.jsonl").OrderBy(f => f, System.StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_golden_plan_folder_is_present_and_not_empty()
    {
        Assert.True(Directory.GetFiles(Paths.Golden("plans"), "*.jsonl").Length >= 24, $"expected the 24 golden plan files under {Paths.Golden("plans")}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_line_equals_the_reference(string file)
    {
        var failures = new List<string>();
        int lines = 0;
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
            if (!ok && failures.Count < 10)
                failures.Add($"line {lines} ({golden["width"]}x{golden["height"]} {golden["config"]!.ToJsonString()[..System.Math.Min(80, golden["config"]!.ToJsonString().Length)]}): "
                    + (output["error"] is { } err ? $"error {err}" : string.Join("; ", diffs)));
            else if (!ok) failures.Add("…");
        }
        Assert.True(lines > 0, "empty golden file");
        Assert.True(failures.Count == 0, $"{file}: {failures.Count(f => f != "…")}+ of {lines} lines differ:\n" + string.Join("\n", failures.Take(11)));
    }
}

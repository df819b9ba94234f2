using System.IO;
using System.Linq;
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
    public void Every_line_equals_the_reference(string file) => GoldenComparer.AssertPlanFile(file);
}

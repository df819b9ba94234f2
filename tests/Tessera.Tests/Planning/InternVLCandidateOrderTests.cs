using System.Linq;
using System.Text.Json.Nodes;
using System.IO;
using Tessera.Planning;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>The candidate lists equal ../shared/golden/internvl_candidate_orders.json, in order, for both variants.</summary>
public class InternVLCandidateOrderTests
{
    public static TheoryData<string, string> Orders()
    {
        var data = new TheoryData<string, string>();
        var root = JsonNode.Parse(File.ReadAllText(Paths.Golden("internvl_candidate_orders.json")))!["orders"]!.AsObject();
        foreach (var (config, variants) in root)
            foreach (var (variant, _) in variants!.AsObject())
                data.Add(config, variant);
        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Candidate_order_equals_upstream(string config, string variant)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Paths.Golden("internvl_candidate_orders.json")))!["orders"]![config]![variant]!.AsArray()
            .Select(p => new GridShape((int)p![0]!, (int)p[1]!)).ToArray();
        var parts = config.Replace("min", "").Split("_max");
        var order = variant.StartsWith("official") ? InternVLCandidateOrder.Official : InternVLCandidateOrder.Transformers;
        var options = new InternVLOptions(448, int.Parse(parts[0]), int.Parse(parts[1]), true, 256, order);
        Assert.Equal(expected, options.Candidates.ToArray());
    }
}

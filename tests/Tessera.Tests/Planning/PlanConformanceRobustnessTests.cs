using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Tessera.Cli.Conformance;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>
/// The conformance command never crashes: malformed lines, unknown strategies, missing or wrong config values and
/// absurd sizes all come back as one JSON line with an <c>error</c>; sizes up to 2³¹−1 plan without overflow.
/// </summary>
public class PlanConformanceRobustnessTests
{
    public static TheoryData<string> Strategies()
    {
        var data = new TheoryData<string>();
        foreach (var name in PlanConformance.Handlers.Keys.OrderBy(k => k, StringComparer.Ordinal)) data.Add(name);
        return data;
    }

    private static JsonObject FirstGoldenRequest(string strategy)
    {
        string file = Directory.GetFiles(Paths.Golden("plans"), strategy + ".jsonl").Single();
        var line = JsonNode.Parse(File.ReadLines(file).First())!.AsObject();
        line.Remove("result");
        line.Remove("error");
        return line;
    }

    private static JsonObject Run(JsonObject request) => JsonNode.Parse(PlanConformance.ProcessLine(request.ToJsonString()))!.AsObject();

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Extreme_sizes_give_a_result_or_an_error_never_a_crash(string strategy)
    {
        var request = FirstGoldenRequest(strategy);
        foreach (var (w, h) in new[] { (int.MaxValue, 1), (1, int.MaxValue), (int.MaxValue, int.MaxValue), (int.MaxValue, int.MaxValue - 1), (46341, 46341), (1, 1) })
        {
            request["width"] = w;
            request["height"] = h;
            var output = Run(request);
            Assert.True(output.ContainsKey("result") ^ output.ContainsKey("error"), output.ToJsonString());
            if (output["result"] is JsonObject result)
            {
                // No negative number anywhere: an overflow would show up as one.
                foreach (var value in result.Select(p => p.Value).OfType<JsonValue>())
                    if (value.TryGetValue(out long l)) Assert.True(l >= 0, $"{strategy} {w}x{h}: {result.ToJsonString()}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Bad_sizes_and_missing_config_values_are_error_lines(string strategy)
    {
        var request = FirstGoldenRequest(strategy);
        foreach (var bad in new JsonNode?[] { 0, -5, 3.5, "12", null, 2147483648L })
        {
            var r = (JsonObject)request.DeepClone();
            r["width"] = bad?.DeepClone();
            Assert.True(Run(r).ContainsKey("error"), $"{strategy} width {bad?.ToJsonString() ?? "null"}");
        }
        foreach (var key in request["config"]!.AsObject().Select(p => p.Key).ToArray())
        {
            var r = (JsonObject)request.DeepClone();
            r["config"]!.AsObject()[key] = "not a number";
            var output = Run(r);
            Assert.True(output.ContainsKey("error"), $"{strategy}: config '{key}' set to a string was accepted: {output.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"strategy\": \"no.such.strategy\", \"config\": {}, \"width\": 10, \"height\": 10}")]
    [InlineData("{\"strategy\": 42, \"config\": {}, \"width\": 10, \"height\": 10}")]
    [InlineData("{\"strategy\": \"qwen2vl.smart_resize\", \"width\": 10, \"height\": 10}")]
    [InlineData("{\"strategy\": \"qwen2vl.smart_resize\", \"config\": {\"factor\": 28, \"min_pixels\": 3136, \"max_pixels\": 1003520, \"patch_size\": 14, \"merge_size\": 3}, \"width\": 10, \"height\": 10}")]
    public void Malformed_requests_are_error_lines(string line)
    {
        var output = JsonNode.Parse(PlanConformance.ProcessLine(line))!.AsObject();
        Assert.True(output.ContainsKey("error"));
        Assert.False(output.ContainsKey("result"));
    }

    [Fact]
    public void Run_writes_one_line_per_request_in_order()
    {
        var requests = string.Join("\n", PlanConformance.Handlers.Keys.Select(s => FirstGoldenRequest(s).ToJsonString()).Append("garbage"));
        var output = new StringWriter();
        PlanConformance.Run(new StringReader(requests), output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(requests.Split('\n').Length, lines.Length);
        Assert.Contains("error", lines[^1]);
    }
}

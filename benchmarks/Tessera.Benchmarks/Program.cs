using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Tessera.Benchmarks;

/// <summary>Runs the benchmarks (BenchmarkDotNet arguments pass through) and prints peer ratios for planning.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--rope-sequence")
        {
            MixedSequence.Build().WriteJson(args[1]);
            return;
        }
        if (args.Length == 2 && args[0] == "--video-clip")
        {
            VideoClip.Build().WriteFiles(args[1]);
            return;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance);
        foreach (var summary in summaries)
        {
            if (summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(PlanBenchmarks)))
                PrintPlanRatios(summary);
            if (summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(RopeBenchmarks)))
                PrintRopePerToken(summary);
        }
    }

    private static void PrintPlanRatios(Summary summary)
    {
        string shared = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "SharedRoot").Value!;
        var peers = JsonNode.Parse(File.ReadAllText(Path.Combine(shared, "peers", "python-plan-timings.json")))!["results"]!.AsObject();
        Console.WriteLine();
        Console.WriteLine("| strategy | Tessera ns/call | allocated B/call | Python ns/call | speed-up |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var report in summary.Reports)
        {
            string method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            double ns = report.ResultStatistics!.Mean / PlanBenchmarks.SizesPerInvocation;
            long bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
            string? peerKey = PeerKey(method);
            var peer = peerKey is null ? null : peers.FirstOrDefault(p => p.Key.StartsWith(peerKey, StringComparison.Ordinal)).Value;
            double? peerNs = peer?["ns_per_call"]?.GetValue<double>();
            Console.WriteLine($"| {method} | {ns:F1} | {bytes} | {(peerNs is { } p ? p.ToString("F0") : "–")} | {(peerNs is { } q ? (q / ns).ToString("F0") + "×" : "–")} |");
        }
    }

    private static void PrintRopePerToken(Summary summary)
    {
        Console.WriteLine();
        Console.WriteLine($"| variant | ns/token ({MixedSequence.Length} tokens) | µs/sequence | allocated B/call |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var report in summary.Reports)
        {
            double ns = report.ResultStatistics!.Mean;
            long bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
            string variant = report.BenchmarkCase.Parameters["Variant"]?.ToString() ?? "?";
            Console.WriteLine($"| {variant} | {ns / MixedSequence.Length:F2} | {ns / 1000:F1} | {bytes} |");
        }
    }

    private static string? PeerKey(string method) => method switch
    {
        "Qwen2VLSmartResize" => "qwen2vl.smart_resize",
        "InternVLDynamicPreprocess" => "internvl.dynamic_preprocess",
        "LlavaNextSelectBestResolution" => "llava_next.select_best_resolution",
        "MiniCpmVSlicedGrid" => "minicpmv.get_sliced_grid",
        _ => null,
    };
}

using System;
using System.IO;

namespace Tessera.Cli;

/// <summary>Entry point of the <c>tessera</c> command.</summary>
public static class Program
{
    private const string Usage = """
        usage: tessera <command> [options]

        commands:
          conform plans                 read plan requests (JSON Lines) on stdin, write plans on stdout
          conform pixels --images DIR   read pixel requests (JSON Lines) on stdin, write results on stdout
          bench pipelines --pipeline qwen2vl|internvl [--runs N] [--warmup N] IMAGE...
                                        time decode and preprocessing, print JSON
        """;

    /// <summary>Runs the command named by <paramref name="args"/>; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return (args[0], args.Length > 1 ? args[1] : null) switch
            {
                ("conform", "plans") => Conformance.PlanConformance.Run(Console.In, Console.Out),
                ("conform", "pixels") => Conformance.PixelConformance.Run(args.AsSpan(2), Console.In, Console.Out, Console.Error),
                ("bench", "pipelines") => Bench.PipelineBench.Run(args[2..], Console.Out, Console.Error),
                _ => Fail($"unknown command: {string.Join(' ', args)}"),
            };
        }
        catch (IOException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"tessera: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

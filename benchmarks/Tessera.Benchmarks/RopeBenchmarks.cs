using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Tessera.Planning;

namespace Tessera.Benchmarks;

/// <summary>
/// M-RoPE position ids for one 16k-token mixed sequence (text runs, three images, two videos), per upstream variant.
/// ns per token is the reported mean divided by <see cref="MixedSequence.Length"/>; the report divides.
/// </summary>
[MemoryDiagnoser]
public class RopeBenchmarks
{
    private MixedSequence _sequence = null!;
    private long[] _positions = null!;
    private QwenRopeOptions _options;

    /// <summary>Which <c>get_rope_index</c>.</summary>
    [Params(QwenRopeVariant.Qwen2VL, QwenRopeVariant.Qwen25VL, QwenRopeVariant.Qwen25VLUnified)]
    public QwenRopeVariant Variant { get; set; }

    /// <summary>Builds the sequence and the output buffer once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sequence = MixedSequence.Build();
        _positions = new long[QwenRope.PositionsLength(_sequence.Ids.Length)];
        _options = new QwenRopeOptions(Variant);
    }

    /// <summary>Fills the [3, L] position block and returns the rope delta.</summary>
    [Benchmark]
    public long GetRopeIndex() =>
        QwenRope.GetRopeIndex(_sequence.Ids, _sequence.ImageGrids, _sequence.VideoGrids, _sequence.SecondPerGridTs, _options, _positions);
}

/// <summary>
/// The benchmark's request: a chat of text runs around three photos and two short clips, planned by
/// <see cref="QwenRequest"/> to fit 16 384 tokens and expanded into ids as the processor would.
/// </summary>
public sealed class MixedSequence
{
    /// <summary>The context the request is fitted to.</summary>
    public const int Length = 16_384;

    private MixedSequence(int[] ids, GridThw[] images, GridThw[] videos, double[] seconds)
    {
        Ids = ids;
        ImageGrids = images;
        VideoGrids = videos;
        SecondPerGridTs = seconds;
    }

    /// <summary>Token ids, exactly <see cref="Length"/> of them.</summary>
    public int[] Ids { get; }

    /// <summary><c>image_grid_thw</c>.</summary>
    public GridThw[] ImageGrids { get; }

    /// <summary><c>video_grid_thw</c>.</summary>
    public GridThw[] VideoGrids { get; }

    /// <summary><c>second_per_grid_ts</c>.</summary>
    public double[] SecondPerGridTs { get; }

    /// <summary>Plans the request and lays it out: text runs of 300 and 120 tokens between items, filler text at the end up to
    /// <see cref="Length"/>.</summary>
    public static MixedSequence Build()
    {
        var items = new[]
        {
            QwenMediaItem.Image(1920, 1080),
            QwenMediaItem.Video(1280, 720, 300, 30),
            QwenMediaItem.Image(1024, 768),
            QwenMediaItem.Video(640, 360, 600, 30),
            QwenMediaItem.Image(800, 1200),
        };
        const int textRun = 300, between = 120;
        long text = textRun + between * (items.Length - 1);
        var options = new QwenRequestOptions(Length, textTokens: text);
        var plans = new QwenItemPlan[items.Length];
        var request = QwenRequest.Fit(items, options, plans);
        var rope = new QwenRopeOptions(QwenRopeVariant.Qwen2VL);
        var ids = new int[Length];
        int at = 0;
        for (int i = 0; i < items.Length; i++)
        {
            at = WriteText(ids, at, i == 0 ? textRun : between);
            at += QwenRope.WriteBlockIds(plans[i], rope, ids.AsSpan(at));
        }
        WriteText(ids, at, Length - at);
        if (request.TotalTokens > Length) throw new InvalidOperationException("the request plan does not fit its context.");
        var images = plans.Where(p => p.Kind == QwenMediaKind.Image).Select(p => p.Grid).ToArray();
        var videoPlans = plans.Where(p => p.Kind == QwenMediaKind.Video).ToArray();
        return new MixedSequence(ids, images, videoPlans.Select(p => p.Grid).ToArray(), videoPlans.Select(p => p.SecondPerGridT ?? 1.0).ToArray());
    }

    /// <summary>Plain text ids (any id that is not a vision token) for <paramref name="count"/> tokens; returns the new end.</summary>
    private static int WriteText(int[] ids, int at, int count)
    {
        for (int k = 0; k < count; k++) ids[at + k] = 1000 + (at + k) % 5000;
        return at + count;
    }

    /// <summary>Writes the sequence as JSON (<c>input_ids</c>, <c>image_grid_thw</c>, <c>video_grid_thw</c>,
    /// <c>second_per_grid_ts</c>) for a peer to time on the same input.</summary>
    public void WriteJson(string path)
    {
        static JsonArray Grids(IEnumerable<GridThw> grids) => new(grids.Select(g => (JsonNode)new JsonArray(g.T, g.H, g.W)).ToArray());
        var root = new JsonObject
        {
            ["input_ids"] = new JsonArray(Ids.Select(i => (JsonNode)i).ToArray()),
            ["image_grid_thw"] = Grids(ImageGrids),
            ["video_grid_thw"] = Grids(VideoGrids),
            ["second_per_grid_ts"] = new JsonArray(SecondPerGridTs.Select(s => (JsonNode)s).ToArray()),
        };
        File.WriteAllText(path, root.ToJsonString());
    }
}

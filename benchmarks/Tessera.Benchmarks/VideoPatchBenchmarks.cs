using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Tessera.Imaging.Tensors;
using Tessera.Planning;

namespace Tessera.Benchmarks;

/// <summary>
/// Qwen2-VL <c>pixel_values_videos</c> from a clip's resized frames: a 10-second 1920×1080 clip at 30 fps planned by
/// qwen-vl-utils' rules (<see cref="VideoClip.Plan"/>: 20 frames at 2 fps), frames given as raw RGB24 (as a decoder pipe
/// delivers them, resized to the plan), written as float32 patch rows. Beside it a plain fill of the output, the memory
/// floor of the step. <c>benchmarks/peers/run-video-peer.sh</c> times numpy on the same frames and checks it writes the
/// same bytes.
/// </summary>
[MemoryDiagnoser]
public class VideoPatchBenchmarks
{
    private VideoClip _clip = null!;
    private float[] _output = [];

    /// <summary>Builds the frames and the output buffer once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _clip = VideoClip.Build();
        _output = new float[_clip.OutputLength];
        Patches();
    }

    /// <summary>Rescale, normalise and patchify every frame.</summary>
    [Benchmark]
    public void Patches() => _clip.Write(_output);

    /// <summary>One sequential write of the output buffer.</summary>
    [Benchmark]
    public void FillOutput() => _output.AsSpan().Fill(1f);
}

/// <summary>The benchmark's clip: its plan and deterministic frames (a fixed-seed byte stream, which the kernels' speed
/// does not depend on).</summary>
public sealed class VideoClip
{
    private VideoClip(QwenVideoPlan plan, byte[] frames)
    {
        Plan = plan;
        Frames = frames;
    }

    /// <summary>qwen-vl-utils' plan of the clip.</summary>
    public QwenVideoPlan Plan { get; }

    /// <summary><see cref="FrameCount"/> RGB24 frames of the resized size, back to back.</summary>
    public byte[] Frames { get; }

    /// <summary>Sampled frames.</summary>
    public int FrameCount => (int)Plan.NFrames;

    /// <summary>Resized frame width.</summary>
    public int Width => (int)Plan.ResizedWidth;

    /// <summary>Resized frame height.</summary>
    public int Height => (int)Plan.ResizedHeight;

    /// <summary>Float32 elements of <c>pixel_values_videos</c>.</summary>
    public int OutputLength => PixelTensors.GetQwenVideoPatchBufferLength(FrameCount, Width, Height, 14, 2, 2);

    /// <summary>300 frames of 1920×1080 at 30 fps with qwen-vl-utils' defaults.</summary>
    public static VideoClip Build()
    {
        var plan = QwenVideo.Plan(300, 30, 1920, 1080, default);
        var frames = new byte[3L * plan.ResizedWidth * plan.ResizedHeight * plan.NFrames];
        new Random(20261201).NextBytes(frames);
        return new VideoClip(plan, frames);
    }

    /// <summary>Writes <c>pixel_values_videos</c> (OpenAI-CLIP mean and std).</summary>
    public void Write(Span<float> output) => Write(FrameCount, output);

    private void Write(int frames, Span<float> output) =>
        PixelTensors.WriteQwenVideoPatches(Frames, frames, Width, Height, 14, 2, 2, NormalizationConstants.OpenAiClip, output);

    /// <summary>Writes the frames to <c>DIR/frames.rgb</c>, Tessera's output to <c>DIR/tessera.f32</c>, its output for all
    /// frames but the last (an odd count: the last group is padded) to <c>DIR/tessera-odd.f32</c> and the shape to
    /// <c>DIR/clip.json</c>, for the numpy peer.</summary>
    public void WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "frames.rgb"), Frames);
        Dump(FrameCount, Path.Combine(directory, "tessera.f32"));
        Dump(FrameCount - 1, Path.Combine(directory, "tessera-odd.f32"));
        File.WriteAllText(Path.Combine(directory, "clip.json"),
            $"{{\"frames\": {FrameCount}, \"width\": {Width}, \"height\": {Height}, \"grid\": [{Plan.GridT}, {Plan.GridH}, {Plan.GridW}]}}\n");
    }

    private void Dump(int frames, string path)
    {
        var output = new float[PixelTensors.GetQwenVideoPatchBufferLength(frames, Width, Height, 14, 2, 2)];
        Write(frames, output);
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(output.AsSpan()).ToArray());
    }
}

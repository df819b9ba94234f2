using BenchmarkDotNet.Attributes;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;
using Tessera.Imaging.Tensors;
using Tessera.Pipelines;
using Tessera.Planning;

namespace Tessera.Benchmarks;

/// <summary>
/// Where Qwen2-VL preprocessing of the 2560×1600 ladybird spends its time: the whole BICUBIC resize to the planned canvas,
/// its horizontal pass alone (resizing the width only, which Pillow does without a vertical pass and over the same source
/// rows), its vertical pass alone over the full width, and the rescale/normalise/patchify step from the canvas; plus a plain
/// fill of the output buffer (the memory-bandwidth floor of that step).
/// </summary>
[MemoryDiagnoser]
public class QwenStageBenchmarks
{
    private readonly QwenVisionOptions _options = QwenVisionOptions.ProcessorDefaults;
    private readonly ResizeWorkspace _workspace = new();
    private DecodedImage _source = null!;
    private byte[] _canvas = [];
    private byte[] _wide = [];
    private byte[] _tall = [];
    private float[] _output = [];
    private int _width;
    private int _height;

    /// <summary>Decodes, plans and fills the canvas once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = Corpus.Load("p_ladybird_baseline420.jpg");
        var plan = QwenNativeResolution.Plan(_source.Width, _source.Height, _options);
        _width = (int)plan.ResizedWidth;
        _height = (int)plan.ResizedHeight;
        _canvas = new byte[PillowResize.DestinationLength(_width, _height)];
        _wide = new byte[PillowResize.DestinationLength(_width, _source.Height)];
        _tall = new byte[PillowResize.DestinationLength(_source.Width, _height)];
        _output = new float[PixelTensors.GetQwenPatchBufferLength(_width, _height, _options.PatchSize, _options.MergeSize, _options.TemporalPatchSize)];
        Resize();
        HorizontalPass();
        VerticalPassFullWidth();
    }

    /// <summary>Both passes: 2560×1600 → the planned canvas.</summary>
    [Benchmark]
    public void Resize() =>
        PillowResize.Resize(_source.View, _canvas, _width, _height, ResampleFilter.Bicubic, _workspace);

    /// <summary>Horizontal pass only: 2560×1600 → canvas width × 1600.</summary>
    [Benchmark]
    public void HorizontalPass() =>
        PillowResize.Resize(_source.View, _wide, _width, _source.Height, ResampleFilter.Bicubic, _workspace);

    /// <summary>Vertical pass only, over the full source width: 2560×1600 → 2560 × canvas height. The pipeline's vertical pass
    /// runs over canvas-width rows, so it costs about canvas width / 2560 of this.</summary>
    [Benchmark]
    public void VerticalPassFullWidth() =>
        PillowResize.Resize(_source.View, _tall, _source.Width, _height, ResampleFilter.Bicubic, _workspace);

    /// <summary>Rescale, normalise and patchify the canvas into <c>pixel_values</c>.</summary>
    [Benchmark]
    public void Patches() =>
        PixelTensors.WriteQwenPatches(_canvas, _width, _height, _options.PatchSize, _options.MergeSize, _options.TemporalPatchSize,
            NormalizationConstants.OpenAiClip, _output);

    /// <summary>One sequential write of the output buffer.</summary>
    [Benchmark]
    public void FillOutput() => System.MemoryExtensions.AsSpan(_output).Fill(1f);
}

using BenchmarkDotNet.Attributes;
using Tessera.Imaging;
using Tessera.Imaging.Resampling;

namespace Tessera.Benchmarks;

/// <summary>
/// Pillow-exact BICUBIC resize of the 2560×1600 ladybird photo to the two canvases the pipelines use most (560×336, an
/// InternVL-sized shrink; 1344×896, near Qwen2-VL's 1 003 520-pixel cap), with the AVX2 kernels and with the scalar ones
/// (the internal <c>useSimd</c> switch). Destination and workspace exist before timing: steady state allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class ResizeBenchmarks
{
    private DecodedImage _source = null!;
    private byte[] _destination = [];
    private readonly ResizeWorkspace _workspace = new();

    /// <summary>Target size, "W×H".</summary>
    [Params("560x336", "1344x896")]
    public string Target { get; set; } = "560x336";

    /// <summary>True: AVX2 kernels (when the CPU has them); false: the scalar reference loops.</summary>
    [Params(true, false)]
    public bool Simd { get; set; }

    private int _width;
    private int _height;

    /// <summary>Decodes the source and sizes the destination.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = Corpus.Load("p_ladybird_baseline420.jpg");
        string[] parts = Target.Split('x');
        _width = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _height = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _destination = new byte[PillowResize.DestinationLength(_width, _height)];
        Resize();
    }

    /// <summary>One whole-image BICUBIC resize.</summary>
    [Benchmark]
    public void Resize() =>
        PillowResize.Resize(_source.View, _destination, _width, _height, ResampleFilter.Bicubic,
            ResizeBox.Whole(_source.Width, _source.Height), _workspace, Simd);
}

using BenchmarkDotNet.Attributes;
using Tessera.Imaging;

namespace Tessera.Benchmarks;

/// <summary>
/// <c>ImageLoader.Load(bytes, TransformersLoadImage)</c> from bytes in memory (no file I/O) for one file of each codec path.
/// The decoded image is the result, so its pixel buffer is the expected allocation.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[] _png = [];
    private byte[] _baseline = [];
    private byte[] _progressive = [];
    private byte[] _webp = [];

    /// <summary>Reads the files.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _png = Corpus.Read("p_doc_crc_p3_150dpi.png");            // 1275×1650 RGB
        _baseline = Corpus.Read("p_ladybird_baseline420.jpg");    // 2560×1600 baseline 4:2:0
        _progressive = Corpus.Read("p_twowings_progressive_pil.jpg"); // 2560×1600 progressive
        _webp = Corpus.Read("p_wood-d.webp");                     // 4096×4096 lossy
    }

    /// <summary>PNG, 1275×1650 RGB document scan.</summary>
    [Benchmark]
    public DecodedImage Png() => ImageLoader.Load(_png, LoaderPreset.TransformersLoadImage);

    /// <summary>Baseline JPEG, 2560×1600, 4:2:0.</summary>
    [Benchmark]
    public DecodedImage BaselineJpeg() => ImageLoader.Load(_baseline, LoaderPreset.TransformersLoadImage);

    /// <summary>Progressive JPEG, 2560×1600.</summary>
    [Benchmark]
    public DecodedImage ProgressiveJpeg() => ImageLoader.Load(_progressive, LoaderPreset.TransformersLoadImage);

    /// <summary>Lossy WebP, 4096×4096.</summary>
    [Benchmark]
    public DecodedImage WebP() => ImageLoader.Load(_webp, LoaderPreset.TransformersLoadImage);
}

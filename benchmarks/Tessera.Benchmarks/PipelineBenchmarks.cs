using BenchmarkDotNet.Attributes;
using Tessera.Imaging;
using Tessera.Pipelines;
using Tessera.Planning;

namespace Tessera.Benchmarks;

/// <summary>
/// Whole preprocessing from decoded pixels to the filled float32 tensor: Qwen2-VL at the processor defaults (max_pixels
/// 1 003 520) and InternVL at the model card (448-px tiles, max_num 12, thumbnail), on a 2560×1600 photo and a 252×236
/// crop. Output buffers and workspaces are allocated in setup, so the steady state allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly Qwen2VLPipeline _qwen = new(QwenVisionOptions.ProcessorDefaults);
    private readonly InternVLPipeline _internvl = new(InternVLOptions.ModelCard);
    private readonly PipelineWorkspace _qwenWorkspace = new();
    private readonly PipelineWorkspace _internvlWorkspace = new();
    private DecodedImage _image = null!;
    private float[] _qwenOutput = [];
    private float[] _internvlOutput = [];

    /// <summary>Corpus file.</summary>
    [Params("p_ladybird_baseline420.jpg", "p_ladybug_crop_252x236.jpg")]
    public string Image { get; set; } = "p_ladybird_baseline420.jpg";

    /// <summary>Decodes the image, sizes the outputs and grows the workspaces.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = Corpus.Load(Image);
        _qwenOutput = new float[_qwen.GetOutputLength(_qwen.Plan(_image.Width, _image.Height))];
        _internvlOutput = new float[_internvl.GetOutputLength(_internvl.Plan(_image.Width, _image.Height))];
        Qwen2VL();
        InternVL();
    }

    /// <summary>smart_resize, BICUBIC resize, rescale/normalise, patchify.</summary>
    [Benchmark]
    public QwenPlan Qwen2VL() => _qwen.Run(_image.View, _qwenOutput, _qwenWorkspace);

    /// <summary>dynamic_preprocess (grid resize, tiles, thumbnail), ToTensor, normalise.</summary>
    [Benchmark]
    public InternVLPlan InternVL() => _internvl.Run(_image.View, _internvlOutput, _internvlWorkspace);
}

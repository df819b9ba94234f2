using System;
using System.Collections.Generic;
using System.Globalization;

namespace Tessera.Planning;

/// <summary>What an Oryx feature block carries; decides the frame patch and the compressor's pooling.</summary>
public enum OryxModality
{
    /// <summary>One image: a low-res view and a high-res view, no pooling (1×).</summary>
    Image,
    /// <summary>A video: frames at the video patch, 2×2 average pooling (4× fewer tokens).</summary>
    Video,
    /// <summary>A long video (training only upstream): frames at twice the video patch, 4×4 pooling (16×).</summary>
    VideoLong,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>How many frames a video contributes.</summary>
public enum OryxFrameSampling
{
    /// <summary>Inference and evaluation (<c>inference.py</c>, lmms-eval): exactly <c>frames_upbound</c> frames by numpy
    /// <c>linspace</c>, repeating frames when the clip is shorter.</summary>
    Inference,
    /// <summary>Training (<c>train.py::process_video</c>): the same <c>linspace</c> when the clip has more than
    /// <c>frames_upbound</c> frames, otherwise every frame once.</summary>
    Training,
    // PlanEnums.Check rejects values above the last member: add new members at the end (values 0, 1, … without gaps),
    // then move that check's bound and member list to match (EnumValidationTests fails until both are done).
}

/// <summary>
/// Oryx planning configuration. Upstream (Oryx-mllm/Oryx @ f8c8bc3, <c>oryx/mm_utils.py</c>) reads these from environment
/// variables at import; here each is an explicit value, checked once when the options are made. The defaults are the
/// values every shipped script sets (<see cref="Scripts"/>); <see cref="FromEnvironment"/> reads the variables as upstream
/// parses them. A <c>null</c> high-res, low-res or video setting is the variable left unset.
/// </summary>
public sealed class OryxOptions
{
    /// <summary>Creates options; every argument defaults to the shipped scripts' value.</summary>
    /// <param name="highResBase">Base of <c>HIGHRES_BASE</c> ("base x patch"): 0 = keep the native size within
    /// [<paramref name="minRes"/>², <paramref name="maxRes"/>²]; B &gt; 0 = resize to about B² pixels; <c>null</c> = unset,
    /// the high-res view is the image itself.</param>
    /// <param name="highResPatch">Patch of <c>HIGHRES_BASE</c>: high-res sides are multiples of it (32).</param>
    /// <param name="lowResSize">Size of <c>LOWRES_RESIZE</c> ("size x patch"): the low-res view is the high-res view
    /// resized to about size² pixels (0: the MAXRES/MINRES rule); <c>null</c> = unset, a plain 384×384 resize.</param>
    /// <param name="lowResPatch">Patch of <c>LOWRES_RESIZE</c> (32).</param>
    /// <param name="videoBase">Base of <c>VIDEO_RESIZE</c> (0, the VIDEO_MAXRES/VIDEO_MINRES rule); <c>null</c> = unset,
    /// which upstream cannot plan (NameError): <see cref="Oryx.PlanVideo"/> throws.</param>
    /// <param name="videoPatch">Patch of <c>VIDEO_RESIZE</c> (64; long videos use twice it).</param>
    /// <param name="maxRes"><c>MAXRES</c>: images above maxRes² pixels are scaled down to about that area (1536).</param>
    /// <param name="minRes"><c>MINRES</c>: images below minRes² pixels are scaled up to about that area (0).</param>
    /// <param name="videoMaxRes"><c>VIDEO_MAXRES</c> (480 in the scripts; 1536 when unset).</param>
    /// <param name="videoMinRes"><c>VIDEO_MINRES</c> (288); <c>null</c> = unset, which upstream reads as an undefined
    /// name for every frame of at most videoMaxRes² pixels.</param>
    /// <param name="padToStride"><c>PAD2STRIDE</c>: unscaled views are padded (grey 127, centred) up to a multiple of the
    /// patch instead of truncated down to one.</param>
    /// <param name="framesUpbound"><c>frames_upbound</c> / <c>max_frames_num</c>: frames sampled per video (64).</param>
    /// <param name="frameSampling">Inference (exactly <paramref name="framesUpbound"/> frames) or training (all frames
    /// of a shorter clip).</param>
    /// <param name="vitPatchSize">OryxViT patch size (16; hard-coded upstream).</param>
    /// <param name="modelMaxLength"><c>tokenizer_model_max_length</c>: longer sequences are cut silently (16384);
    /// <c>null</c> = no cut.</param>
    /// <exception cref="PlanException">A patch, frame bound, ViT patch or max length below 1, a negative base, size or
    /// resolution (upstream squares them; Tessera takes them for typos), a <paramref name="minRes"/> other than 0 with
    /// <paramref name="videoMinRes"/> unset (a combination upstream's import never produces), or a
    /// <paramref name="frameSampling"/> outside its declared members.</exception>
    public OryxOptions(int? highResBase = 0, int highResPatch = 32, int? lowResSize = 384, int lowResPatch = 32,
        int? videoBase = 0, int videoPatch = 64, int maxRes = 1536, int minRes = 0, int videoMaxRes = 480, int? videoMinRes = 288,
        bool padToStride = false, int framesUpbound = 64, OryxFrameSampling frameSampling = OryxFrameSampling.Inference,
        int vitPatchSize = 16, int? modelMaxLength = 16384)
    {
        NotNegative(highResBase, "the HIGHRES_BASE base");
        NotNegative(lowResSize, "the LOWRES_RESIZE size");
        NotNegative(videoBase, "the VIDEO_RESIZE base");
        NotNegative(maxRes, "MAXRES");
        NotNegative(minRes, "MINRES");
        NotNegative(videoMaxRes, "VIDEO_MAXRES");
        NotNegative(videoMinRes, "VIDEO_MINRES");
        Positive(highResPatch, "the HIGHRES_BASE patch");
        Positive(lowResPatch, "the LOWRES_RESIZE patch");
        Positive(videoPatch, "the VIDEO_RESIZE patch");
        Positive(framesUpbound, "frames_upbound");
        Positive(vitPatchSize, "the ViT patch size");
        if (modelMaxLength is int max) Positive(max, "model_max_length");
        if (videoMinRes is null && minRes != 0)
            throw PlanException.Config($"MINRES {minRes.ToString(CultureInfo.InvariantCulture)} with VIDEO_MINRES unset never runs "
                + "upstream: mm_utils.py's import sets MINRES = 0 whenever VIDEO_MINRES is unset. Set VIDEO_MINRES, or MINRES 0.");
        if (videoPatch > int.MaxValue / 2)
            throw PlanException.Config($"the VIDEO_RESIZE patch {videoPatch} doubled (long videos) is beyond 32-bit range.");
        PlanEnums.Check(frameSampling);
        HighResBase = highResBase;
        HighResPatch = highResPatch;
        LowResSize = lowResSize;
        LowResPatch = lowResPatch;
        VideoBase = videoBase;
        VideoPatch = videoPatch;
        MaxRes = maxRes;
        MinRes = minRes;
        VideoMaxRes = videoMaxRes;
        VideoMinRes = videoMinRes;
        PadToStride = padToStride;
        FramesUpbound = framesUpbound;
        FrameSampling = frameSampling;
        VitPatchSize = vitPatchSize;
        ModelMaxLength = modelMaxLength;
    }

    /// <summary>
    /// The environment of <c>inference.sh</c> and every <c>scripts/*.sh</c>: <c>HIGHRES_BASE=0x32</c>,
    /// <c>LOWRES_RESIZE=384x32</c>, <c>VIDEO_RESIZE=0x64</c>, <c>MAXRES=1536</c>, <c>MINRES=0</c>, <c>VIDEO_MAXRES=480</c>,
    /// <c>VIDEO_MINRES=288</c>, no <c>PAD2STRIDE</c>; 64 frames, model_max_length 16384, inference sampling.
    /// </summary>
    public static OryxOptions Scripts { get; } = new();

    /// <summary><c>HIGHRES_BASE</c> base; <c>null</c> when unset (no high-res resize).</summary>
    public int? HighResBase { get; }

    /// <summary><c>HIGHRES_BASE</c> patch.</summary>
    public int HighResPatch { get; }

    /// <summary><c>LOWRES_RESIZE</c> size; <c>null</c> when unset (plain 384×384 low-res view).</summary>
    public int? LowResSize { get; }

    /// <summary><c>LOWRES_RESIZE</c> patch.</summary>
    public int LowResPatch { get; }

    /// <summary><c>VIDEO_RESIZE</c> base; <c>null</c> when unset (videos cannot be planned).</summary>
    public int? VideoBase { get; }

    /// <summary><c>VIDEO_RESIZE</c> patch (long videos use twice it).</summary>
    public int VideoPatch { get; }

    /// <summary><c>MAXRES</c>.</summary>
    public int MaxRes { get; }

    /// <summary><c>MINRES</c>.</summary>
    public int MinRes { get; }

    /// <summary><c>VIDEO_MAXRES</c>.</summary>
    public int VideoMaxRes { get; }

    /// <summary><c>VIDEO_MINRES</c>; <c>null</c> when unset.</summary>
    public int? VideoMinRes { get; }

    /// <summary><c>PAD2STRIDE</c>.</summary>
    public bool PadToStride { get; }

    /// <summary>Frames sampled per video (<c>frames_upbound</c>).</summary>
    public int FramesUpbound { get; }

    /// <summary>Inference or training frame sampling.</summary>
    public OryxFrameSampling FrameSampling { get; }

    /// <summary>OryxViT patch size.</summary>
    public int VitPatchSize { get; }

    /// <summary>Sequence cap (<c>tokenizer_model_max_length</c>); <c>null</c> for none.</summary>
    public int? ModelMaxLength { get; }

    /// <summary>
    /// Reads the variables <c>oryx/mm_utils.py</c> reads, as it parses them: "base x patch" pairs split at <c>x</c> into
    /// two Python <c>int()</c>s, plain <c>int()</c>s, <c>PAD2STRIDE</c> by presence. A variable that is absent takes the
    /// module's own default (high-res, low-res and video resize unset, <c>MAXRES</c> 1536, <c>MINRES</c> 0,
    /// <c>VIDEO_MAXRES</c> 1536, <c>VIDEO_MINRES</c> unset). <c>EVAL_LARGE</c> only moves tensors between GPUs upstream and
    /// is ignored. The knobs that are not environment variables are passed as arguments.
    /// </summary>
    /// <exception cref="PlanException">A value upstream cannot parse (ValueError), one with characters beyond ASCII (Python's
    /// <c>int()</c> reads any Unicode decimal digits; Tessera reads ASCII 0–9 only), beyond 32-bit range, or a bare-integer
    /// <c>LOWRES_RESIZE</c>: upstream accepts it at import and fails with a TypeError on the first image; Tessera refuses it
    /// here; or an argument the constructor rejects (a <paramref name="frameSampling"/> outside its declared members is
    /// rejected before any variable is read).</exception>
    public static OryxOptions FromEnvironment(IReadOnlyDictionary<string, string> environment, int framesUpbound = 64,
        OryxFrameSampling frameSampling = OryxFrameSampling.Inference, int vitPatchSize = 16, int? modelMaxLength = 16384)
    {
        if (environment is null) throw new ArgumentNullException(nameof(environment));
        PlanEnums.Check(frameSampling);
        int? videoBase = null, highBase = null, lowSize = null, videoMinRes = null;
        int videoPatch = 64, highPatch = 32, lowPatch = 32, maxRes = 1536, minRes = 0, videoMaxRes = 1536;
        if (environment.TryGetValue("VIDEO_RESIZE", out var video))
        {
            (int b, int p) = ParsePair("VIDEO_RESIZE", video);
            videoBase = b;
            videoPatch = p;
        }
        if (environment.TryGetValue("HIGHRES_BASE", out var high))
        {
            (int b, int p) = ParsePair("HIGHRES_BASE", high);
            highBase = b;
            highPatch = p;
        }
        if (environment.TryGetValue("MAXRES", out var s)) maxRes = ParseInt("MAXRES", s);
        if (environment.TryGetValue("MINRES", out s)) minRes = ParseInt("MINRES", s);
        if (environment.TryGetValue("VIDEO_MAXRES", out s)) videoMaxRes = ParseInt("VIDEO_MAXRES", s);
        if (environment.TryGetValue("VIDEO_MINRES", out s)) videoMinRes = ParseInt("VIDEO_MINRES", s);
        // Upstream's else branch for VIDEO_MINRES assigns MINRES = 0 (not VIDEO_MINRES), after MINRES was read: without
        // VIDEO_MINRES, any MINRES given is discarded.
        else minRes = 0;
        bool pad = environment.ContainsKey("PAD2STRIDE");
        if (environment.TryGetValue("LOWRES_RESIZE", out var low))
        {
            if (low is null || low.IndexOf('x') < 0)
            {
                ParseInt("LOWRES_RESIZE", low);
                throw PlanException.Config($"LOWRES_RESIZE '{low}' is a bare integer: upstream accepts it at import, then indexes it "
                    + "as a (size, patch) pair on the first image (TypeError). Write it as '<size>x<patch>', e.g. '384x32'.");
            }
            (int b, int p) = ParsePair("LOWRES_RESIZE", low);
            lowSize = b;
            lowPatch = p;
        }
        return new OryxOptions(highBase, highPatch, lowSize, lowPatch, videoBase, videoPatch, maxRes, minRes, videoMaxRes,
            videoMinRes, pad, framesUpbound, frameSampling, vitPatchSize, modelMaxLength);
    }

    // "AxB".split('x') unpacked into two names, then int() of each.
    private static (int, int) ParsePair(string name, string? value)
    {
        if (value is null) throw PlanException.Config($"{name} has no value.");
        int x = value.IndexOf('x');
        if (x < 0 || value.IndexOf('x', x + 1) >= 0)
            throw PlanException.Config($"{name} '{value}' must be '<base>x<patch>' with exactly one 'x' (upstream unpacks "
                + "split('x') into two values: ValueError).");
        return (ParseInt(name, value.Substring(0, x)), ParseInt(name, value.Substring(x + 1)));
    }

    // Python int() of a str, ASCII digits only: surrounding whitespace, an optional sign, single underscores between digits.
    private static int ParseInt(string name, string? text)
    {
        string t = (text ?? "").Trim();
        int i = 0;
        bool negative = false;
        if (i < t.Length && (t[i] == '+' || t[i] == '-'))
        {
            negative = t[i] == '-';
            i++;
        }
        long value = 0;
        bool digits = false, lastUnderscore = false;
        for (; i < t.Length; i++)
        {
            char c = t[i];
            if (c == '_' && digits && !lastUnderscore)
            {
                lastUnderscore = true;
                continue;
            }
            if (c < '0' || c > '9')
                throw PlanException.Config(c > '\u007f'
                    ? $"{name}: '{text}' holds characters beyond ASCII; Tessera reads ASCII digits 0-9 only (Python's int() also reads "
                        + "other Unicode decimal digits, so upstream may accept it)."
                    : $"{name}: '{text}' is not an integer (upstream int() raises ValueError).");
            digits = true;
            lastUnderscore = false;
            value = value * 10 + (c - '0');
            if (value > int.MaxValue + 1L)
                throw PlanException.Config($"{name}: {text} is beyond the 32-bit range Tessera accepts.");
        }
        if (!digits || lastUnderscore)
            throw PlanException.Config($"{name}: '{text}' is not an integer (upstream int() raises ValueError).");
        value = negative ? -value : value;
        if (value > int.MaxValue || value < int.MinValue)
            throw PlanException.Config($"{name}: {text} is beyond the 32-bit range Tessera accepts.");
        return (int)value;
    }

    private static void NotNegative(int? value, string what)
    {
        if (value < 0)
            throw PlanException.Config($"{what} must not be negative, got {value.Value.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static void Positive(int value, string what)
    {
        if (value < 1) throw PlanException.Config($"{what} must be at least 1, got {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}

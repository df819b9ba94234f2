using System.IO;
using System.Linq;
using System.Text.Json;
using Tessera.Imaging;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Every JPEG and WebP of the corpus decodes to the golden RGB (transformers load_image: EXIF transpose, then RGB).</summary>
public class JpegWebPGoldenTests
{
    [Theory]
    [MemberData(nameof(CodecTestData.DecodeGoldenImages), MemberType = typeof(CodecTestData))]
    public void LoadImageMatchesGoldenDecode(string image)
    {
        JsonElement expected = CodecTestData.DecodeGolden[image].GetProperty("expected");

        DecodedImage decoded = ImageLoader.Load(Paths.Corpus(image), LoaderPreset.TransformersLoadImage);

        Assert.Equal(PixelFormat.Rgb24, decoded.Format);
        Assert.Equal(expected.GetProperty("width").GetInt32(), decoded.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), decoded.Height);
        Assert.Equal(expected.GetProperty("sha256_rgb").GetString(), CodecTestData.RgbHash(decoded));
        Assert.Equal(decoded.Width * decoded.Height * 3, decoded.Pixels.Length);
    }

    [Theory]
    [MemberData(nameof(CodecTestData.DecodeGoldenImages), MemberType = typeof(CodecTestData))]
    public void IdentifyAgreesWithGoldenSize(string image)
    {
        JsonElement expected = CodecTestData.DecodeGolden[image].GetProperty("expected");

        ImageInfo info = ImageLoader.Identify(Paths.Corpus(image));
        ImageInfo fromBytes = ImageLoader.Identify(File.ReadAllBytes(Paths.Corpus(image)));

        Assert.Equal(info, fromBytes);
        Assert.Equal(image.EndsWith(".webp", System.StringComparison.Ordinal) ? ImageFormat.WebP : ImageFormat.Jpeg, info.Format);
        // The golden decode is oriented (load_image), so it gives the oriented size.
        Assert.Equal(expected.GetProperty("width").GetInt32(), info.OrientedWidth);
        Assert.Equal(expected.GetProperty("height").GetInt32(), info.OrientedHeight);
    }

    [Fact]
    public void UnorientedDecodeOfExifRotatedJpegMatchesInternVLInput()
    {
        // The InternVL model-card loader does not orient: its golden input hash is the raw decode (pipelines.jsonl).
        const string image = "p_gracehopper_exif6.jpg";
        JsonElement input = File.ReadLines(Paths.Golden("pixels", "pipelines.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("pipeline").GetString() == "internvl" && e.GetProperty("image").GetString() == image)
            .GetProperty("expected").GetProperty("input");
        byte[] bytes = File.ReadAllBytes(Paths.Corpus(image));

        DecodedImage raw = JpegDecoder.Decode(bytes);
        DecodedImage internVL = ImageLoader.Load(bytes, LoaderPreset.InternVLModelCard);

        Assert.Equal(6, raw.ExifOrientation);
        foreach (DecodedImage decoded in new[] { raw, internVL })
        {
            Assert.Equal(input.GetProperty("width").GetInt32(), decoded.Width);
            Assert.Equal(input.GetProperty("height").GetInt32(), decoded.Height);
            Assert.Equal(input.GetProperty("sha256_rgb").GetString(), CodecTestData.RgbHash(decoded));
        }
    }

    [Theory]
    [MemberData(nameof(CodecTestData.DecodeGoldenImages), MemberType = typeof(CodecTestData))]
    public void HeaderAgreesWithCorpusManifest(string image)
    {
        JsonElement details = CodecTestData.Manifest[image].GetProperty("details");
        byte[] bytes = File.ReadAllBytes(Paths.Corpus(image));

        ImageInfo info = ImageLoader.Identify(bytes);
        SourceMode mode = JpegDecoder.IsJpeg(bytes) ? JpegDecoder.ReadHeader(bytes).SourceMode : WebPDecoder.ReadHeader(bytes).SourceMode;

        Assert.Equal(details.GetProperty("width").GetInt32(), info.Width);
        Assert.Equal(details.GetProperty("height").GetInt32(), info.Height);
        Assert.Equal(details.GetProperty("pil_mode").GetString(), CodecTestData.PillowModeName(mode));
        if (details.TryGetProperty("exif_orientation", out JsonElement exif))
            Assert.Equal(exif.GetInt32(), info.ExifOrientation);
        if (!JpegDecoder.IsJpeg(bytes))
            return;

        JpegHeader header = JpegDecoder.ReadHeader(bytes);
        Assert.Equal(details.GetProperty("jpeg_progressive").GetBoolean(), header.IsProgressive);
        string subsampling = details.GetProperty("jpeg_subsampling").GetString()!;
        if (header.Components == 3)
            Assert.Equal(subsampling, header.Subsampling switch
            {
                JpegSubsampling.S444 => "4:4:4",
                JpegSubsampling.S422 => "4:2:2",
                JpegSubsampling.S420 => "4:2:0",
                _ => header.Subsampling.ToString(),
            });
        if (details.TryGetProperty("jpeg_adobe_transform", out JsonElement transform) && header.Components == 4)
            Assert.Equal(transform.GetInt32() == 0 ? JpegColorSpace.Cmyk : JpegColorSpace.Ycck, header.ColorSpace);
    }
}

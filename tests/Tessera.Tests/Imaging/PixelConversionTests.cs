using System;
using System.Runtime.InteropServices;
using Tessera.Imaging;
using Tessera.Pipelines;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary>Every pixel format reaches the pipelines with Pillow's <c>convert("RGB")</c> rules (pixels.md §1.1, §1.3).</summary>
public class PixelConversionTests
{
    [Fact] // pixels.md §1.3: 16-bit grey is clamped, not scaled: 4095 → 255 and 200 → 200
    public void Sixteen_bit_grey_is_clamped()
    {
        ushort[] grey = [0, 200, 255, 256, 4095, 65535];
        var rgb = new byte[grey.Length * 3];
        PixelConversion.ToRgb24(new ImageView(MemoryMarshal.AsBytes(grey.AsSpan()), grey.Length, 1, PixelFormat.Gray16), rgb);
        Assert.Equal(new byte[] { 0, 0, 0, 200, 200, 200, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255 }, rgb);
    }

    [Fact] // pixels.md §1.3: 16-bit RGB keeps the high byte, truncated (0x80FF → 128, 0x00FF → 0); alpha is dropped
    public void Sixteen_bit_colour_keeps_the_high_byte_and_drops_alpha()
    {
        ushort[] rgba = [0x80FF, 0x00FF, 0xFFFF, 0x1234];
        var rgb = new byte[3];
        PixelConversion.ToRgb24(new ImageView(MemoryMarshal.AsBytes(rgba.AsSpan()), 1, 1, PixelFormat.Rgba64), rgb);
        Assert.Equal(new byte[] { 0x80, 0x00, 0xFF }, rgb);
    }

    [Theory]
    [InlineData(PixelFormat.Gray16)]
    [InlineData(PixelFormat.Rgb48)]
    [InlineData(PixelFormat.Rgba64)]
    [InlineData(PixelFormat.GrayAlpha16)]
    public void Pipelines_accept_every_format_as_its_RGB_conversion(PixelFormat format)
    {
        const int w = 37, h = 23;
        var random = new Random(7);
        var pixels = new byte[w * h * format.BytesPerPixel()];
        random.NextBytes(pixels);
        var view = new ImageView(pixels, w, h, format);
        var rgb = new byte[w * h * 3];
        PixelConversion.ToRgb24(view, rgb);

        var pipeline = new Qwen2VLPipeline(QwenVisionOptions.ProcessorDefaults);
        var plan = pipeline.Plan(w, h);
        var direct = new float[pipeline.GetOutputLength(plan)];
        var converted = new float[direct.Length];
        pipeline.Run(view, direct, new PipelineWorkspace());
        pipeline.Run(new ImageView(rgb, w, h, PixelFormat.Rgb24), converted, new PipelineWorkspace());
        Assert.Equal(converted, direct);
    }
}

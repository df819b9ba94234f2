using System;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>Planning and writing a layout into a caller's span allocate nothing once options exist.</summary>
public class SlicingAllocationTests
{
    [Fact]
    public void Plan_count_and_layout_do_not_allocate()
    {
        var next = LlavaNextOptions.V16;
        var ov = LlavaOneVisionOptions.Checkpoint;
        var minicpm = MiniCpmVOptions.MiniCpmV26;
        var uhd = LlavaUhdOptions.V1;
        var buffer = new LayoutSegment[4096];
        long sink = Run(next, ov, minicpm, uhd, buffer); // warm up (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        sink += Run(next, ov, minicpm, uhd, buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink > 0);
        Assert.Equal(0, allocated);
    }

    private static long Run(LlavaNextOptions next, LlavaOneVisionOptions ov, MiniCpmVOptions minicpm, LlavaUhdOptions uhd, LayoutSegment[] buffer)
    {
        long sum = 0;
        for (int w = 1; w < 5000; w += 397)
        {
            for (int h = 1; h < 5000; h += 401)
            {
                var a = LlavaNextAnyRes.Plan(w, h, next);
                sum += LlavaNextAnyRes.WriteLayout(a, buffer) + LlavaNextAnyRes.CountTokens(a);
                var b = LlavaOneVision.Plan(w, h, ov);
                sum += LlavaOneVision.WriteLayout(b, buffer) + LlavaOneVision.CountTokens(b);
                var c = MiniCpmVSlicing.Plan(w, h, minicpm, w);
                sum += MiniCpmVSlicing.WriteLayout(c, buffer) + MiniCpmVSlicing.CountTokens(c);
                var d = LlavaUhd.Plan(w, h, uhd);
                sum += LlavaUhd.WriteLayout(d, buffer) + LlavaUhd.CountTokens(d);
            }
        }
        return sum;
    }
}

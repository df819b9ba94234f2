using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>Oryx whole-request planning: totals are the strategy's own counts, fitting never exceeds the budget and keeps
/// the most frames that fit.</summary>
public class OryxRequestTests
{
    private static readonly Config Runs = PropertyRuns.Of(300);
    private static readonly OryxOptions Options = OryxOptions.Scripts;

    private static Gen<(int, int)[]> ImagesGen =>
        Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(from w in Gen.Choose(16, 5000) from h in Gen.Choose(Math.Max(16, w / 20), Math.Min(5000, w * 20)) select (w, h), n));

    private static Gen<OryxVideoItem[]> VideosGen =>
        Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(
            from total in Gen.Choose(1, 3000)
            from size in Gen.Elements((1920, 1080), (1280, 720), (640, 480), (448, 448), (1080, 1920))
            from modality in Gen.Elements(OryxModality.Video, OryxModality.VideoLong)
            select new OryxVideoItem(total, size.Item1, size.Item2, modality), n));

    [Fact]
    public void Totals_are_the_strategy_own_counts()
    {
        Prop.ForAll((from i in ImagesGen from v in VideosGen select (i, v)).ToArbitrary(), t =>
        {
            var (images, videos) = t;
            var imagePlans = new OryxImagePlan[images.Length];
            var videoPlans = new OryxVideoPlan[videos.Length];
            var plan = OryxRequest.Plan(images, videos, Options, new ContextBudget(10_000_000, 20), null, imagePlans, videoPlans);
            Assert.Equal(images.Sum(s => Oryx.CountTokens(Oryx.PlanImage(s.Item1, s.Item2, Options))), plan.ImageTokens);
            Assert.Equal(videos.Sum(v => Oryx.CountTokens(Oryx.PlanVideo(v.TotalFrames, v.Width, v.Height, Options, null, v.Modality))), plan.VideoTokens);
            Assert.Equal(Oryx.CapSequence(plan.TotalTokens, Options).Kept, plan.Sequence.Kept);
        }).Check(Runs);
    }

    [Fact]
    public void Fitting_never_exceeds_the_budget_and_keeps_the_most_frames_that_fit()
    {
        var gen = from i in ImagesGen from v in VideosGen from context in Gen.Choose(500, 40_000) from text in Gen.Choose(0, 300)
                  select (i, v, new ContextBudget(context, text));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (images, videos, budget) = t;
            var imagePlans = new OryxImagePlan[images.Length];
            var videoPlans = new OryxVideoPlan[videos.Length];
            OryxRequestPlan plan;
            try
            {
                plan = OryxRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
            }
            catch (PlanException e) when (e.Error == PlanError.BudgetExceeded)
            {
                Assert.False(OryxRequest.Plan(images, videos, Options, budget, 1, imagePlans, videoPlans).Fits);
                return;
            }
            Assert.True(plan.Fits);
            Assert.True(plan.TotalTokens <= budget.ContextLength);
            if (plan.FrameCap is int cap)
            {
                Assert.All(videoPlans, v => Assert.True(v.Frames <= cap));
                Assert.False(OryxRequest.Plan(images, videos, Options, budget, cap + 1, imagePlans, videoPlans).Fits);
            }
        }).Check(Runs);
    }

    [Fact]
    public void Fitting_allocates_nothing_and_bad_input_is_typed()
    {
        (int, int)[] images = [(1920, 1080)];
        OryxVideoItem[] videos = [new(3000, 1920, 1080)];
        var imagePlans = new OryxImagePlan[1];
        var videoPlans = new OryxVideoPlan[1];
        var budget = new ContextBudget(16_384, 300, 512);
        OryxRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = OryxRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // strategies.md §6.2/§6.3: a 1920×1080 image is 8517 positions, a 1920×1080 frame 211; 64 frames would be 13 506.
        Assert.True(plan.Fits);
        Assert.Equal(8517, plan.ImageTokens);
        Assert.Equal((16_384 - 300 - 512 - 8517 - 2) / 211, (long)plan.FrameCap!);
        Assert.Equal(PlanError.BudgetExceeded, Assert.Throws<PlanException>(() =>
            OryxRequest.Fit(images, videos, Options, new ContextBudget(8000), imagePlans, videoPlans)).Error);
        Assert.Throws<ArgumentException>(() => OryxRequest.Plan(images, videos, Options, budget, null, imagePlans, []));
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() =>
            OryxRequest.Plan(images, videos, Options, budget, 0, imagePlans, videoPlans)).Error);
    }
}

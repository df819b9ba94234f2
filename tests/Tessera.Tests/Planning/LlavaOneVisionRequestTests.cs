using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Planning;
using Xunit;

namespace Tessera.Tests.Planning;

/// <summary>LLaVA-OneVision whole-request planning: totals are the strategies' own counts, fitting never exceeds the budget
/// and keeps the most frames that fit.</summary>
public class LlavaOneVisionRequestTests
{
    private static readonly Config Runs = PropertyRuns.Of(300);
    private static readonly LlavaOneVisionOptions Options = LlavaOneVisionOptions.Checkpoint;

    private static Gen<(int, int)[]> ImagesGen =>
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(from w in Gen.Choose(1, 5000) from h in Gen.Choose(1, 5000) select (w, h), n));

    private static Gen<long[]> VideosGen => Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 256).Select(f => (long)f), n));

    [Fact]
    public void Totals_are_the_strategies_own_counts()
    {
        Prop.ForAll((from i in ImagesGen from v in VideosGen select (i, v)).ToArbitrary(), t =>
        {
            var (images, videos) = t;
            var imagePlans = new LlavaOneVisionImagePlan[images.Length];
            var videoPlans = new LlavaOneVisionVideoPlan[videos.Length];
            var plan = LlavaOneVisionRequest.Plan(images, videos, Options, new ContextBudget(1_000_000, 50), null, imagePlans, videoPlans);
            Assert.Equal(LlavaOneVision.CountSampleTokens(images, Options), plan.ImageTokens);
            Assert.Equal(videos.Sum(f => LlavaOneVisionVideo.CountTokens(LlavaOneVisionVideo.Plan(f, Options))), plan.VideoTokens);
            Assert.Equal(50 + plan.ImageTokens + plan.VideoTokens, plan.TotalTokens);
        }).Check(Runs);
    }

    [Fact]
    public void Fitting_never_exceeds_the_budget_and_keeps_the_most_frames_that_fit()
    {
        var gen = from i in ImagesGen from v in VideosGen from context in Gen.Choose(500, 60_000) from text in Gen.Choose(0, 300)
                  select (i, v, new ContextBudget(context, text));
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (images, videos, budget) = t;
            var imagePlans = new LlavaOneVisionImagePlan[images.Length];
            var videoPlans = new LlavaOneVisionVideoPlan[videos.Length];
            LlavaOneVisionRequestPlan plan;
            try
            {
                plan = LlavaOneVisionRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
            }
            catch (PlanException e) when (e.Error == PlanError.BudgetExceeded)
            {
                Assert.False(LlavaOneVisionRequest.Plan(images, videos, Options, budget, 1, imagePlans, videoPlans).Fits);
                return;
            }
            Assert.True(plan.Fits);
            Assert.True(plan.TotalTokens <= budget.ContextLength);
            if (plan.FrameCap is long cap)
            {
                Assert.All(videoPlans, v => Assert.True(v.Frames <= cap));
                Assert.False(LlavaOneVisionRequest.Plan(images, videos, Options, budget, cap + 1, imagePlans, videoPlans).Fits);
            }
        }).Check(Runs);
    }

    [Fact]
    public void Fitting_allocates_nothing_and_bad_input_is_typed()
    {
        (int, int)[] images = [(1920, 1080), (640, 480)];
        long[] videos = [64, 32];
        var imagePlans = new LlavaOneVisionImagePlan[2];
        var videoPlans = new LlavaOneVisionVideoPlan[2];
        var budget = new ContextBudget(8192, 200, 256);
        LlavaOneVisionRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = LlavaOneVisionRequest.Fit(images, videos, Options, budget, imagePlans, videoPlans);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(plan.Fits);
        // Two images are padded squares of 730 positions each (strategies.md §4.4): 1460 > a budget of 1000.
        Assert.Equal(PlanError.BudgetExceeded, Assert.Throws<PlanException>(() =>
            LlavaOneVisionRequest.Fit(images, videos, Options, new ContextBudget(1000), imagePlans, videoPlans)).Error);
        Assert.Throws<ArgumentException>(() => LlavaOneVisionRequest.Plan(images, videos, Options, budget, null, imagePlans, new LlavaOneVisionVideoPlan[1]));
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() =>
            LlavaOneVisionRequest.Plan(images, videos, Options, budget, 0, imagePlans, videoPlans)).Error);
        Assert.Equal(PlanError.InvalidConfiguration, Assert.Throws<PlanException>(() =>
            LlavaOneVisionRequest.Plan(images, [0L], Options, budget, null, imagePlans, videoPlans)).Error);
    }
}

using Tessera.Generators.Specs;

namespace Tessera.Generators.Analyzers;

/// <summary>
/// The TESS002 fix: the largest value of a spec's size knob (InternVL <c>MaxTiles</c>, Qwen <c>MaxPixels</c>) whose worst case
/// fits the tokens a budget leaves for the image. Every probe asks the planning core (<see cref="SpecEvaluation"/>); the worst
/// case never shrinks as the knob grows (more tiles add candidates, more pixels a larger area), so bisection finds it.
/// </summary>
internal static class BudgetFit
{
    /// <summary>Finds the largest knob value below the current one that fits <paramref name="allowed"/> image tokens.</summary>
    /// <returns>False when the spec has no such knob (AnyRes) or not even the smallest sensible value fits.</returns>
    public static bool TryFindLargest(TilingSpec spec, long allowed, out string knob, out long value, out long tokens)
    {
        knob = spec.Kind switch
        {
            SpecKind.AspectRatio => "MaxTiles",
            SpecKind.NativeResolution => "MaxPixels",
            _ => "",
        };
        value = 0;
        tokens = 0;
        if (knob.Length == 0 || allowed <= 0) return false;

        // Below MinTiles the candidate list empties (every image becomes one tile); below MinPixels the bounds cross.
        long low = spec.Kind == SpecKind.AspectRatio ? System.Math.Max(1, spec.Get("MinTiles")) : System.Math.Max(0, spec.Get("MinPixels"));
        long high = spec.Get(knob) - 1;
        if (low > high || !Fits(spec, knob, low, allowed, out _)) return false;
        while (low < high)
        {
            long middle = low + (high - low + 1) / 2;
            if (Fits(spec, knob, middle, allowed, out _)) low = middle;
            else high = middle - 1;
        }
        // Confirm the answer itself (it was probed already unless it is the lower bound, which was probed first).
        if (!Fits(spec, knob, low, allowed, out tokens)) return false;
        value = low;
        return true;
    }

    private static bool Fits(TilingSpec spec, string knob, long value, long allowed, out long tokens)
    {
        var evaluation = SpecEvaluation.Evaluate(TilingSpecAnalyzer.WithValue(spec, knob, value));
        tokens = evaluation.MaxTokens;
        return evaluation.IsValid && evaluation.MaxTokens <= allowed;
    }
}

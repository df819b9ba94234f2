using System;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Tessera.Tests;

/// <summary>
/// FsCheck configuration for the property tests: each states its usual number of cases; setting
/// <c>TESSERA_PROPERTY_SCALE</c> to a whole number multiplies them all, to hunt for rare counterexamples before CI does.
/// </summary>
internal static class PropertyRuns
{
    public static Config Of(int cases)
    {
        var text = Environment.GetEnvironmentVariable("TESSERA_PROPERTY_SCALE");
        int scale = text is null ? 1 : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (scale < 1) throw new InvalidOperationException("TESSERA_PROPERTY_SCALE must be a positive whole number.");
        return Config.QuickThrowOnFailure.WithMaxTest(checked(cases * scale));
    }
}

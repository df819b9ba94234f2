using System;
using Tessera.Planning;

namespace Tessera.Tests.Planning;

/// <summary>Checks shared by the planners' property tests.</summary>
internal static class LayoutAssert
{
    /// <summary>
    /// True when exactly <paramref name="expectedSegments"/> segments were written, none empty, and their counts sum to
    /// <paramref name="tokens"/>.
    /// </summary>
    public static bool Consistent(ReadOnlySpan<LayoutSegment> written, int expectedSegments, long tokens)
    {
        if (written.Length != expectedSegments) return false;
        long sum = 0;
        foreach (var s in written)
        {
            if (s.Count <= 0 || string.IsNullOrEmpty(s.Token)) return false;
            sum += s.Count;
        }
        return sum == tokens;
    }
}

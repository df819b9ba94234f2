using System;

namespace Tessera.Imaging.Codecs;

/// <summary>The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320, reflected).</summary>
internal static class PngCrc
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>The CRC of <paramref name="bytes"/> (chunk type followed by chunk data).</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        uint[] table = Table;
        uint c = 0xFFFFFFFFu;
        foreach (byte b in bytes)
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}

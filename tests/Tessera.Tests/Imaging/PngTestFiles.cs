using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using Tessera.Imaging.Codecs;
using Tessera.Tests.Infrastructure;

namespace Tessera.Tests.Imaging;

/// <summary>Builds and edits small PNG byte streams for the decoder's error tests.</summary>
internal static class PngTestFiles
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static byte[] Fixture(string name) => File.ReadAllBytes(Paths.Fixture("png", name));

    /// <summary>A chunk with a correct CRC.</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> payload)
    {
        var chunk = new byte[12 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)payload.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        payload.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + payload.Length), PngCrc.Compute(chunk.AsSpan(4, 4 + payload.Length)));
        return chunk;
    }

    public static byte[] Ihdr(uint width, uint height, byte depth, byte colorType, byte interlace = 0, byte compression = 0, byte filter = 0)
    {
        var s = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(s, width);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(4), height);
        s[8] = depth;
        s[9] = colorType;
        s[10] = compression;
        s[11] = filter;
        s[12] = interlace;
        return Chunk("IHDR", s);
    }

    public static byte[] Zlib(ReadOnlySpan<byte> raw)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw);
        return buffer.ToArray();
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var list = new List<byte>();
        foreach (byte[] p in parts)
            list.AddRange(p);
        return [.. list];
    }

    /// <summary>Signature + IHDR + optional extra chunks + one IDAT of <paramref name="scanlines"/> (filter bytes included) + IEND.</summary>
    public static byte[] Build(byte[] ihdr, byte[] scanlines, params byte[][] extraBeforeIdat) =>
        Concat(Signature, ihdr, Concat(extraBeforeIdat), Chunk("IDAT", Zlib(scanlines)), Chunk("IEND", []));

    /// <summary>Offsets of each chunk (its length field) in a PNG, in file order, with their types.</summary>
    public static List<(int Offset, string Type, int Length)> Chunks(byte[] png)
    {
        var list = new List<(int, string, int)>();
        int pos = 8;
        while (pos + 8 <= png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            list.Add((pos, Encoding.ASCII.GetString(png, pos + 4, 4), length));
            pos += 12 + length;
        }
        return list;
    }
}

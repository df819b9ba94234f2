using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Tests.Imaging;

/// <summary>A minimal reader for NumPy .npy files holding little-endian float32 in C order.</summary>
internal sealed class TensorNpy
{
    private TensorNpy(int[] shape, float[] data)
    {
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public float[] Data { get; }

    public static TensorNpy ReadFloat32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not an .npy file.");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            headerStart = 12;
        }
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        string descr = Match(header, @"'descr':\s*'([^']*)'", path);
        if (descr != "<f4") throw new InvalidDataException($"{path}: dtype {descr}, expected <f4.");
        if (Match(header, @"'fortran_order':\s*(True|False)", path) != "False")
            throw new InvalidDataException($"{path}: Fortran order is not supported.");
        int[] shape = Match(header, @"'shape':\s*\(([^)]*)\)", path)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        int dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != count * 4)
            throw new InvalidDataException($"{path}: {bytes.Length - dataStart} data bytes for {count} float32 values.");
        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 4 * i));
        return new TensorNpy(shape, data);
    }

    private static string Match(string header, string pattern, string path)
    {
        var m = Regex.Match(header, pattern);
        if (!m.Success) throw new InvalidDataException($"{path}: header lacks {pattern}: {header}");
        return m.Groups[1].Value;
    }
}

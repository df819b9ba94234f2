using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Imaging;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Imaging;

/// <summary><see cref="ExifReader"/> against what Pillow 9.4's getexif() + exif_transpose read from the same blocks
/// (tests/fixtures/png/exif_cases.jsonl, written by make_png_fixtures.py).</summary>
public class PngExifTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string l in File.ReadLines(Paths.Fixture("png", "exif_cases.jsonl")).Where(l => l.Length > 0))
        {
            JsonElement e = JsonDocument.Parse(l).RootElement;
            data.Add(e.GetProperty("name").GetString()!, e.GetProperty("tiff_hex").GetString()!, e.GetProperty("orientation").GetInt32());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Orientation_matches_pillow(string name, string tiffHex, int orientation)
    {
        Assert.True(ExifReader.ReadOrientation(Convert.FromHexString(tiffHex)) == orientation, name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_prefix_of_a_case_reads_without_throwing(string name, string tiffHex, int orientation)
    {
        _ = name;
        _ = orientation;
        byte[] tiff = Convert.FromHexString(tiffHex);
        for (int n = 0; n <= tiff.Length; n++)
            Assert.InRange(ExifReader.ReadOrientation(tiff.AsSpan(0, n)), 1, 8);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Prop.ForAll((byte[] bytes, bool little) =>
        {
            // Give half the inputs a valid header so the IFD walk itself gets fuzzed.
            if (bytes.Length >= 8)
            {
                bytes[0] = bytes[1] = (byte)(little ? 'I' : 'M');
                bytes[2] = (byte)(little ? 0x2A : 0);
                bytes[3] = (byte)(little ? 0 : 0x2A);
                bytes[4] = bytes[5] = bytes[6] = 0;
                bytes[little ? 4 : 7] = 8;
            }
            int o = ExifReader.ReadOrientation(bytes);
            return o >= 1 && o <= 8;
        }).QuickCheckThrowOnFailure();
    }
}

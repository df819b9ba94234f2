using System;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Codecs;

/// <summary>The part of libwebp's simple decoding API (decode.h) the WebP decoder uses.</summary>
/// <remarks>Call <see cref="NativeLibraries.WebP"/> before any of these so a missing library is a typed error.</remarks>
internal static partial class NativeWebP
{
    /// <summary>Decodes into caller memory as R G B; returns <paramref name="output"/> or null on failure.</summary>
    [LibraryImport(NativeLibraries.WebPName, EntryPoint = "WebPDecodeRGBInto")]
    internal static unsafe partial byte* DecodeRgbInto(byte* data, nuint dataSize, byte* output, nuint outputSize, int outputStride);

    /// <summary>Decodes into caller memory as straight (not premultiplied) R G B A; returns <paramref name="output"/> or null.</summary>
    [LibraryImport(NativeLibraries.WebPName, EntryPoint = "WebPDecodeRGBAInto")]
    internal static unsafe partial byte* DecodeRgbaInto(byte* data, nuint dataSize, byte* output, nuint outputSize, int outputStride);

    /// <summary>Reads the canvas size; returns 0 when the header is invalid.</summary>
    [LibraryImport(NativeLibraries.WebPName, EntryPoint = "WebPGetInfo")]
    internal static unsafe partial int GetInfo(byte* data, nuint dataSize, out int width, out int height);
}

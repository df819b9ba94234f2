using System;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Codecs;

/// <summary>The part of libjpeg-turbo's TurboJPEG 2.x API the JPEG decoder uses (turbojpeg.h).</summary>
/// <remarks>Call <see cref="NativeLibraries.TurboJpeg"/> before any of these so a missing library is a typed error.</remarks>
internal static partial class NativeTurboJpeg
{
    /// <summary>TJPF_RGB: 3 bytes per pixel, R G B.</summary>
    internal const int PixelFormatRgb = 0;

    /// <summary>TJPF_CMYK: 4 bytes per pixel, C M Y K as libjpeg outputs them.</summary>
    internal const int PixelFormatCmyk = 11;

    /// <summary>TJCS_CMYK.</summary>
    internal const int ColorSpaceCmyk = 3;

    /// <summary>TJCS_YCCK.</summary>
    internal const int ColorSpaceYcck = 4;

    /// <summary>TJERR_WARNING: the operation completed but libjpeg reported a recoverable problem.</summary>
    internal const int ErrorWarning = 0;

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjInitDecompress")]
    internal static partial IntPtr InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDecompressHeader3")]
    internal static unsafe partial int DecompressHeader3(IntPtr handle, byte* jpegBuf, CULong jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDecompress2")]
    internal static unsafe partial int Decompress2(IntPtr handle, byte* jpegBuf, CULong jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjGetErrorStr2")]
    internal static partial IntPtr GetErrorStr2(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjGetErrorCode")]
    internal static partial int GetErrorCode(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDestroy")]
    internal static partial int Destroy(IntPtr handle);

    /// <summary>The last error or warning text for <paramref name="handle"/>.</summary>
    internal static string ErrorText(IntPtr handle) => Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}

using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Codecs;

/// <summary>
/// Loads the system codec libraries (libjpeg-turbo's TurboJPEG API, libwebp) once, under any of the names a platform
/// ships them as, and routes the source-generated P/Invokes of this assembly to the handle it found.
/// </summary>
/// <remarks>
/// The P/Invokes name the Debian sonames (<see cref="TurboJpegName"/>, <see cref="WebPName"/>). The resolver this class
/// registers maps those names to whichever candidate loaded, so the same declarations work with <c>turbojpeg.dll</c> or
/// <c>libwebp.dylib</c>. A decoder asks for the handle first (<see cref="TurboJpeg"/>, <see cref="WebP"/>); a missing
/// library therefore surfaces as <see cref="ImageErrorKind.CodecUnavailable"/> with the package to install, never as
/// a <see cref="DllNotFoundException"/> from inside a decode.
/// </remarks>
internal static class NativeLibraries
{
    /// <summary>The name the TurboJPEG P/Invokes are declared with.</summary>
    internal const string TurboJpegName = "libturbojpeg.so.0";

    /// <summary>The name the libwebp P/Invokes are declared with.</summary>
    internal const string WebPName = "libwebp.so.7";

    private static readonly string[] TurboJpegCandidates =
        [TurboJpegName, "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll", "turbojpeg"];

    private static readonly string[] WebPCandidates =
        ["libwebp.so.7", "libwebp.so", "libwebp.7.dylib", "libwebp.dylib", "libwebp.dll", "webp.dll", "libwebp"];

    private const string TurboJpegHelp =
        "JPEG decoding needs libjpeg-turbo's TurboJPEG library (libturbojpeg.so.0), which could not be loaded. " +
        "On Debian/Ubuntu install the libturbojpeg0 package (apt-get install -y libturbojpeg0); elsewhere install " +
        "libjpeg-turbo so that the turbojpeg library is on the loader's search path.";

    private const string WebPHelp =
        "WebP decoding needs libwebp (libwebp.so.7), which could not be loaded. On Debian/Ubuntu install the libwebp7 " +
        "package (apt-get install -y libwebp7); elsewhere install libwebp so that it is on the loader's search path.";

    private static readonly object Gate = new();
    private static IntPtr _turboJpeg;
    private static IntPtr _webP;
    private static bool _resolverSet;

    /// <summary>The loaded TurboJPEG library; throws <see cref="ImageErrorKind.CodecUnavailable"/> when it is missing.</summary>
    internal static IntPtr TurboJpeg => _turboJpeg != IntPtr.Zero ? _turboJpeg : Load(ref _turboJpeg, TurboJpegCandidates, TurboJpegHelp);

    /// <summary>The loaded libwebp; throws <see cref="ImageErrorKind.CodecUnavailable"/> when it is missing.</summary>
    internal static IntPtr WebP => _webP != IntPtr.Zero ? _webP : Load(ref _webP, WebPCandidates, WebPHelp);

    private static IntPtr Load(ref IntPtr slot, string[] candidates, string help)
    {
        lock (Gate)
        {
            // The resolver goes in before the handle is published: another thread that sees the handle non-zero
            // skips this lock and P/Invokes at once, and must then bind through the resolver, not default probing.
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
                _resolverSet = true;
            }
            if (slot == IntPtr.Zero)
                slot = LoadFirst(candidates, help);
            return slot;
        }
    }

    /// <summary>Loads the first of <paramref name="candidates"/> that the platform loader finds.</summary>
    /// <exception cref="ImageDecodeException"><see cref="ImageErrorKind.CodecUnavailable"/> with <paramref name="help"/> when none loads.</exception>
    /// <remarks>The test seam: tests pass names that do not exist to see the message a user without the library gets.</remarks>
    internal static IntPtr LoadFirst(ReadOnlySpan<string> candidates, string help)
    {
        foreach (string name in candidates)
        {
            if (NativeLibrary.TryLoad(name, typeof(NativeLibraries).Assembly, DllImportSearchPath.SafeDirectories, out IntPtr handle))
                return handle;
        }
        throw new ImageDecodeException(ImageErrorKind.CodecUnavailable, help + " Tried: " + string.Join(", ", candidates.ToArray()) + ".");
    }

    /// <summary>The message a missing TurboJPEG yields (for tests).</summary>
    internal static string TurboJpegMissingMessage => TurboJpegHelp;

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        TurboJpegName => _turboJpeg,
        WebPName => _webP,
        _ => IntPtr.Zero,
    };
}

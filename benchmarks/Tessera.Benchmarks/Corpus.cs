using System.IO;
using System.Linq;
using System.Reflection;
using Tessera.Imaging;

namespace Tessera.Benchmarks;

/// <summary>Files of the shared public corpus (<c>../shared/corpus</c>), read once per benchmark class.</summary>
internal static class Corpus
{
    /// <summary>The shared reference folder the build recorded.</summary>
    public static string SharedRoot { get; } =
        typeof(Corpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "SharedRoot").Value!;

    /// <summary>The encoded bytes of a corpus file.</summary>
    public static byte[] Read(string file) => File.ReadAllBytes(Path.Combine(SharedRoot, "corpus", file));

    /// <summary>A corpus file decoded the way transformers' <c>load_image</c> does (RGB, EXIF orientation applied).</summary>
    public static DecodedImage Load(string file) => ImageLoader.Load(Read(file), LoaderPreset.TransformersLoadImage);
}

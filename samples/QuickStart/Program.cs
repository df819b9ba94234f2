using System;
using System.IO;
using Tessera.Imaging;
using Tessera.Planning;

// Usage: dotnet run --project samples/QuickStart [IMAGE]
// Reads only the image header (size, then EXIF orientation, as transformers' load_image sees the image) and plans it
// with every preset Tessera ships.
string label;
ImageInfo info;
try
{
    if (args.Length > 0)
    {
        label = args[0];
        info = ImageLoader.Identify(args[0]);
    }
    else
    {
        label = "rocket.jpg (bundled sample, public domain)";
        using var stream = System.Reflection.Assembly.GetExecutingAssembly().GetManifestResourceStream("QuickStart.rocket.jpg")
            ?? throw new IOException("the bundled sample is missing from the assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        info = ImageLoader.Identify(buffer.ToArray());
    }
}
catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"quickstart: cannot read {args[0]}: {e.Message}");
    return 1;
}

int width = info.OrientedWidth, height = info.OrientedHeight;
string orientation = info.ExifOrientation == 1 ? "" : $", EXIF orientation {info.ExifOrientation} applied";
Console.WriteLine($"{label}: {info.Format} {info.Width}×{info.Height}{orientation} → planned as {width}×{height}");
Console.WriteLine();
Console.WriteLine($"{"preset",-22} {"grid",-7} {"resized",-12} {"views",5} {"tokens",7}  model");
Console.WriteLine(new string('-', 100));
foreach (var preset in Presets.All)
{
    try
    {
        var s = preset.Plan(width, height);
        Console.WriteLine($"{preset.Name,-22} {s.GridText,-7} {$"{s.ResizedWidth}×{s.ResizedHeight}",-12} {s.Images,5} {s.Tokens,7}  {preset.Model}");
    }
    catch (PlanException e)
    {
        Console.WriteLine($"{preset.Name,-22} {"error",-7} {e.Message}");
    }
}

// The same InternVL settings declared as a spec (InternVL15Tiling.cs): its plan and worst case were generated at compile time.
var spec = QuickStart.InternVL15Tiling.Plan(width, height);
Console.WriteLine($"{"[AspectRatioTiling]",-22} {$"{spec.Grid.Columns}×{spec.Grid.Rows}",-7} {$"{spec.ResizedWidth}×{spec.ResizedHeight}",-12} "
    + $"{spec.NumImages,5} {QuickStart.InternVL15Tiling.CountTokens(spec),7}  generated spec: at most {QuickStart.InternVL15Tiling.MaxTokens} tokens, "
    + $"{QuickStart.InternVL15Tiling.RemainingTokens} of {QuickStart.InternVL15Tiling.ContextLength} left");
return 0;

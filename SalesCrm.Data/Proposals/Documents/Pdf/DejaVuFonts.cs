using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// DejaVu Sans, shipped inside this assembly (Fonts/, licence in Fonts/LICENSE-DejaVu.txt) and given to PDFsharp for every
/// font a document names: the app runs where only the .NET SDK is installed, with no system fonts, and DejaVu has Cyrillic
/// and the rouble sign (U+20BD). Every PDF embeds the glyphs it uses, so it reads the same on any machine.
/// </summary>
internal sealed class DejaVuFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private static readonly DejaVuFonts Instance = new();
    private static readonly Lock Gate = new();
    private static volatile bool _installed;

    private readonly ConcurrentDictionary<string, byte[]> _faces = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes DejaVu PDFsharp's fonts, once for the process: PDFsharp holds one resolver for the whole application and must be
    /// given it before its first font, so concurrent first renders wait for the one that sets it.
    /// </summary>
    public static void Install()
    {
        if (_installed) return;
        lock (Gate)
        {
            if (_installed) return;
            if (GlobalFontSettings.FontResolver is not DejaVuFonts) GlobalFontSettings.FontResolver = Instance;
            _installed = true;
        }
    }

    /// <summary>Whatever family is asked for, the DejaVu Sans face of its weight and slant.</summary>
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new((bold, italic) switch
    {
        (true, true) => "DejaVuSans-BoldOblique",
        (true, false) => "DejaVuSans-Bold",
        (false, true) => "DejaVuSans-Oblique",
        _ => "DejaVuSans",
    });

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, Load);

    private static byte[] Load(string faceName)
    {
        var name = $"SalesCrm.Data.Proposals.Documents.Fonts.{faceName}.ttf";
        using var resource = typeof(DejaVuFonts).Assembly.GetManifestResourceStream(name)
                             ?? throw new InvalidOperationException($"The font {name} is not embedded in {typeof(DejaVuFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }
}

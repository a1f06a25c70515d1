using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// The fonts and measures of one PDF: a DejaVu Sans font per size, weight and slant, Unicode-encoded (so Cyrillic and ₽ are
/// drawn and the PDF's text can be copied and searched), and the width of each piece of text, remembered since a proposal
/// repeats the same words (the options' rows, the headers on every page).
/// </summary>
internal sealed class Typesetter : IDisposable
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);

    private readonly XGraphics _measure = XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
    private readonly Dictionary<(double Size, bool Bold, bool Italic), XFont> _fonts = [];
    private readonly Dictionary<(string Text, XFont Font), double> _widths = [];
    private readonly Dictionary<string, XBrush> _brushes = new(StringComparer.OrdinalIgnoreCase);

    public XFont Font(RunFormat format)
    {
        var key = (format.Size, format.Bold, format.Italic);
        if (_fonts.TryGetValue(key, out var font)) return font;
        var style = (format.Bold, format.Italic) switch
        {
            (true, true) => XFontStyleEx.BoldItalic,
            (true, false) => XFontStyleEx.Bold,
            (false, true) => XFontStyleEx.Italic,
            _ => XFontStyleEx.Regular,
        };
        font = new XFont(DejaVuFonts.Family, format.Size, style, Unicode);
        _fonts[key] = font;
        return font;
    }

    public double Width(string text, RunFormat format)
    {
        var font = Font(format);
        if (_widths.TryGetValue((text, font), out var width)) return width;
        width = text.Length == 0 ? 0 : _measure.MeasureString(text, font).Width;
        _widths[(text, font)] = width;
        return width;
    }

    /// <summary>The font's line height: ascent, descent and line gap, as single spacing in Word.</summary>
    public double LineHeight(RunFormat format) => Font(format).GetHeight();

    public double Ascent(RunFormat format)
    {
        var font = Font(format);
        return font.Metrics.Ascent * font.Size / font.Metrics.UnitsPerEm;
    }

    public XBrush Brush(string? color)
    {
        if (color is null) return XBrushes.Black;
        if (_brushes.TryGetValue(color, out var brush)) return brush;
        brush = int.TryParse(color, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb)
            ? new XSolidBrush(XColor.FromArgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF))
            : XBrushes.Black;
        _brushes[color] = brush;
        return brush;
    }

    public void Dispose() => _measure.Dispose();
}

using System.Globalization;
using PdfSharp.Drawing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>Something laid out that is drawn as one piece at a place: a paragraph or a table in a cell, a header, a footer.</summary>
internal interface ILaidOut
{
    double Height { get; }

    void Draw(XGraphics graphics, double left, double top);
}

internal enum SegmentKind
{
    Text,
    Space,

    /// <summary>A gap up to a tab stop (or after a list item's number), drawn as one space at its start.</summary>
    Gap,
}

/// <summary>A piece of text placed on a line, <see cref="X"/> from the paragraph's left edge.</summary>
internal sealed record Segment(string Text, RunFormat Format, double X, double Width, SegmentKind Kind);

/// <summary>A laid-out line: its segments, height, where its baseline is below its top, and whether a page break ends it.</summary>
internal sealed record Line(IReadOnlyList<Segment> Segments, double Height, double Baseline, bool Justified, bool PageBreakAfter);

/// <summary>A paragraph broken into lines for a width, with its spacing before and after.</summary>
internal sealed class ParagraphLayout(ParagraphBlock paragraph, IReadOnlyList<Line> lines, Typesetter typesetter) : ILaidOut
{
    public ParagraphBlock Paragraph => paragraph;

    public IReadOnlyList<Line> Lines => lines;

    public double Height => paragraph.SpaceBefore + lines.Sum(l => l.Height) + paragraph.SpaceAfter;

    public void Draw(XGraphics graphics, double left, double top)
    {
        var y = top + paragraph.SpaceBefore;
        foreach (var line in lines)
        {
            DrawLine(graphics, line, left, y);
            y += line.Height;
        }
    }

    /// <summary>
    /// Draws a line: neighbouring segments of one format as one string (a justified line piece by piece, its spaces widened),
    /// the spaces drawn too so a reader of the PDF's text gets its words apart, and underlines as lines under their text.
    /// </summary>
    public void DrawLine(XGraphics graphics, Line line, double left, double top)
    {
        var baseline = top + line.Baseline;
        foreach (var run in Runs(line))
        {
            var format = run[0].Format;
            var x = left + run[0].X;
            graphics.DrawString(string.Concat(run.Select(s => s.Text)), typesetter.Font(format), typesetter.Brush(format.Color), x, baseline,
                XStringFormats.BaseLineLeft);
            if (!format.Underline) continue;
            var width = run[^1].X + run[^1].Width - run[0].X;
            var pen = new XPen(Color(format.Color), Math.Max(0.5, format.Size / 18));
            graphics.DrawLine(pen, x, baseline + format.Size / 8, x + width, baseline + format.Size / 8);
        }
    }

    private static List<List<Segment>> Runs(Line line)
    {
        var runs = new List<List<Segment>>();
        foreach (var segment in line.Segments)
        {
            var joins = !line.Justified && runs.Count > 0 && runs[^1][^1] is { Kind: not SegmentKind.Gap } last
                        && segment.Kind != SegmentKind.Gap && last.Format == segment.Format;
            if (joins) runs[^1].Add(segment);
            else runs.Add([segment]);
        }
        return runs;
    }

    private static XColor Color(string? hex) =>
        hex is not null && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb)
            ? XColor.FromArgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF)
            : XColors.Black;
}

using System.Globalization;
using System.Text;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// Breaks a paragraph into lines of a width, as Word does for plain text: a line breaks only at an ordinary space or a tab
/// (never at a non-breaking space, which holds «1 234 567 ₽» together: it is measured and drawn as an ordinary space, so the
/// PDF's text reads with plain spaces), a word wider than the whole line is cut where it must, and each line is aligned
/// left, centred, right or justified. A list item's number or bullet stands at the first line's start, its text at the indent.
/// </summary>
internal sealed class LineBreaker
{
    /// <summary>Word's default tab stops: every 1.25 cm.</summary>
    private const double TabStop = 35.4;

    private readonly ParagraphBlock _paragraph;
    private readonly double _width;
    private readonly Typesetter _typesetter;
    private readonly List<Line> _lines = [];
    private readonly List<(string Text, RunFormat Format)> _word = [];
    private readonly List<RunFormat> _spaces = [];
    private List<Segment> _segments = [];
    private double _x;
    private bool _firstLine = true;

    private LineBreaker(ParagraphBlock paragraph, double width, Typesetter typesetter) =>
        (_paragraph, _width, _typesetter) = (paragraph, width, typesetter);

    /// <summary>The lines of <paramref name="paragraph"/> in <paramref name="width"/> points, PAGE fields showing <paramref name="page"/>.</summary>
    public static IReadOnlyList<Line> Lines(ParagraphBlock paragraph, double width, Typesetter typesetter, int page)
    {
        var breaker = new LineBreaker(paragraph, width, typesetter);
        if (paragraph.Prefix is { } prefix) breaker.PlacePrefix(prefix);
        foreach (var inline in paragraph.Inlines) breaker.Add(inline, page);
        breaker.PlaceWord();
        breaker.EndLine(wrapped: false, pageBreak: false);
        return breaker._lines;
    }

    private double LineStart => Math.Max(0, _paragraph.Left + (_firstLine ? _paragraph.FirstLine : 0));

    private double LineWidth => Math.Max(10, _width - LineStart - _paragraph.Right);

    private bool HasContent => _segments.Any(s => s.Kind != SegmentKind.Space);

    private void Add(Inline inline, int page)
    {
        switch (inline)
        {
            case TextInline text: AddText(text.Text, text.Format); break;
            case PageNumberInline number: _word.Add((page.ToString(CultureInfo.InvariantCulture), number.Format)); break;
            case TabInline tab: PlaceWord(); PlaceTab(tab.Format); break;
            case BreakInline lineBreak: PlaceWord(); EndLine(wrapped: false, pageBreak: lineBreak.Page); break;
        }
    }

    /// <summary>Splits text at ordinary spaces and tabs; the spaces that never break become ordinary spaces inside the word.</summary>
    private void AddText(string text, RunFormat format)
    {
        var piece = new StringBuilder();
        void EndPiece()
        {
            if (piece.Length > 0) _word.Add((piece.ToString(), format));
            piece.Clear();
        }
        foreach (var c in text)
        {
            switch (c)
            {
                case ' ': EndPiece(); PlaceWord(); _spaces.Add(format); break;
                case '\t': EndPiece(); PlaceWord(); PlaceTab(format); break;
                case '\n': EndPiece(); PlaceWord(); EndLine(wrapped: false, pageBreak: false); break;
                case '\u00AD': break;
                case '\u00A0' or '\u2007' or '\u202F': piece.Append(' '); break;
                default: piece.Append(c); break;
            }
        }
        EndPiece();
    }

    /// <summary>Places the word gathered so far, with the spaces before it, on this line or, when it does not fit, on the next.</summary>
    private void PlaceWord()
    {
        if (_word.Count == 0) return;
        var width = _word.Sum(p => _typesetter.Width(p.Text, p.Format));
        var spaces = _spaces.Sum(f => _typesetter.Width(" ", f));
        if (HasContent && _x + spaces + width > LineWidth + 0.01) EndLine(wrapped: true, pageBreak: false);
        PlaceSpaces();
        if (_x + width > LineWidth + 0.01) PlaceCut();
        else foreach (var (text, format) in _word) Place(text, format, _typesetter.Width(text, format), SegmentKind.Text);
        _word.Clear();
    }

    private void PlaceSpaces()
    {
        foreach (var format in _spaces) Place(" ", format, _typesetter.Width(" ", format), SegmentKind.Space);
        _spaces.Clear();
    }

    /// <summary>A word wider than the line: as many characters as fit on each line.</summary>
    private void PlaceCut()
    {
        foreach (var (text, format) in _word)
        {
            foreach (var rune in text.EnumerateRunes())
            {
                var character = rune.ToString();
                var width = _typesetter.Width(character, format);
                if (HasContent && _x + width > LineWidth + 0.01) EndLine(wrapped: false, pageBreak: false);
                Place(character, format, width, SegmentKind.Text);
            }
        }
    }

    private void PlaceTab(RunFormat format)
    {
        PlaceSpaces();
        var stop = (Math.Floor((_x + 0.01) / TabStop) + 1) * TabStop;
        if (stop > LineWidth)
        {
            EndLine(wrapped: false, pageBreak: false);
            return;
        }
        _segments.Add(new Segment(" ", format, _x, stop - _x, SegmentKind.Gap));
        _x = stop;
    }

    /// <summary>The list item's number or bullet at the first line's start; its text begins at the paragraph's indent.</summary>
    private void PlacePrefix(string prefix)
    {
        var format = _paragraph.Inlines.OfType<TextInline>().FirstOrDefault()?.Format ?? _paragraph.MarkFormat;
        var width = _typesetter.Width(prefix, format);
        Place(prefix, format, width, SegmentKind.Text);
        var indent = Math.Max(width + _typesetter.Width(" ", format), -_paragraph.FirstLine);
        _segments.Add(new Segment(" ", format, _x, indent - _x, SegmentKind.Gap));
        _x = indent;
    }

    /// <summary>Adds a segment at the line's current end.</summary>
    private void Place(string text, RunFormat format, double width, SegmentKind kind)
    {
        _segments.Add(new Segment(text, format, _x, width, kind));
        _x += width;
    }

    /// <summary>
    /// Ends the line: its height from its tallest font and the paragraph's line spacing, its segments moved by the line's
    /// start and its alignment. A justified paragraph spreads the spare width over the spaces of each line it wrapped, not
    /// over its last line or a line ended by a break. Spaces waiting for a word stay at the end of the line, unseen.
    /// </summary>
    private void EndLine(bool wrapped, bool pageBreak)
    {
        var formats = _segments.Select(s => s.Format).DefaultIfEmpty(_paragraph.MarkFormat).ToList();
        var natural = formats.Max(_typesetter.LineHeight);
        var ascent = formats.Max(_typesetter.Ascent);
        var spacing = _paragraph.Spacing;
        var height = spacing.Rule switch
        {
            LineSpacingRule.Exactly => spacing.Value,
            LineSpacingRule.AtLeast => Math.Max(natural, spacing.Value),
            _ => natural * spacing.Value,
        };
        var baseline = Math.Max(ascent * 0.5, height - (natural - ascent));
        var justify = wrapped && _paragraph.Alignment == ParagraphAlignment.Justify;
        _lines.Add(new Line(Aligned(justify), height, baseline, justify, pageBreak));
        (_segments, _x, _firstLine) = ([], 0, false);
        _spaces.Clear();
    }

    private List<Segment> Aligned(bool justify)
    {
        while (_segments.Count > 0 && _segments[^1].Kind == SegmentKind.Space) _segments.RemoveAt(_segments.Count - 1);
        var used = _segments.Count == 0 ? 0 : _segments[^1].X + _segments[^1].Width;
        var spare = Math.Max(0, LineWidth - used);
        var spaces = _segments.Count(s => s.Kind == SegmentKind.Space);
        var offset = LineStart + _paragraph.Alignment switch
        {
            ParagraphAlignment.Center => spare / 2,
            ParagraphAlignment.Right => spare,
            _ => 0,
        };
        var extra = justify && spaces > 0 ? spare / spaces : 0;
        var aligned = new List<Segment>(_segments.Count);
        foreach (var segment in _segments)
        {
            var widened = segment.Kind == SegmentKind.Space ? segment.Width + extra : segment.Width;
            aligned.Add(segment with { X = segment.X + offset, Width = widened });
            if (segment.Kind == SegmentKind.Space) offset += extra;
        }
        return aligned;
    }
}

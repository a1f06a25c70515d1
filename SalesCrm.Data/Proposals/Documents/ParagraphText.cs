using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Proposals.Documents;

/// <summary>What a pair of braces in a paragraph turned out to be.</summary>
internal enum BraceKind
{
    /// <summary><c>{{Name}}</c>, known or not: <see cref="BraceMark.Inner"/> holds what stands between the braces.</summary>
    Field,

    /// <summary>A <c>{{</c> with no <c>}}</c> after it in the paragraph (or another <c>{{</c> first).</summary>
    Unclosed,

    /// <summary>A <c>}}</c> that closes nothing.</summary>
    StrayClose,
}

/// <summary>A pair of braces found in a paragraph's joined text, from <see cref="Start"/> to <see cref="End"/> (exclusive).</summary>
internal readonly record struct BraceMark(BraceKind Kind, int Start, int End, string Inner)
{
    /// <summary>
    /// The placeholder the braces name: letter case and spaces do not matter (<c>{{ Клиент.ИНН }}</c>, and a space Word put
    /// inside a name when it was typed), so every space is taken out before the catalogue is asked.
    /// </summary>
    public Placeholder? Placeholder => Kind == BraceKind.Field ? ProposalPlaceholders.Find(Name) : null;

    /// <summary>The name between the braces without its spaces: empty for <c>{{}}</c> and <c>{{ }}</c>.</summary>
    public string Name => string.Concat(Inner.Where(c => !char.IsWhiteSpace(c)));
}

/// <summary>
/// The text of one Word paragraph as its reader sees it, joined from the <c>w:t</c> pieces of its runs, with the braces found in
/// it. Word splits a placeholder over several runs after a spell-check or a partial format change
/// (<c>{{Кли</c> | <c>ент}}</c>), so placeholders are looked for in the joined text, and each is then located back in the pieces
/// it came from: the check and the fill see the same placeholders.
/// </summary>
internal sealed class ParagraphText
{
    private readonly List<Text> _pieces;
    private readonly int[] _starts;
    private readonly int[] _lengths;

    private ParagraphText(Paragraph paragraph, List<Text> pieces)
    {
        Paragraph = paragraph;
        _pieces = pieces;
        _lengths = [.. pieces.Select(p => p.Text.Length)];
        _starts = new int[pieces.Count];
        for (var i = 1; i < pieces.Count; i++) _starts[i] = _starts[i - 1] + _lengths[i - 1];
        Value = string.Concat(pieces.Select(p => p.Text));
    }

    public Paragraph Paragraph { get; }

    /// <summary>The paragraph's text, its runs joined.</summary>
    public string Value { get; }

    /// <summary>
    /// The paragraph's own text pieces: a text box anchored in the paragraph has paragraphs of its own, read on their own,
    /// and deleted text of tracked changes is <c>w:delText</c>, which is not read at all.
    /// </summary>
    public static ParagraphText Of(Paragraph paragraph) =>
        new(paragraph, [.. paragraph.Descendants<Text>().Where(t => t.Ancestors<Paragraph>().FirstOrDefault() == paragraph)]);

    /// <summary>The document's body, headers and footers: everywhere a placeholder may stand.</summary>
    public static IEnumerable<OpenXmlPartRootElement> Roots(MainDocumentPart main)
    {
        if (main.Document is { } document) yield return document;
        foreach (var header in main.HeaderParts) if (header.Header is { } root) yield return root;
        foreach (var footer in main.FooterParts) if (footer.Footer is { } root) yield return root;
    }

    /// <summary>Every pair of braces of the paragraph, left to right.</summary>
    public IReadOnlyList<BraceMark> Marks()
    {
        var marks = new List<BraceMark>();
        var at = 0;
        while (at < Value.Length)
        {
            var open = Value.IndexOf(ProposalPlaceholders.Open, at, StringComparison.Ordinal);
            var close = Value.IndexOf(ProposalPlaceholders.Close, at, StringComparison.Ordinal);
            if (open < 0 && close < 0) break;
            if (open < 0 || (close >= 0 && close < open))
            {
                marks.Add(new BraceMark(BraceKind.StrayClose, close, close + 2, ""));
                at = close + 2;
                continue;
            }
            at = MarkFrom(open, marks);
        }
        return marks;
    }

    /// <summary>The mark opened at <paramref name="open"/>; returns where to look on.</summary>
    private int MarkFrom(int open, List<BraceMark> marks)
    {
        var inner = open + 2;
        var close = Value.IndexOf(ProposalPlaceholders.Close, inner, StringComparison.Ordinal);
        var reopen = Value.IndexOf(ProposalPlaceholders.Open, inner, StringComparison.Ordinal);
        if (close < 0 || (reopen >= 0 && reopen < close))
        {
            var end = reopen >= 0 ? reopen : Value.Length;
            marks.Add(new BraceMark(BraceKind.Unclosed, open, end, Value[inner..end]));
            return end;
        }
        marks.Add(new BraceMark(BraceKind.Field, open, close + 2, Value[inner..close]));
        return close + 2;
    }

    /// <summary>
    /// Puts <paramref name="value"/> where <paramref name="mark"/> stands: into the text of the run the placeholder begins in,
    /// so the value takes that run's formatting, and takes the rest of the placeholder out of the runs it spilled into. Line
    /// breaks in the value become <c>w:br</c>. Replace right to left: the offsets of the marks on the left stay true.
    /// </summary>
    public void Replace(BraceMark mark, string value)
    {
        var (first, from) = Locate(mark.Start, atEnd: false);
        var (last, to) = Locate(mark.End, atEnd: true);
        var head = _pieces[first].Text[..from];
        var tail = "";
        if (first == last) tail = _pieces[first].Text[to..];
        else
        {
            for (var i = first + 1; i < last; i++) Write(_pieces[i], "");
            Write(_pieces[last], _pieces[last].Text[to..]);
        }
        _pieces[first] = Write(_pieces[first], head + Clean(value) + tail);
    }

    private (int Piece, int Offset) Locate(int position, bool atEnd)
    {
        for (var i = 0; i < _pieces.Count; i++)
        {
            var inside = atEnd
                ? position > _starts[i] && position <= _starts[i] + _lengths[i]
                : position >= _starts[i] && position < _starts[i] + _lengths[i];
            if (inside) return (i, position - _starts[i]);
        }
        throw new InvalidOperationException($"Position {position} is outside the paragraph's text.");
    }

    /// <summary>
    /// Writes a text piece, spaces kept as they are. A value of several lines becomes text, break, text… in the same run;
    /// the first piece is returned, since a mark further left may still end in it.
    /// </summary>
    private static Text Write(Text piece, string text)
    {
        var lines = text.Split('\n');
        piece.Text = lines[0];
        piece.Space = SpaceProcessingModeValues.Preserve;
        OpenXmlElement after = piece;
        foreach (var line in lines.Skip(1))
        {
            var lineBreak = after.InsertAfterSelf(new Break());
            after = lineBreak.InsertAfterSelf(new Text(line) { Space = SpaceProcessingModeValues.Preserve });
        }
        return piece;
    }

    /// <summary>A value as a Word text can hold it: one kind of line break, and no control character XML refuses.</summary>
    private static string Clean(string value) =>
        string.Concat(value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            .Where(c => c is '\n' or '\t' || !char.IsControl(c)));
}

using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// Lays the document's body out on pages: paragraphs line by line, a new page when the next line does not fit or at a page
/// break, tables row by row (a row that does not fit goes whole to the next page, after the table's header rows drawn
/// again). Each page gets the header and the footer, laid out for it, so a PAGE field shows its number; the body starts below
/// the header when the header is taller than the top margin, as in Word.
/// </summary>
internal sealed class PdfComposer : IDisposable
{
    private readonly DocxModel _model;
    private readonly PdfDocument _pdf;
    private readonly Typesetter _typesetter = new();
    private XGraphics? _graphics;
    private double _y;
    private double _bottom;
    private bool _pageHasContent;

    private PdfComposer(DocxModel model, PdfDocument pdf) => (_model, _pdf) = (model, pdf);

    private PageSetup Page => _model.Page;

    private XGraphics Graphics => _graphics ?? throw new InvalidOperationException("No page is open.");

    /// <summary>Draws <paramref name="model"/> into <paramref name="pdf"/>.</summary>
    public static void Compose(DocxModel model, PdfDocument pdf)
    {
        using var composer = new PdfComposer(model, pdf);
        composer.NewPage();
        for (var i = 0; i < model.Body.Count; i++)
        {
            if (model.Body[i] is ParagraphBlock paragraph)
            {
                if (paragraph.KeepWithNext && (i == 0 || model.Body[i - 1] is not ParagraphBlock { KeepWithNext: true })) composer.KeepTogether(model.Body, i);
                composer.Paragraph(paragraph);
            }
            else if (model.Body[i] is TableBlock table) composer.Table(table);
        }
    }

    /// <summary>
    /// Starts a new page when the paragraphs kept with the next from <paramref name="from"/> on, and the beginning of the block
    /// after them (its first line, or a table's header rows and first row), do not all fit on this one, as long as they fit on
    /// a page of their own: a heading never ends a page, nor does the first line of a signature block.
    /// </summary>
    private void KeepTogether(IReadOnlyList<Block> body, int from)
    {
        if (!_pageHasContent) return;
        var page = _pdf.PageCount;
        var needed = 0.0;
        var next = from;
        for (; next < body.Count && body[next] is ParagraphBlock { KeepWithNext: true } kept; next++)
            needed += new ParagraphLayout(kept, LineBreaker.Lines(kept, Page.TextWidth, _typesetter, page), _typesetter).Height;
        needed += next >= body.Count ? 0 : body[next] switch
        {
            ParagraphBlock p => p.SpaceBefore + LineBreaker.Lines(p, Page.TextWidth, _typesetter, page)[0].Height,
            TableBlock t => FirstRows(TableLayout.Of(t, Page.TextWidth, _typesetter, page).Rows),
            _ => 0,
        };
        if (_y + needed > _bottom && needed < _bottom - Page.Top) NewPage();
    }

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = _pdf.AddPage();
        page.Width = XUnit.FromPoint(Page.Width);
        page.Height = XUnit.FromPoint(Page.Height);
        _graphics = XGraphics.FromPdfPage(page);
        var number = _pdf.PageCount;
        var first = number == 1;
        var header = Flow.Layout((first ? _model.FirstHeader : null) ?? _model.Header, Page.TextWidth, _typesetter, number);
        var footer = Flow.Layout((first ? _model.FirstFooter : null) ?? _model.Footer, Page.TextWidth, _typesetter, number);
        var headerBottom = Stack(header, Page.HeaderFrom);
        var footerTop = Page.Height - Page.FooterFrom - footer.Sum(f => f.Height);
        Stack(footer, footerTop);
        _y = Math.Max(Page.Top, headerBottom);
        _bottom = Math.Min(Page.Height - Page.Bottom, footer.Count == 0 ? double.MaxValue : footerTop);
        _pageHasContent = false;
    }

    /// <summary>Draws laid-out blocks one under the other from <paramref name="top"/>; returns where they end.</summary>
    private double Stack(List<ILaidOut> blocks, double top)
    {
        foreach (var block in blocks)
        {
            block.Draw(Graphics, Page.Left, top);
            top += block.Height;
        }
        return top;
    }

    private static double FirstRows(IReadOnlyList<RowLayout> rows) =>
        rows.TakeWhile(r => r.Header).Concat(rows.SkipWhile(r => r.Header).Take(1)).Sum(r => r.Height);

    private void Paragraph(ParagraphBlock paragraph)
    {
        if (paragraph.PageBreakBefore && _pageHasContent) NewPage();
        var layout = new ParagraphLayout(paragraph, LineBreaker.Lines(paragraph, Page.TextWidth, _typesetter, _pdf.PageCount), _typesetter);
        if (_pageHasContent) _y += paragraph.SpaceBefore;
        foreach (var line in layout.Lines)
        {
            if (_pageHasContent && _y + line.Height > _bottom) NewPage();
            layout.DrawLine(Graphics, line, Page.Left, _y);
            _y += line.Height;
            _pageHasContent = true;
            if (line.PageBreakAfter) NewPage();
        }
        _y += paragraph.SpaceAfter;
    }

    private void Table(TableBlock table)
    {
        var layout = TableLayout.Of(table, Page.TextWidth, _typesetter, _pdf.PageCount);
        var headers = layout.Rows.TakeWhile(r => r.Header).ToList();
        foreach (var row in layout.Rows)
        {
            if (_pageHasContent && _y + row.Height > _bottom)
            {
                NewPage();
                if (!row.Header) foreach (var header in headers) Draw(header);
            }
            Draw(row);
        }
    }

    private void Draw(RowLayout row)
    {
        row.Draw(Graphics, Page.Left, _y);
        _y += row.Height;
        _pageHasContent = true;
    }

    public void Dispose()
    {
        _graphics?.Dispose();
        _typesetter.Dispose();
    }
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// Reads a .docx into what the PDF draws: paragraphs with their runs' formats resolved through the styles, list prefixes,
/// breaks and PAGE fields; tables with their grid, header rows, cell fills and borders; the page and the headers and
/// footers of the last section. What the PDF does not draw (pictures, shapes, text boxes, footnotes) is left out here.
/// </summary>
internal sealed class DocxReader
{
    private readonly StyleBook _styles;
    private readonly ListNumbering _numbering;

    private DocxReader(MainDocumentPart main)
    {
        _styles = new StyleBook(main.StyleDefinitionsPart?.Styles);
        _numbering = new ListNumbering(main.NumberingDefinitionsPart?.Numbering);
    }

    public static DocxModel Read(byte[] docx)
    {
        using var stream = new MemoryStream(docx, writable: false);
        using var document = WordprocessingDocument.Open(stream, isEditable: false);
        var main = document.MainDocumentPart ?? throw new InvalidDataException("The file has no main document part.");
        var body = main.Document?.Body ?? throw new InvalidDataException("The document has no body.");
        var reader = new DocxReader(main);
        var section = body.Elements<SectionProperties>().LastOrDefault() ?? body.Descendants<SectionProperties>().LastOrDefault();
        var blocks = reader.Blocks(body, headerRow: false);
        var titlePage = WordFormats.On(section?.GetFirstChild<TitlePage>()) == true;
        return new DocxModel(
            Page(section),
            blocks,
            reader.HeaderOrFooter<HeaderReference>(main, section, HeaderFooterValues.Default) ?? [],
            reader.HeaderOrFooter<FooterReference>(main, section, HeaderFooterValues.Default) ?? [],
            titlePage ? reader.HeaderOrFooter<HeaderReference>(main, section, HeaderFooterValues.First) : null,
            titlePage ? reader.HeaderOrFooter<FooterReference>(main, section, HeaderFooterValues.First) : null);
    }

    private static PageSetup Page(SectionProperties? section)
    {
        var a4 = PageSetup.A4;
        var size = section?.GetFirstChild<PageSize>();
        var margin = section?.GetFirstChild<PageMargin>();
        double Pt(double? twips, double fallback) => twips is { } t and > 0 ? t / 20 : fallback;
        var width = Pt(size?.Width?.Value, a4.Width);
        var height = Pt(size?.Height?.Value, a4.Height);
        if (size?.Orient?.Value == PageOrientationValues.Landscape && width < height) (width, height) = (height, width);
        return new PageSetup(width, height,
            Pt(Math.Abs(margin?.Top?.Value ?? 0), a4.Top), Pt(margin?.Right?.Value, a4.Right), Pt(Math.Abs(margin?.Bottom?.Value ?? 0), a4.Bottom),
            Pt(margin?.Left?.Value, a4.Left), Pt(margin?.Header?.Value, a4.HeaderFrom), Pt(margin?.Footer?.Value, a4.FooterFrom));
    }

    /// <summary>The blocks of the section's header or footer of <paramref name="kind"/>, or null when it has none.</summary>
    private List<Block>? HeaderOrFooter<TReference>(MainDocumentPart main, SectionProperties? section, HeaderFooterValues kind)
        where TReference : HeaderFooterReferenceType
    {
        var reference = section?.Elements<TReference>().FirstOrDefault(r => (r.Type?.Value ?? HeaderFooterValues.Default) == kind);
        if (reference?.Id?.Value is not { } id) return null;
        return main.GetPartById(id) switch
        {
            HeaderPart { Header: { } header } => Blocks(header, headerRow: false),
            FooterPart { Footer: { } footer } => Blocks(footer, headerRow: false),
            _ => null,
        };
    }

    /// <summary>The paragraphs and tables of a container, in order; content controls and the like are read through.</summary>
    private List<Block> Blocks(OpenXmlElement container, bool headerRow)
    {
        var blocks = new List<Block>();
        foreach (var child in container.ChildElements)
        {
            switch (child)
            {
                case Paragraph paragraph: blocks.Add(Paragraph(paragraph, headerRow)); break;
                case Table table: blocks.Add(Table(table)); break;
                case SectionProperties or TableProperties or TableGrid or TableCellProperties: break;
                case OpenXmlCompositeElement other: blocks.AddRange(Blocks(other, headerRow)); break;
            }
        }
        return blocks;
    }

    private ParagraphBlock Paragraph(Paragraph paragraph, bool headerRow)
    {
        var properties = paragraph.ParagraphProperties;
        var style = _styles.Paragraph(properties?.ParagraphStyleId?.Val?.Value);
        var own = WordFormats.Paragraph(properties);
        var numbering = own.Numbering ?? style.Paragraph.Numbering;
        var format = style.Paragraph;
        if (numbering is { } list) format = format.With(_numbering.Indents(list.NumberingId, list.Level));
        format = format.With(own);
        var mark = headerRow ? style.Run with { Bold = true } : style.Run;
        var prefix = numbering is { } item ? _numbering.Next(item.NumberingId, item.Level) : null;
        var left = format.Left ?? 0;
        if (prefix is not null && format.Left is null) left = 18 * ((numbering?.Level ?? 0) + 1);
        return new ParagraphBlock(
            Inlines(paragraph, mark), mark, format.Alignment ?? ParagraphAlignment.Left, format.SpaceBefore ?? 0, format.SpaceAfter ?? 0,
            format.Spacing ?? LineSpacing.Single, left, format.Right ?? 0, format.FirstLine ?? (prefix is null ? 0 : -18), prefix, style.Role,
            format.PageBreakBefore == true, format.KeepNext == true || style.Role != ParagraphRole.Body);
    }

    /// <summary>
    /// The paragraph's runs in order, each in its format: the paragraph style's, the run's character style, then its own.
    /// Deleted text, hidden text and field codes are not printed; a PAGE field's shown result is replaced by the page's number.
    /// </summary>
    private List<Inline> Inlines(Paragraph paragraph, RunFormat paragraphFormat)
    {
        var inlines = new List<Inline>();
        var field = new FieldState();
        foreach (var run in paragraph.Descendants<Run>().Where(r => r.Ancestors<Paragraph>().FirstOrDefault() == paragraph && !r.Ancestors<DeletedRun>().Any()))
        {
            var properties = run.RunProperties;
            var format = _styles.Character(paragraphFormat, properties?.RunStyle?.Val?.Value).With(properties);
            if (WordFormats.Hidden(properties)) continue;
            var simple = run.Parent as SimpleField;
            if (simple is not null && IsPageField(simple.Instruction?.Value))
            {
                if (run == simple.Elements<Run>().First()) inlines.Add(new PageNumberInline(format));
                continue;
            }
            foreach (var child in run.ChildElements) Add(child, format, field, inlines);
        }
        return inlines;
    }

    private static void Add(OpenXmlElement child, RunFormat format, FieldState field, List<Inline> inlines)
    {
        switch (child)
        {
            case FieldChar fieldChar: field.Step(fieldChar.FieldCharType?.Value, format, inlines); break;
            case FieldCode code: field.Instruction += code.Text; break;
            case Text text when !field.Hides: inlines.Add(new TextInline(text.Text, format)); break;
            case TabChar when !field.Hides: inlines.Add(new TabInline(format)); break;
            case Break lineBreak when !field.Hides: inlines.Add(new BreakInline(lineBreak.Type?.Value == BreakValues.Page)); break;
            case CarriageReturn when !field.Hides: inlines.Add(new BreakInline(false)); break;
            case NoBreakHyphen when !field.Hides: inlines.Add(new TextInline("\u2011", format)); break;
        }
    }

    private static bool IsPageField(string? instruction) =>
        instruction?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Equals("PAGE", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Where a complex field (<c>w:fldChar</c> begin … separate … end) is: its code is not printed, and the shown result of a
    /// PAGE field gives way to the page's number, which only the layout knows.
    /// </summary>
    private sealed class FieldState
    {
        private int _depth;
        private bool _inResult;
        private bool _pageResult;

        public string Instruction { get; set; } = "";

        /// <summary>In a field's code, or in the shown result of a PAGE field.</summary>
        public bool Hides => (_depth > 0 && !_inResult) || _pageResult;

        public void Step(FieldCharValues? kind, RunFormat format, List<Inline> inlines)
        {
            if (kind == FieldCharValues.Begin)
            {
                (_depth, _inResult, Instruction) = (_depth + 1, false, "");
            }
            else if (kind == FieldCharValues.Separate)
            {
                _inResult = true;
                _pageResult = _depth == 1 && IsPageField(Instruction);
                if (_pageResult) inlines.Add(new PageNumberInline(format));
            }
            else if (kind == FieldCharValues.End && _depth > 0)
            {
                (_depth, _inResult, _pageResult) = (_depth - 1, _depth > 1, false);
            }
        }
    }

    private TableBlock Table(Table table)
    {
        var columns = table.GetFirstChild<TableGrid>()?.Elements<GridColumn>().Select(c => WordFormats.Points(c.Width?.Value)).ToList() ?? [];
        var rows = table.Elements<TableRow>().Select(Row).ToList();
        var widest = rows.Select(r => r.Cells.Sum(c => c.Span)).DefaultIfEmpty(1).Max();
        if (columns.Count < widest || columns.Any(c => c <= 0)) columns = [.. Enumerable.Repeat(1.0, widest)];
        var properties = table.GetFirstChild<TableProperties>();
        var borders = properties?.TableBorders is { } own ? StyleBook.Visible(own) : _styles.TableBorders(properties?.TableStyle?.Val?.Value);
        return new TableBlock(columns, rows, borders);
    }

    private RowBlock Row(TableRow row)
    {
        var properties = row.TableRowProperties;
        var header = properties?.GetFirstChild<TableHeader>() is { } repeated && (repeated.Val is null || repeated.Val.Value == OnOffOnlyValues.On);
        var height = properties?.GetFirstChild<TableRowHeight>()?.Val?.Value is { } twips ? twips / 20.0 : 0;
        var cells = row.Elements<TableCell>().Select(cell => new CellBlock(
            Math.Max(1, cell.TableCellProperties?.GridSpan?.Val?.Value ?? 1),
            Blocks(cell, header),
            cell.TableCellProperties?.Shading?.Fill?.Value is { Length: 6 } fill && !fill.Equals("auto", StringComparison.OrdinalIgnoreCase) ? fill : null));
        return new RowBlock([.. cells], header, height);
    }
}

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>How a piece of text looks: what the PDF can show of Word's run properties. Sizes are in points.</summary>
internal readonly record struct RunFormat(double Size, bool Bold, bool Italic, bool Underline, string? Color)
{
    /// <summary>Word's size when neither the document's defaults nor any style set one: 10 pt.</summary>
    public static RunFormat Default { get; } = new(10, false, false, false, null);
}

internal enum ParagraphAlignment
{
    Left,
    Center,
    Right,
    Justify,
}

/// <summary>What a paragraph's style makes it: a heading is drawn larger and bold, and gives the PDF its title.</summary>
internal enum ParagraphRole
{
    Body,
    Title,
    Heading1,
    Heading2,
    Heading3,
}

/// <summary>A piece of a paragraph's content, in reading order.</summary>
internal abstract record Inline;

internal sealed record TextInline(string Text, RunFormat Format) : Inline;

internal sealed record TabInline(RunFormat Format) : Inline;

/// <summary><c>w:br</c>: a new line, or with <see cref="Page"/> a new page.</summary>
internal sealed record BreakInline(bool Page) : Inline;

/// <summary>A PAGE field: the number of the page it is drawn on.</summary>
internal sealed record PageNumberInline(RunFormat Format) : Inline;

/// <summary>How Word spaces the lines of a paragraph: a factor of single spacing, or an exact or least height in points.</summary>
internal readonly record struct LineSpacing(double Value, LineSpacingRule Rule)
{
    public static LineSpacing Single { get; } = new(1, LineSpacingRule.Auto);
}

internal enum LineSpacingRule
{
    Auto,
    Exactly,
    AtLeast,
}

internal abstract record Block;

/// <summary>
/// A paragraph ready to lay out. <see cref="Left"/>, <see cref="Right"/> and <see cref="FirstLine"/> (negative for a hanging
/// indent) are indents in points; <see cref="Prefix"/> is a list item's bullet or number, drawn where the first line starts.
/// A paragraph kept with the next one (a heading, or Word's «keep with next») goes to the next page rather than end a page
/// alone.
/// </summary>
internal sealed record ParagraphBlock(
    IReadOnlyList<Inline> Inlines,
    RunFormat MarkFormat,
    ParagraphAlignment Alignment,
    double SpaceBefore,
    double SpaceAfter,
    LineSpacing Spacing,
    double Left,
    double Right,
    double FirstLine,
    string? Prefix,
    ParagraphRole Role,
    bool PageBreakBefore,
    bool KeepWithNext) : Block
{
    /// <summary>The paragraph's words, for the PDF's title.</summary>
    public string PlainText => string.Concat(Inlines.OfType<TextInline>().Select(t => t.Text)).Trim();
}

/// <summary>A table: its grid's column widths in points, its rows, and whether its cells are drawn with borders.</summary>
internal sealed record TableBlock(IReadOnlyList<double> Columns, IReadOnlyList<RowBlock> Rows, bool Borders) : Block;

/// <summary>A table row; a <see cref="Header"/> row is drawn bold and again at the top of each page the table goes on to.</summary>
internal sealed record RowBlock(IReadOnlyList<CellBlock> Cells, bool Header, double MinHeight);

/// <summary>A cell spanning <see cref="Span"/> grid columns, with its background colour (hex) when it has one.</summary>
internal sealed record CellBlock(int Span, IReadOnlyList<Block> Content, string? Fill);

/// <summary>The page of the document's (last) section, in points.</summary>
internal sealed record PageSetup(double Width, double Height, double Top, double Right, double Bottom, double Left, double HeaderFrom, double FooterFrom)
{
    /// <summary>A4 with Word's Russian default margins: what a document without section properties is printed on.</summary>
    public static PageSetup A4 { get; } = new(595.3, 841.9, 56.7, 42.5, 56.7, 85.05, 35.4, 35.4);

    public double TextWidth => Width - Left - Right;
}

/// <summary>The whole document as the PDF draws it: the page, the body and the default and first-page headers and footers.</summary>
internal sealed record DocxModel(
    PageSetup Page,
    IReadOnlyList<Block> Body,
    IReadOnlyList<Block> Header,
    IReadOnlyList<Block> Footer,
    IReadOnlyList<Block>? FirstHeader,
    IReadOnlyList<Block>? FirstFooter);

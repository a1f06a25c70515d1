using PdfSharp.Drawing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>A table row laid out: each cell's place, fill and content, and the row's height (its tallest cell's).</summary>
internal sealed class RowLayout(bool header, double height, IReadOnlyList<CellLayout> cells, bool borders, Typesetter typesetter) : ILaidOut
{
    private static readonly XPen Border = new(XColors.Black, 0.5);

    public bool Header => header;

    public double Height => height;

    /// <summary>Fills, then text, then borders, so a fill never covers a neighbour's border.</summary>
    public void Draw(XGraphics graphics, double left, double top)
    {
        foreach (var cell in cells.Where(c => c.Fill is not null))
            graphics.DrawRectangle(typesetter.Brush(cell.Fill), left + cell.X, top, cell.Width, height);
        foreach (var cell in cells)
        {
            var y = top + TableLayout.PaddingTop;
            foreach (var content in cell.Content)
            {
                content.Draw(graphics, left + cell.X + TableLayout.PaddingSide, y);
                y += content.Height;
            }
        }
        if (!borders) return;
        foreach (var cell in cells) graphics.DrawRectangle(Border, left + cell.X, top, cell.Width, height);
    }
}

internal sealed record CellLayout(double X, double Width, string? Fill, IReadOnlyList<ILaidOut> Content);

/// <summary>
/// A table laid out for a width: the grid's column widths (scaled down to the width when they are wider), each cell's content
/// laid out in its column less Word's default cell margins. A row is kept whole: the page flow moves a row that does not fit
/// to the next page.
/// </summary>
internal sealed class TableLayout : ILaidOut
{
    /// <summary>Word's default left and right cell margins, 0.19 cm.</summary>
    public const double PaddingSide = 5.4;

    public const double PaddingTop = 2;

    public const double PaddingBottom = 2;

    private TableLayout(IReadOnlyList<RowLayout> rows) => Rows = rows;

    public IReadOnlyList<RowLayout> Rows { get; }

    public double Height => Rows.Sum(r => r.Height);

    public static TableLayout Of(TableBlock table, double width, Typesetter typesetter, int page)
    {
        var total = table.Columns.Sum();
        var scale = total > width ? width / total : 1;
        var columns = table.Columns.Select(c => c * scale).ToList();
        return new TableLayout([.. table.Rows.Select(row => Row(row, columns, table.Borders, typesetter, page))]);
    }

    private static RowLayout Row(RowBlock row, List<double> columns, bool borders, Typesetter typesetter, int page)
    {
        var cells = new List<CellLayout>();
        var column = 0;
        foreach (var cell in row.Cells)
        {
            var x = columns.Take(column).Sum();
            var width = columns.Skip(column).Take(cell.Span).Sum();
            if (width <= 0) width = columns.Count > 0 ? columns[^1] : 0;
            var content = Flow.Layout(cell.Content, Math.Max(10, width - 2 * PaddingSide), typesetter, page);
            cells.Add(new CellLayout(x, width, cell.Fill, content));
            column += cell.Span;
        }
        var height = cells.Select(c => c.Content.Sum(l => l.Height)).DefaultIfEmpty(0).Max() + PaddingTop + PaddingBottom;
        return new RowLayout(row.Header, Math.Max(height, row.MinHeight), cells, borders, typesetter);
    }

    public void Draw(XGraphics graphics, double left, double top)
    {
        foreach (var row in Rows)
        {
            row.Draw(graphics, left, top);
            top += row.Height;
        }
    }
}

/// <summary>Laying out a run of blocks (a cell's, a header's) for a width.</summary>
internal static class Flow
{
    public static List<ILaidOut> Layout(IReadOnlyList<Block> blocks, double width, Typesetter typesetter, int page) =>
    [
        .. blocks.Select(block => block switch
        {
            ParagraphBlock paragraph => (ILaidOut)new ParagraphLayout(paragraph, LineBreaker.Lines(paragraph, width, typesetter, page), typesetter),
            TableBlock table => TableLayout.Of(table, width, typesetter, page),
            _ => throw new InvalidOperationException($"Unknown block {block.GetType().Name}."),
        }),
    ];
}

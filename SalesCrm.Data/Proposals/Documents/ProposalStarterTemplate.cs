using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using static SalesCrm.Domain.Proposals.ProposalPlaceholders;

namespace SalesCrm.Data.Proposals.Documents;

/// <summary>
/// The proposal template a company starts from: downloaded from the settings page, edited in Word (logo, wording, colours)
/// and uploaded back. It is a complete Russian commercial proposal on A4 that names every placeholder of the catalogue, so
/// the company sees each field at work and deletes what it does not want, rather than looking up names to type. Its words
/// are the document's, written by the company from then on, not texts of the app's interface.
/// </summary>
public static class ProposalStarterTemplate
{
    /// <summary>The text width of the page below, in twentieths of a point: A4 (11906) less margins of 2.5 cm and 1.5 cm.</summary>
    private const int TextWidth = 11906 - 1418 - 851;

    private const string Grey = "595959";
    private const string Navy = "1F3864";

    public static byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
            var header = main.AddNewPart<HeaderPart>();
            header.Header = new Header(Line(JustificationValues.Right, Small(Token(Company))));
            var footer = main.AddNewPart<FooterPart>();
            footer.Footer = Footer();
            main.Document = new Document(new Body([.. Content(), Section(main.GetIdOfPart(header), main.GetIdOfPart(footer))]));
            main.Document.Save();
        }
        return stream.ToArray();
    }

    private static IEnumerable<OpenXmlElement> Content() =>
    [
        Styled("Title", Text("Коммерческое предложение № ", Token(Number))), // not UI text: the template's own wording
        Line(null, Small("от ", Token(Date), " · версия ", Token(VersionNumber), " · сделка № ", Token(DealNumber))), // not UI text: the template's own wording
        .. Addressee(),
        Line(JustificationValues.Center, Text("Добрый день!")), // not UI text: the template's own wording
        Line(JustificationValues.Both, Text("Благодарим вас за интерес к нашим услугам и предлагаем условия страхования " + // not UI text: the template's own wording
                                            "по продукту «", Token(Product), "». Объект страхования: ", Token(InsuredObject), ".")), // not UI text: the template's own wording
        Line(JustificationValues.Both, Text("Мы подготовили варианты страхования: выберите тот, который лучше подходит вашей компании.")), // not UI text: the template's own wording
        Styled("Heading1", Text("Варианты страхования")), // not UI text: the template's own wording
        OptionsTable(),
        Styled("Heading1", Text("Стоимость")), // not UI text: the template's own wording
        PriceTable(),
        Spaced(Text("Предложение действительно до "), Bold(Token(ValidUntil)), Text(".")), // not UI text: the template's own wording
        Line(JustificationValues.Both, Text("Будем рады ответить на ваши вопросы, уточнить условия и подготовить договор страхования.")), // not UI text: the template's own wording
        .. SignatureBlock(),
    ];

    private static IEnumerable<Paragraph> Addressee() =>
    [
        Tight(JustificationValues.Right, Text(Token(ContactPosition))),
        Tight(JustificationValues.Right, Bold(Token(Client))),
        Tight(JustificationValues.Right, Text(Token(Contact))),
        Tight(JustificationValues.Right, Small("ИНН ", Token(ClientInn), ", КПП ", Token(ClientKpp))), // not UI text: the template's own wording
        Line(JustificationValues.Right, Small(Token(ClientAddress))),
    ];

    /// <summary>The signature: its lines are kept together on one page (Word's «keep with next»).</summary>
    private static IEnumerable<Paragraph> SignatureBlock() =>
    [
        Kept(Text("С уважением,")), // not UI text: the template's own wording
        Kept(Bold(Token(Manager))),
        Kept(Text(Token(ManagerPosition), ", ", Token(Company))),
        Kept(Text("Телефон: ", Token(ManagerPhone))), // not UI text: the template's own wording
        Kept(Text("E-mail: ", Token(ManagerEmail))),
        Line(null, Small(Token(Signature))),
    ];

    /// <summary>The options: a header row repeated on each page, and one row of option fields that a proposal repeats per option.</summary>
    private static Table OptionsTable()
    {
        int[] widths = [1800, 1750, 1450, 1650, TextWidth - 6650];
        return Grid(widths,
            HeaderRow(widths, "Вариант", "Страховая сумма", "Франшиза", "Премия", "Условия"), // not UI text: the template's own wording
            Row(widths,
                Cell(null, Text(Token(OptionNumber), ". ", Token(OptionName))),
                Cell(JustificationValues.Right, Text(Token(OptionSumInsured))),
                Cell(JustificationValues.Right, Text(Token(OptionDeductible))),
                Cell(JustificationValues.Right, Bold(Token(OptionPremium))),
                Cell(null, Text(Token(OptionTerms)))));
    }

    /// <summary>The price: before the discount, the discount approved, and the premium to pay.</summary>
    private static Table PriceTable()
    {
        int[] widths = [TextWidth - 2600, 2600];
        return Grid(widths,
            Row(widths, Cell(null, Text("Премия без учёта скидки")), Cell(JustificationValues.Right, Text(Token(BasePremium)))), // not UI text: the template's own wording
            Row(widths, Cell(null, Text("Согласованная скидка, %")), Cell(JustificationValues.Right, Text(Token(Discount)))), // not UI text: the template's own wording
            Row(widths, Cell(null, Text("Согласованная скидка, сумма")), Cell(JustificationValues.Right, Text(Token(DiscountAmount)))), // not UI text: the template's own wording
            Row(widths, Cell(null, Bold("Страховая премия по основному варианту")), Cell(JustificationValues.Right, Bold(Token(Premium))))); // not UI text: the template's own wording
    }

    private static Footer Footer() => new(new Paragraph([
        new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
        .. Small("Коммерческое предложение № ", Token(Number), " от ", Token(Date), " · страница "), // not UI text: the template's own wording
        new SimpleField(Small("1")) { Instruction = " PAGE " },
    ]));

    private static SectionProperties Section(string headerId, string footerId) => new(
        new HeaderReference { Type = HeaderFooterValues.Default, Id = headerId },
        new FooterReference { Type = HeaderFooterValues.Default, Id = footerId },
        new PageSize { Width = 11906, Height = 16838 },
        new PageMargin { Top = 1134, Right = 851, Bottom = 1134, Left = 1418, Header = 709, Footer = 709, Gutter = 0 });

    private static Table Grid(int[] widths, params TableRow[] rows) => new([
        new TableProperties(new TableStyle { Val = "TableGrid" }, new TableWidth { Width = TextWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa }),
        new TableGrid(widths.Select(w => new GridColumn { Width = w.ToString(System.Globalization.CultureInfo.InvariantCulture) })),
        .. rows,
    ]);

    private static TableRow HeaderRow(int[] widths, params string[] titles) => new([
        new TableRowProperties(new TableHeader(), new CantSplit()),
        .. titles.Select((title, i) => CellOf(widths[i], "D9E2F3", null, Bold(title))),
    ]);

    private static TableRow Row(int[] widths, params (JustificationValues? Align, Run[] Runs)[] cells) => new([
        new TableRowProperties(new CantSplit()),
        .. cells.Select((cell, i) => CellOf(widths[i], null, cell.Align, cell.Runs)),
    ]);

    private static (JustificationValues? Align, Run[] Runs) Cell(JustificationValues? align, Run[] runs) => (align, runs);

    private static TableCell CellOf(int width, string? fill, JustificationValues? align, Run[] runs)
    {
        var properties = new TableCellProperties(new TableCellWidth { Width = width.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa });
        if (fill is not null) properties.Append(new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = fill });
        return new TableCell(properties, Styled("TableText", runs, align));
    }

    private static Paragraph Styled(string style, Run[] runs, JustificationValues? align = null)
    {
        var properties = new ParagraphProperties(new ParagraphStyleId { Val = style });
        if (align is { } value) properties.Append(new Justification { Val = value });
        return new Paragraph([properties, .. runs]);
    }

    /// <summary>A paragraph of the body text.</summary>
    private static Paragraph Line(JustificationValues? align, params Run[][] parts) => ParagraphOf(align, null, parts);

    /// <summary>A line of a block (the addressee, the signature): no space after it.</summary>
    private static Paragraph Tight(JustificationValues? align, params Run[][] parts) => ParagraphOf(align, new SpacingBetweenLines { After = "0" }, parts);

    /// <summary>A line of a block kept with the line after it.</summary>
    private static Paragraph Kept(params Run[][] parts)
    {
        var paragraph = Tight(null, parts);
        paragraph.ParagraphProperties!.PrependChild(new KeepNext());
        return paragraph;
    }

    /// <summary>A paragraph after a table, set off from it as from a paragraph.</summary>
    private static Paragraph Spaced(params Run[][] parts) => ParagraphOf(null, new SpacingBetweenLines { Before = "200" }, parts);

    private static Paragraph ParagraphOf(JustificationValues? align, SpacingBetweenLines? spacing, Run[][] parts)
    {
        var properties = new ParagraphProperties();
        if (spacing is not null) properties.Append(spacing);
        if (align is { } value) properties.Append(new Justification { Val = value });
        return new Paragraph([properties, .. parts.SelectMany(p => p)]);
    }

    private static Run[] Text(params string[] texts) => [.. texts.Select(t => RunOf(t, new RunProperties()))];

    private static Run[] Bold(params string[] texts) => [.. texts.Select(t => RunOf(t, new RunProperties(new Bold())))];

    private static Run[] Small(params string[] texts) =>
        [.. texts.Select(t => RunOf(t, new RunProperties(new Color { Val = Grey }, new FontSize { Val = "18" })))];

    private static Run RunOf(string text, RunProperties properties) =>
        new(properties, new DocumentFormat.OpenXml.Wordprocessing.Text(text) { Space = SpaceProcessingModeValues.Preserve });

    private static Styles Styles() => new(
        new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = "Arial", HighAnsi = "Arial", ComplexScript = "Arial", EastAsia = "Arial" },
                new FontSize { Val = "22" }, new FontSizeComplexScript { Val = "22" }, new Languages { Val = "ru-RU" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "120", Line = "264", LineRule = LineSpacingRuleValues.Auto }))),
        ParagraphStyle("Normal", "Normal", null, isDefault: true),
        ParagraphStyle("Title", "Title", new StyleRunProperties(new Bold(), new Color { Val = Navy }, new FontSize { Val = "36" }),
            new StyleParagraphProperties(new SpacingBetweenLines { After = "60" })),
        ParagraphStyle("Heading1", "heading 1", new StyleRunProperties(new Bold(), new Color { Val = Navy }, new FontSize { Val = "26" }),
            new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "240", After = "120" })),
        ParagraphStyle("TableText", "Table Text", new StyleRunProperties(new FontSize { Val = "20" }),
            new StyleParagraphProperties(new SpacingBetweenLines { Before = "20", After = "20", Line = "240", LineRule = LineSpacingRuleValues.Auto })),
        new Style(
            new StyleName { Val = "Table Grid" },
            new StyleTableProperties(new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                new LeftBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                new BottomBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                new RightBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                new InsideVerticalBorder { Val = BorderValues.Single, Size = 4, Color = "808080" })))
        { Type = StyleValues.Table, StyleId = "TableGrid" });

    private static Style ParagraphStyle(string id, string name, StyleRunProperties? run, StyleParagraphProperties? paragraph = null, bool isDefault = false)
    {
        var style = new Style(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };
        if (isDefault) style.Default = true;
        else style.Append(new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = "Normal" }, new PrimaryStyle());
        if (paragraph is not null) style.Append(paragraph);
        if (run is not null) style.Append(run);
        return style;
    }
}

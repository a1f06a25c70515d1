using DocumentFormat.OpenXml.Wordprocessing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>A paragraph style resolved through the styles it is based on: its run and paragraph formats, and what it makes a paragraph.</summary>
internal sealed record ResolvedStyle(RunFormat Run, ParagraphFormat Paragraph, ParagraphRole Role);

/// <summary>
/// The document's styles (styles.xml), resolved the way Word does it for what the PDF draws: the defaults, then each style
/// over the one it is based on. A heading (Title, heading 1–3, found by the style's name, which Word keeps in English
/// whatever the language of its interface, or by its id) is drawn bold and at least at a heading's size.
/// </summary>
internal sealed class StyleBook
{
    private readonly Dictionary<string, Style> _styles;
    private readonly Dictionary<string, ResolvedStyle> _resolved = new(StringComparer.Ordinal);
    private readonly RunFormat _defaultRun;
    private readonly ParagraphFormat _defaultParagraph;
    private readonly string? _defaultParagraphStyle;

    public StyleBook(Styles? styles)
    {
        _styles = styles?.Elements<Style>().Where(s => s.StyleId?.Value is not null)
            .GroupBy(s => s.StyleId!.Value!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal) ?? [];
        var defaults = styles?.DocDefaults;
        _defaultRun = RunFormat.Default.With(defaults?.RunPropertiesDefault?.RunPropertiesBaseStyle);
        _defaultParagraph = new ParagraphFormat(ParagraphAlignment.Left, 0, 0, LineSpacing.Single, 0, 0, 0)
            .With(WordFormats.Paragraph(defaults?.ParagraphPropertiesDefault?.ParagraphPropertiesBaseStyle));
        _defaultParagraphStyle = _styles.Values.FirstOrDefault(s => s.Type?.Value == StyleValues.Paragraph && s.Default?.Value == true)?.StyleId?.Value;
    }

    /// <summary>The paragraph style <paramref name="styleId"/> resolved (the default paragraph style when none is named).</summary>
    public ResolvedStyle Paragraph(string? styleId)
    {
        var id = styleId ?? _defaultParagraphStyle ?? "";
        if (_resolved.TryGetValue(id, out var known)) return known;
        var chain = Chain(id);
        var run = chain.Aggregate(_defaultRun, (format, style) => format.With(style.StyleRunProperties));
        var paragraph = chain.Aggregate(_defaultParagraph, (format, style) => format.With(WordFormats.Paragraph(style.StyleParagraphProperties)));
        var role = chain.Select(RoleOf).LastOrDefault(r => r != ParagraphRole.Body, RoleByName(id));
        var resolved = new ResolvedStyle(AsHeading(run, role), role == ParagraphRole.Body ? paragraph : HeadingSpacing(paragraph, role), role);
        _resolved[id] = resolved;
        return resolved;
    }

    /// <summary>The character style <paramref name="styleId"/> put over <paramref name="format"/>.</summary>
    public RunFormat Character(RunFormat format, string? styleId) =>
        styleId is null ? format : Chain(styleId).Aggregate(format, (f, style) => f.With(style.StyleRunProperties));

    /// <summary>
    /// Whether a table with <paramref name="styleId"/> has borders: its style (or one it is based on) says so, or, for a style
    /// the document does not define, its id is Word's «Table Grid».
    /// </summary>
    public bool TableBorders(string? styleId)
    {
        if (styleId is null) return false;
        var chain = Chain(styleId);
        if (chain.Count == 0) return styleId.Equals("TableGrid", StringComparison.OrdinalIgnoreCase);
        return chain.Any(s => s.StyleTableProperties?.TableBorders is { } borders && Visible(borders));
    }

    /// <summary>Whether any border of a <c>w:tblBorders</c> or <c>w:tcBorders</c> is drawn.</summary>
    public static bool Visible(DocumentFormat.OpenXml.OpenXmlElement borders) =>
        borders.Elements<BorderType>().Any(b => b.Val?.Value is { } kind && kind != BorderValues.None && kind != BorderValues.Nil);

    /// <summary>The style and the ones it is based on, the base first; a loop in the chain is cut where it closes.</summary>
    private List<Style> Chain(string id)
    {
        var chain = new List<Style>();
        for (var next = id; next is not null && _styles.TryGetValue(next, out var style) && !chain.Contains(style); next = style.BasedOn?.Val?.Value)
            chain.Insert(0, style);
        return chain;
    }

    private static ParagraphRole RoleOf(Style style) =>
        RoleByName(style.StyleName?.Val?.Value) is var byName and not ParagraphRole.Body ? byName : RoleByName(style.StyleId?.Value);

    private static ParagraphRole RoleByName(string? name) => name?.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "title" => ParagraphRole.Title,
        "heading1" => ParagraphRole.Heading1,
        "heading2" => ParagraphRole.Heading2,
        "heading3" => ParagraphRole.Heading3,
        _ => ParagraphRole.Body,
    };

    /// <summary>A heading is bold, and no smaller than a heading's size (a style that sets none takes the body's size otherwise).</summary>
    private RunFormat AsHeading(RunFormat run, ParagraphRole role)
    {
        var least = role switch { ParagraphRole.Title => 20, ParagraphRole.Heading1 => 16, ParagraphRole.Heading2 => 13, ParagraphRole.Heading3 => 12, _ => 0 };
        if (role == ParagraphRole.Body) return run;
        return run with { Bold = true, Size = run.Size > _defaultRun.Size ? run.Size : Math.Max(run.Size, least) };
    }

    private static ParagraphFormat HeadingSpacing(ParagraphFormat paragraph, ParagraphRole role) => paragraph with
    {
        SpaceBefore = paragraph.SpaceBefore is > 0 ? paragraph.SpaceBefore : role == ParagraphRole.Title ? 0 : 12,
        SpaceAfter = paragraph.SpaceAfter is > 0 ? paragraph.SpaceAfter : 6,
    };
}

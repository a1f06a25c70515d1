using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace SalesCrm.Data.Proposals.Documents.Pdf;

/// <summary>
/// The paragraph properties the PDF uses, each null where a level (defaults, style, paragraph) leaves it to the level below:
/// Word resolves a property from the paragraph's own setting, then its style and the styles it is based on, then the
/// document's defaults.
/// </summary>
internal sealed record ParagraphFormat(
    ParagraphAlignment? Alignment = null,
    double? SpaceBefore = null,
    double? SpaceAfter = null,
    LineSpacing? Spacing = null,
    double? Left = null,
    double? Right = null,
    double? FirstLine = null,
    (int NumberingId, int Level)? Numbering = null,
    bool? PageBreakBefore = null,
    bool? KeepNext = null)
{
    /// <summary>This format with what <paramref name="over"/> sets put over it.</summary>
    public ParagraphFormat With(ParagraphFormat over) => new(
        over.Alignment ?? Alignment, over.SpaceBefore ?? SpaceBefore, over.SpaceAfter ?? SpaceAfter, over.Spacing ?? Spacing,
        over.Left ?? Left, over.Right ?? Right, over.FirstLine ?? FirstLine, over.Numbering ?? Numbering, over.PageBreakBefore ?? PageBreakBefore,
        over.KeepNext ?? KeepNext);
}

/// <summary>Reading Word's property elements (<c>w:rPr</c>, <c>w:pPr</c> and their style and default forms) into the PDF's terms.</summary>
internal static class WordFormats
{
    /// <summary>Twentieths of a point (Word's twips) to points.</summary>
    public static double Points(string? twips) =>
        double.TryParse(twips, NumberStyles.Integer | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value / 20 : 0;

    /// <summary>The run properties of <paramref name="properties"/> (any <c>w:rPr</c> form) put over <paramref name="format"/>.</summary>
    public static RunFormat With(this RunFormat format, OpenXmlElement? properties)
    {
        if (properties is null) return format;
        return format with
        {
            Bold = On(properties.GetFirstChild<Bold>()) ?? format.Bold,
            Italic = On(properties.GetFirstChild<Italic>()) ?? format.Italic,
            Underline = properties.GetFirstChild<Underline>() is { } u
                ? u.Val is null || u.Val.Value != UnderlineValues.None
                : format.Underline,
            Size = properties.GetFirstChild<FontSize>()?.Val?.Value is { } halfPoints
                   && double.TryParse(halfPoints, NumberStyles.Number, CultureInfo.InvariantCulture, out var size) && size > 0
                ? size / 2
                : format.Size,
            Color = properties.GetFirstChild<Color>()?.Val?.Value is { } color
                ? (color.Length == 6 && !color.Equals("auto", StringComparison.OrdinalIgnoreCase) ? color : null)
                : format.Color,
        };
    }

    /// <summary>Whether a run is hidden text (<c>w:vanish</c>), which Word does not print.</summary>
    public static bool Hidden(OpenXmlElement? properties) => On(properties?.GetFirstChild<Vanish>()) == true;

    /// <summary>A Word on/off property: present means on, unless its value says off.</summary>
    public static bool? On(OnOffType? property) => property is null ? null : property.Val is null || property.Val.Value;

    /// <summary>The paragraph properties the PDF uses, read from any <c>w:pPr</c> form.</summary>
    public static ParagraphFormat Paragraph(OpenXmlElement? properties)
    {
        if (properties is null) return new ParagraphFormat();
        var spacing = properties.GetFirstChild<SpacingBetweenLines>();
        var indent = properties.GetFirstChild<Indentation>();
        var numbering = properties.GetFirstChild<NumberingProperties>();
        return new ParagraphFormat(
            Alignment(properties.GetFirstChild<Justification>()),
            spacing?.Before?.Value is { } before ? Points(before) : null,
            spacing?.After?.Value is { } after ? Points(after) : null,
            Spacing(spacing),
            (indent?.Left?.Value ?? indent?.Start?.Value) is { } left ? Points(left) : null,
            (indent?.Right?.Value ?? indent?.End?.Value) is { } right ? Points(right) : null,
            indent?.Hanging?.Value is { } hanging ? -Points(hanging) : indent?.FirstLine?.Value is { } first ? Points(first) : null,
            numbering?.NumberingId?.Val?.Value is { } id ? (id, numbering.NumberingLevelReference?.Val?.Value ?? 0) : null,
            On(properties.GetFirstChild<PageBreakBefore>()),
            On(properties.GetFirstChild<KeepNext>()));
    }

    private static ParagraphAlignment? Alignment(Justification? justification) => justification?.Val?.Value switch
    {
        null => null,
        JustificationValues.Center => ParagraphAlignment.Center,
        JustificationValues.Right or JustificationValues.End => ParagraphAlignment.Right,
        JustificationValues.Both or JustificationValues.Distribute => ParagraphAlignment.Justify,
        _ => ParagraphAlignment.Left,
    };

    private static LineSpacing? Spacing(SpacingBetweenLines? spacing)
    {
        if (spacing?.Line?.Value is not { } line) return null;
        var rule = spacing.LineRule?.Value;
        if (rule == LineSpacingRuleValues.Exact) return new LineSpacing(Points(line), LineSpacingRule.Exactly);
        if (rule == LineSpacingRuleValues.AtLeast) return new LineSpacing(Points(line), LineSpacingRule.AtLeast);
        return double.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? new LineSpacing(value / 240, LineSpacingRule.Auto)
            : null;
    }
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Proposals.Documents;

/// <summary>
/// A proposal as a Word document: the company's template with its placeholders filled in. The .docx is the exact document
/// (the PDF is drawn from it), so everything the template's author set in Word — fonts, colours, pictures, tables — is kept:
/// only the text of the placeholders changes, and the table row of the options is repeated.
/// </summary>
public static class ProposalDocx
{
    /// <summary>
    /// A filled copy of <paramref name="template"/> (which is left as it is): each known placeholder replaced by its value in
    /// the body, the headers and the footers, in the formatting of the run it begins in; a table row naming an option's field
    /// repeated once per option, in order, or removed when there are none. Unknown placeholders stay as they are written
    /// (<see cref="ProposalTemplateCheck"/> refuses them at the upload).
    /// </summary>
    public static byte[] Fill(byte[] template, ProposalContent content)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream();
        stream.Write(template);
        stream.Position = 0;
        using (var document = WordprocessingDocument.Open(stream, isEditable: true))
        {
            var main = document.MainDocumentPart ?? throw new DomainException(ProposalTemplateCheck.NotADocx);
            foreach (var root in ParagraphText.Roots(main).ToList())
            {
                Fill(root, content);
                root.Save();
            }
        }
        return stream.ToArray();
    }

    private static void Fill(OpenXmlElement root, ProposalContent content)
    {
        var optionRows = RepeatOptionRows(root, content.Options);
        foreach (var paragraph in root.Descendants<Paragraph>().ToList())
        {
            var option = paragraph.Ancestors<TableRow>().Select(optionRows.GetValueOrDefault).FirstOrDefault(o => o is not null);
            var text = ParagraphText.Of(paragraph);
            foreach (var mark in text.Marks().Where(m => m.Kind == BraceKind.Field).Reverse())
            {
                if (mark.Placeholder is { } placeholder) text.Replace(mark, ValueOf(placeholder, option, content));
            }
        }
    }

    /// <summary>
    /// Puts a copy of each row that names an option's field after it, one per option, and takes the row itself out. The
    /// copies are returned with their option, so their placeholders are filled in the same single pass as the rest: a value
    /// that happens to contain braces is never read as a placeholder.
    /// </summary>
    private static Dictionary<TableRow, IReadOnlyDictionary<string, string>> RepeatOptionRows(
        OpenXmlElement root, IReadOnlyList<IReadOnlyDictionary<string, string>> options)
    {
        var copies = new Dictionary<TableRow, IReadOnlyDictionary<string, string>>();
        foreach (var row in OptionRows(root))
        {
            OpenXmlElement after = row;
            foreach (var option in options)
            {
                var copy = (TableRow)row.CloneNode(true);
                after = after.InsertAfterSelf(copy);
                copies[copy] = option;
            }
            RemoveRow(row);
        }
        return copies;
    }

    private static List<TableRow> OptionRows(OpenXmlElement root) =>
    [
        .. root.Descendants<Paragraph>()
            .Where(p => ParagraphText.Of(p).Marks().Any(m => m.Placeholder is { PerOption: true }))
            .Select(p => p.Ancestors<TableRow>().FirstOrDefault())
            .OfType<TableRow>()
            .Distinct(),
    ];

    /// <summary>
    /// Takes a row out; a table left with no row is no valid Word table, so it goes too, and a cell it leaves with no
    /// paragraph gets an empty one (Word requires it).
    /// </summary>
    private static void RemoveRow(TableRow row)
    {
        var table = row.Parent as Table;
        row.Remove();
        if (table is null || table.Elements<TableRow>().Any()) return;
        var holder = table.Parent;
        table.Remove();
        if (holder is TableCell cell && !cell.Elements<Paragraph>().Any()) cell.AppendChild(new Paragraph());
    }

    private static string ValueOf(Placeholder placeholder, IReadOnlyDictionary<string, string>? option, ProposalContent content)
    {
        if (!placeholder.PerOption || option is null) return content.Field(placeholder.Name);
        return option.TryGetValue(placeholder.Name, out var value)
            ? value
            : option.FirstOrDefault(f => string.Equals(f.Key, placeholder.Name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
    }
}

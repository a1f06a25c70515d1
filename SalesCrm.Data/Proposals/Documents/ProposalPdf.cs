using PdfSharp.Pdf;
using SalesCrm.Data.Proposals.Documents.Pdf;

namespace SalesCrm.Data.Proposals.Documents;

/// <summary>
/// A proposal as a PDF, drawn from its filled .docx by a small layout engine of our own on PDFsharp (decision record 0027):
/// the app needs nothing beyond the .NET SDK at run time — no LibreOffice, no system fonts. The .docx stays the exact
/// document; the PDF is its faithful rendering of text and tables: paragraphs with their fonts' size, weight, slant,
/// underline and colour, alignment and spacing, headings, lists, line and page breaks, tables with their grid, fills and
/// borders, and the header and footer on each page. Pictures, shapes, text boxes, footnotes, columns and Word's finer
/// typography are not drawn; every font is drawn as DejaVu Sans, embedded in the file.
/// </summary>
public static class ProposalPdf
{
    /// <summary>The title a PDF gets when its document has no heading.</summary>
    private const string DefaultTitle = "Коммерческое предложение"; // not UI text: the PDF's title property, part of the document

    /// <summary>
    /// The PDF of <paramref name="docx"/>: its section's page size and margins (A4 when it sets none), its title the first
    /// heading's text. A file that is not a Word document throws (templates are checked at the upload by <see cref="ProposalTemplateCheck"/>).
    /// </summary>
    public static byte[] Render(byte[] docx)
    {
        ArgumentNullException.ThrowIfNull(docx);
        DejaVuFonts.Install();
        var model = DocxReader.Read(docx);
        using var pdf = new PdfDocument();
        pdf.Info.Title = Title(model);
        pdf.Info.Creator = "SalesCrm";
        PdfComposer.Compose(model, pdf);
        using var output = new MemoryStream();
        pdf.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static string Title(DocxModel model) =>
        model.Body.OfType<ParagraphBlock>().FirstOrDefault(p => p.Role != ParagraphRole.Body && p.PlainText.Length > 0)?.PlainText ?? DefaultTitle;
}

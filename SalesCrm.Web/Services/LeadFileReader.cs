using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using SalesCrm.Data.Leads;

namespace SalesCrm.Web.Services;

/// <summary>What a file turned into: rows to import, columns that were not recognised, or why the file cannot be read.</summary>
public sealed record LeadFile(IReadOnlyList<ImportRow> Rows, IReadOnlyList<string> IgnoredColumns, string? Error);

/// <summary>
/// Reads leads from .xlsx (the first sheet) or .csv (";" or "," separated, UTF-8 or Windows-1251): the first row
/// names the columns, in Russian as people type them or by the API's field names; columns named utm_… become tags.
/// Line numbers are the file's own, so the report points at the row the user sees in Excel.
/// </summary>
public static class LeadFileReader
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["company"] = "company", ["компания"] = "company", ["организация"] = "company", ["наименование"] = "company", ["название"] = "company",
        ["inn"] = "inn", ["инн"] = "inn",
        ["contactname"] = "contactName", ["contact"] = "contactName", ["контакт"] = "contactName", ["контактное лицо"] = "contactName", ["фио"] = "contactName",
        ["phone"] = "phone", ["телефон"] = "phone",
        ["email"] = "email", ["e-mail"] = "email", ["почта"] = "email", ["эл. почта"] = "email",
        ["product"] = "product", ["продукт"] = "product",
        ["channel"] = "channel", ["канал"] = "channel", ["источник"] = "channel",
        ["region"] = "region", ["регион"] = "region",
        ["industry"] = "industry", ["отрасль"] = "industry",
        ["comment"] = "comment", ["комментарий"] = "comment", ["примечание"] = "comment",
    };

    public static LeadFile Read(string fileName, Stream content)
    {
        var (table, error) = TableFileReader.Read(fileName, content);
        if (error is not null) return new LeadFile([], [], error);
        if (table.Count == 0) return new LeadFile([], [], "Файл пуст: нужна строка заголовков и хотя бы одна строка с лидом.");
        var header = table[0].Cells.Select(c => c.Trim()).ToArray();
        var map = new (string? Field, string? Tag)[header.Length];
        var ignored = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0) continue;
            if (Columns.TryGetValue(header[i], out var field)) map[i] = (field, null);
            else if (header[i].StartsWith("utm_", StringComparison.OrdinalIgnoreCase)) map[i] = (null, header[i].ToLowerInvariant());
            else ignored.Add(header[i]);
        }
        if (!map.Any(m => m.Field is "inn" or "phone" or "email"))
            return new LeadFile([], ignored,
                "В первой строке не найдены колонки «ИНН», «Телефон» или «E-mail» — без них лиды не различить. Проверьте заголовки.");

        var rows = new List<ImportRow>();
        foreach (var (line, cells) in table.Skip(1))
        {
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            var values = new Dictionary<string, string?>();
            Dictionary<string, string>? tags = null;
            for (var i = 0; i < map.Length && i < cells.Length; i++)
            {
                var value = cells[i].Trim();
                if (value.Length == 0) continue;
                if (map[i].Field is { } f) values[f] = value;
                else if (map[i].Tag is { } t) (tags ??= [])[t] = value;
            }
            rows.Add(new ImportRow(line, new LeadSubmission(values.GetValueOrDefault("company"), values.GetValueOrDefault("inn"),
                values.GetValueOrDefault("contactName"), values.GetValueOrDefault("phone"), values.GetValueOrDefault("email"),
                values.GetValueOrDefault("product"), values.GetValueOrDefault("channel"), values.GetValueOrDefault("region"),
                values.GetValueOrDefault("industry"), values.GetValueOrDefault("comment"), tags)));
        }
        return rows.Count == 0
            ? new LeadFile([], ignored, "В файле нет строк с лидами: под заголовками пусто.")
            : new LeadFile(rows, ignored, null);
    }
}

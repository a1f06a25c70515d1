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
    public const long MaxBytes = 10 * 1024 * 1024;

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

    static LeadFileReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static LeadFile Read(string fileName, Stream content)
    {
        List<(int Line, string[] Cells)> table;
        try
        {
            table = Path.GetExtension(fileName).ToLowerInvariant() switch
            {
                ".xlsx" => ReadXlsx(content),
                ".csv" or ".txt" => ReadCsv(content),
                _ => throw new InvalidDataException("Поддерживаются файлы .xlsx и .csv."),
            };
        }
        catch (InvalidDataException ex)
        {
            return new LeadFile([], [], ex.Message);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or InvalidOperationException)
        {
            return new LeadFile([], [], "Файл не читается как таблица Excel или CSV. Сохраните его заново в формате .xlsx или .csv (UTF-8).");
        }

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
        return new LeadFile(rows, ignored, null);
    }

    private static List<(int, string[])> ReadXlsx(Stream content)
    {
        using var book = new XLWorkbook(content);
        var sheet = book.Worksheets.First();
        var used = sheet.RangeUsed();
        if (used is null) return [];
        var lastColumn = used.LastColumn().ColumnNumber();
        var result = new List<(int, string[])>();
        foreach (var row in sheet.RowsUsed())
        {
            var cells = new string[lastColumn];
            for (var c = 1; c <= lastColumn; c++) cells[c - 1] = CellText(row.Cell(c));
            result.Add((row.RowNumber(), cells));
        }
        return result;
    }

    /// <summary>Numbers as typed (an INN or a phone stored as a number is not "7.7E+09"), dates as dd.MM.yyyy.</summary>
    private static string CellText(IXLCell cell) => cell.Value switch
    {
        double d when Math.Abs(d % 1) < 1e-9 && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        null => "",
        var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static List<(int, string[])> ReadCsv(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        var bytes = buffer.ToArray();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.GetEncoding(1251).GetString(bytes); // Excel's "CSV" on a Russian Windows
        }
        text = text.TrimStart('\uFEFF');
        var firstLine = text.Split('\n', 2)[0];
        var separator = firstLine.Count(c => c == ';') >= firstLine.Count(c => c == ',') ? ';' : ',';
        return ParseCsv(text, separator);
    }

    /// <summary>RFC 4180: quoted fields may hold separators, quotes ("") and line breaks.</summary>
    private static List<(int, string[])> ParseCsv(string text, char separator)
    {
        var rows = new List<(int, string[])>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else
                {
                    if (ch == '\n') line++;
                    cell.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when cell.Length == 0:
                    quoted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    rows.Add((rowLine, cells.ToArray()));
                    cells.Clear();
                    line++;
                    rowLine = line;
                    break;
                default:
                    if (ch == separator)
                    {
                        cells.Add(cell.ToString());
                        cell.Clear();
                    }
                    else cell.Append(ch);
                    break;
            }
        }
        if (quoted) throw new InvalidDataException($"Строка {rowLine}: не закрыта кавычка.");
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells.ToArray()));
        }
        return rows;
    }
}

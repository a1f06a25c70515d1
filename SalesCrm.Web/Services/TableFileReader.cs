using System.Globalization;
using System.Text;
using ClosedXML.Excel;

namespace SalesCrm.Web.Services;

/// <summary>
/// Reads a table from .xlsx (the first sheet), .csv (";" or "," separated, UTF-8 or Windows-1251, RFC 4180 quoting) or an
/// HTML table saved as .xls (Bitrix24's "Excel" export)
/// into rows of cell texts with the file's own line numbers, so an import's report points at the row the user sees in
/// Excel. Lead import and the counterparty-risk import read their files through here.
/// </summary>
public static partial class TableFileReader
{
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>What an .xlsx may unpack to: a 10 MB file of repeated cells can inflate to gigabytes in memory.</summary>
    public const long MaxUnpackedBytes = 150 * 1024 * 1024;

    public const string Unreadable = "Файл не читается как таблица Excel или CSV. Сохраните его заново в формате .xlsx или .csv (UTF-8).";

    static TableFileReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The rows (first = headers), or why the file cannot be read.</summary>
    public static (List<(int Line, string[] Cells)> Rows, string? Error) Read(string fileName, Stream content)
    {
        try
        {
            return (Path.GetExtension(fileName).ToLowerInvariant() switch
            {
                ".xlsx" => ReadXlsx(content),
                ".csv" or ".txt" => ReadCsv(content),
                ".xls" or ".html" or ".htm" => ReadHtmlTable(content),
                _ => throw new UnreadableTableException("Поддерживаются файлы .xlsx, .csv и .xls (выгрузка «Excel» из Битрикс24)."),
            }, null);
        }
        catch (UnreadableTableException ex)
        {
            return ([], ex.Message);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            // Whatever a damaged or disguised file makes the zip and OpenXML readers throw, the user gets one answer.
            return ([], Unreadable);
        }
    }

    /// <summary>A reason of our own, in the user's words, why the file cannot be taken.</summary>
    private sealed class UnreadableTableException(string message) : Exception(message);

    private static List<(int, string[])> ReadXlsx(Stream content)
    {
        using (var zip = new System.IO.Compression.ZipArchive(content, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true))
            if (zip.Entries.Sum(e => e.Length) > MaxUnpackedBytes)
                throw new UnreadableTableException("Файл .xlsx после распаковки больше 150 МБ — разбейте его на части.");
        content.Position = 0;
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

    /// <summary>Numbers as typed (an INN or a phone stored as a number is not "7.7E+09"), dates as dd.MM.yyyy (with the time when it has one).</summary>
    private static string CellText(IXLCell cell) => cell.Value switch
    {
        double d when Math.Abs(d % 1) < 1e-9 && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture), // a moment (a CRM's "created at") keeps its time
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

    /// <summary>
    /// An HTML table saved as .xls — what Bitrix24's "Excel" export writes: the rows of the first table, each cell's text with
    /// its tags dropped, line breaks kept and entities decoded. A real (binary) .xls is refused with what to do.
    /// </summary>
    private static List<(int, string[])> ReadHtmlTable(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (bytes.Length >= 4 && bytes[0] == 0xD0 && bytes[1] == 0xCF && bytes[2] == 0x11 && bytes[3] == 0xE0)
            throw new UnreadableTableException("Файл в старом формате Excel (.xls). Откройте его в Excel и сохраните как .xlsx или .csv.");
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        string text;
        if (HtmlCharset().Match(head) is { Success: true } charset && charset.Groups[1].Value.Contains("1251", StringComparison.Ordinal))
            text = Encoding.GetEncoding(1251).GetString(bytes);
        else
        {
            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                text = Encoding.GetEncoding(1251).GetString(bytes);
            }
        }
        var table = HtmlTable().Match(text);
        if (!table.Success) throw new UnreadableTableException(Unreadable);
        var rows = new List<(int, string[])>();
        foreach (System.Text.RegularExpressions.Match row in HtmlRow().Matches(table.Value))
        {
            var cells = HtmlCell().Matches(row.Groups[1].Value).Select(c => System.Net.WebUtility.HtmlDecode(
                HtmlTag().Replace(HtmlBreak().Replace(c.Groups[1].Value, "\n"), "")).Replace('\u00A0', ' ').Trim()).ToArray();
            if (cells.Length > 0) rows.Add((rows.Count + 1, cells));
        }
        return rows;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"charset\s*=\s*[""']?([\w-]+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex HtmlCharset();

    [System.Text.RegularExpressions.GeneratedRegex(@"<table\b.*?</table\s*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex HtmlTable();

    [System.Text.RegularExpressions.GeneratedRegex(@"<tr\b[^>]*>(.*?)</tr\s*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex HtmlRow();

    [System.Text.RegularExpressions.GeneratedRegex(@"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex HtmlCell();

    [System.Text.RegularExpressions.GeneratedRegex(@"<br\s*/?>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex HtmlBreak();

    [System.Text.RegularExpressions.GeneratedRegex(@"<[^>]+>")]
    private static partial System.Text.RegularExpressions.Regex HtmlTag();

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
        if (quoted) throw new UnreadableTableException($"Строка {rowLine}: не закрыта кавычка.");
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells.ToArray()));
        }
        return rows;
    }
}

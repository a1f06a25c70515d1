using System.Globalization;
using System.Text;
using ClosedXML.Excel;

namespace SalesCrm.Web.Services;

/// <summary>
/// Reads a table from .xlsx (the first sheet) or .csv (";" or "," separated, UTF-8 or Windows-1251, RFC 4180 quoting)
/// into rows of cell texts with the file's own line numbers, so an import's report points at the row the user sees in
/// Excel. Lead import and the counterparty-risk import read their files through here.
/// </summary>
public static class TableFileReader
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
                _ => throw new UnreadableTableException("Поддерживаются файлы .xlsx и .csv."),
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
        if (quoted) throw new UnreadableTableException($"Строка {rowLine}: не закрыта кавычка.");
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells.ToArray()));
        }
        return rows;
    }
}

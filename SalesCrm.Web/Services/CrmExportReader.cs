using SalesCrm.Data.Imports;
using SalesCrm.Domain.Imports;

namespace SalesCrm.Web.Services;

/// <summary>
/// Reads a file a CRM exported — CSV in UTF-8 or Windows-1251, .xlsx, or Bitrix24's "Excel" (an HTML table saved as .xls) —
/// and tells from its header row whose export it is and of what (<see cref="CrmExports.Recognize"/>).
/// </summary>
public sealed class CrmExportReader : IExportFileReader
{
    /// <summary>A CRM's export of a whole department is larger than a list of leads: 100 000 deals make some 40 MB of CSV.</summary>
    public const long MaxBytes = 200L * 1024 * 1024;

    public const string TooLarge = "Файл больше 200 МБ. Выгрузите список частями (например, по годам).";

    public (ExportFileRows? File, string? Error) Read(string name, byte[] content)
    {
        if (content.LongLength > MaxBytes) return (null, TooLarge);
        var (rows, error) = TableFileReader.Read(name, new MemoryStream(content, writable: false));
        if (error is not null) return (null, error);
        if (rows.Count < 2) return (null, "В файле нет строк с данными.");
        var (export, notExport) = CrmExports.Recognize(rows[0].Cells);
        return export is null ? (null, notExport) : (new ExportFileRows(name, export, rows), null);
    }
}

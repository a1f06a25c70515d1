using System.Globalization;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Imports;

/// <summary>One row of an export read into what SalesCrm keeps: money in kopecks, moments in UTC, phones and e-mails split.</summary>
public sealed record ImportedRow(
    int Line,
    ExportKind Kind,
    bool IsCompany,
    string? ExternalId,
    string? Title,
    string? CompanyName,
    string? Inn,
    string? ContactName,
    string? Position,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Emails,
    string? Stage,
    string? Pipeline,
    long? AmountKopecks,
    string? Currency,
    string? Responsible,
    DateTime? CreatedAt,
    DateTime? ClosedAt,
    DateTime? ExpectedCloseAt,
    string? Product,
    string? Company,
    string? Contact,
    string? Source,
    string? Comment,
    string? Industry = null,
    string? Address = null);

/// <summary>
/// Reads the rows of a recognised export (<see cref="CrmExports"/>). A row that cannot be taken is refused with every reason at
/// once, in Russian, and its line — the import's dry run shows them before anything is written.
/// </summary>
public static class ImportRows
{
    /// <summary>The words a ruble amount may end with; another currency's is not read as rubles.</summary>
    private static readonly string[] RubleWords = ["руб", "руб.", "rub", "р.", "₽"]; // not UI text: what the CRMs write after an amount

    /// <summary>What SalesCrm keeps of a text at most; a longer one is refused rather than cut.</summary>
    private static readonly (ExportField Field, string Label, int Max)[] Limits =
    [
        (ExportField.Title, "Название", 300), (ExportField.CompanyName, "Название компании", 300), (ExportField.Company, "Компания", 300),
        (ExportField.FullName, "Имя", 200), (ExportField.Contact, "Контакт", 200), (ExportField.Position, "Должность", 200),
        (ExportField.Address, "Адрес", 500), (ExportField.Industry, "Сфера деятельности", 100),
    ];

    private static readonly string[] DateFormats =
    [
        "dd.MM.yyyy HH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy", "d.M.yyyy H:mm:ss", "d.M.yyyy H:mm", "d.M.yyyy",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "dd.MM.yy HH:mm", "dd.MM.yy",
    ];

    /// <summary>
    /// The row, or the reasons it is refused. <paramref name="zone"/> is the time zone the CRM wrote its dates in (the
    /// portal's or account's): they become UTC.
    /// </summary>
    public static (ImportedRow? Row, IReadOnlyList<UserText> Refusals) Read(RecognizedExport export, int line, IReadOnlyList<string> cells, TimeZoneInfo zone)
    {
        var refusals = new List<UserText>();
        string? Cell(ExportField field) => export.First(field) is { } at && at < cells.Count && cells[at].Trim() is { Length: > 0 } text ? text : null;
        string? Joined(ExportField field) => export.All(field).Where(at => at < cells.Count).Select(at => cells[at].Trim()).Where(t => t.Length > 0) is var parts && parts.Any()
            ? string.Join("\n", parts.Distinct()) : null;
        DateTime? Date(ExportField field, string label)
        {
            if (Cell(field) is not { } text) return null;
            if (ParseDate(text, zone) is { } at) return at;
            refusals.Add(new UserText("{0}: «{1}» не читается как дата.", label, text));
            return null;
        }

        var type = Cell(ExportField.Type)?.ToLowerInvariant();
        var isCompany = export.Kind == ExportKind.Companies || (export.Kind == ExportKind.ContactsAndCompanies && type is "компания" or "company"); // not UI text: amoCRM's values
        var person = Cell(ExportField.FullName)
                     ?? (string.Join(" ", new[] { Cell(ExportField.LastName), Cell(ExportField.FirstName), Cell(ExportField.MiddleName) }.Where(x => x is not null))
                         is { Length: > 0 } name ? name : null);
        long? amount = null;
        if (Cell(ExportField.Amount) is { } money)
        {
            amount = ParseMoney(money);
            if (amount is null) refusals.Add(new UserText("Сумма «{0}» не читается как число.", money));
            else if (amount < 0) refusals.Add(new UserText("Сумма «{0}» отрицательная.", money));
        }
        var inn = Cell(ExportField.Inn);
        if (inn is not null && Common.Inn.Validate(inn) is { } innError) refusals.Add(new UserText("ИНН «{0}»: {1}", inn, innError));

        var phones = export.All(ExportField.Phone).Where(at => at < cells.Count).SelectMany(at => CrmExports.Phones(cells[at])).Distinct().ToList();
        var emails = export.All(ExportField.Email).Where(at => at < cells.Count).SelectMany(at => CrmExports.Emails(cells[at]))
            .Select(e => e.ToLowerInvariant()).Distinct().ToList();
        var badEmail = emails.FirstOrDefault(e => Common.Email.Validate(e) is not null || e.Length > 256);
        if (badEmail is not null) refusals.Add(new UserText("E-mail «{0}» указан неверно.", badEmail));
        var badPhone = phones.FirstOrDefault(p => Common.Phone.Normalize(p) is null || p.Length > 40);
        if (badPhone is not null) refusals.Add(new UserText("Телефон «{0}» указан неверно.", badPhone));
        foreach (var (field, label, max) in Limits)
            if (Cell(field) is { } text && text.Length > max) refusals.Add(new UserText("{0} длиннее {1} символов.", label, max));

        var row = new ImportedRow(line, export.Kind, isCompany, Cell(ExportField.Id), Cell(ExportField.Title),
            isCompany ? Cell(ExportField.CompanyName) ?? person : Cell(ExportField.CompanyName), inn, isCompany ? null : person, Cell(ExportField.Position),
            phones, emails, Cell(ExportField.Stage), Cell(ExportField.Pipeline), amount, Cell(ExportField.Currency), Cell(ExportField.Responsible),
            Date(ExportField.CreatedAt, "Дата создания"), Date(ExportField.ClosedAt, "Дата закрытия"), Date(ExportField.ExpectedCloseAt, "Дата закрытия (план)"),
            Joined(ExportField.Product), Cell(ExportField.Company), Cell(ExportField.Contact) ?? (export.Kind == ExportKind.Deals ? person : null), Cell(ExportField.Source), Joined(ExportField.Comment),
            Cell(ExportField.Industry), Cell(ExportField.Address));

        switch (export.Kind)
        {
            case ExportKind.Deals when row.Title is null:
                refusals.Add("Нет названия сделки.");
                break;
            case ExportKind.Leads when row.Title is null && row.CompanyName is null && person is null:
                refusals.Add("Нет ни названия лида, ни компании, ни имени.");
                break;
            case ExportKind.Companies or ExportKind.ContactsAndCompanies when isCompany && row.CompanyName is null:
                refusals.Add("Нет названия компании.");
                break;
            case ExportKind.Contacts or ExportKind.ContactsAndCompanies when !isCompany && person is null:
                refusals.Add("Нет имени контакта.");
                break;
        }
        return refusals.Count == 0 ? (row, []) : (null, refusals);
    }

    /// <summary>
    /// Money as the CRMs write it — «1 250 000,00», «1250000.00», «1 250 000 ₽», «1,250,000.50», «1250000|RUB» — in kopecks;
    /// null when it is not a number.
    /// </summary>
    public static long? ParseMoney(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var raw = text.Split('|')[0];
        var kept = new string(raw.Where(c => char.IsAsciiDigit(c) || c is ',' or '.' or '-').ToArray());
        if (kept.Length == 0 || kept.Count(char.IsAsciiDigit) == 0) return null;
        if (raw.Any(char.IsLetter) && !RubleWords.Any(w => raw.Trim().EndsWith(w, StringComparison.OrdinalIgnoreCase))) return null;
        // The last separator followed by one or two digits is the decimal one; the others group thousands.
        var last = kept.LastIndexOfAny([',', '.']);
        string whole, fraction = "";
        if (last >= 0 && kept.Length - last - 1 is 1 or 2)
        {
            whole = kept[..last];
            fraction = kept[(last + 1)..];
        }
        else whole = kept;
        whole = whole.Replace(",", "").Replace(".", "");
        if (!long.TryParse(whole, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rubles) || rubles > 1_000_000_000_000) return null;
        var kopecks = fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture);
        return rubles < 0 || whole.StartsWith('-') ? rubles * 100 - kopecks : rubles * 100 + kopecks;
    }

    /// <summary>A date or a moment as the CRMs write it, read in <paramref name="zone"/> and returned in UTC; null when it is not one.</summary>
    public static DateTime? ParseDate(string? text, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateTime.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        if (local.Year is < 1990 or > 2100) return null;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1); // a clock moved forward that night: the hour that did not exist
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}

using System.Text.RegularExpressions;

namespace SalesCrm.Domain.Imports;

/// <summary>The CRM a team leaves, whose export files SalesCrm reads.</summary>
public enum ExportSource
{
    Bitrix24 = 1,
    AmoCrm = 2,
}

/// <summary>What one export file holds.</summary>
public enum ExportKind
{
    Companies = 1,
    Contacts = 2,
    Deals = 3,
    Leads = 4,
    /// <summary>amoCRM's one file of contacts and companies, told apart by its «Тип» column.</summary>
    ContactsAndCompanies = 5,
}

/// <summary>The meaning of a column of an export file, whatever the CRM titles it.</summary>
public enum ExportField
{
    Id,
    Type,
    Title,
    CompanyName,
    Inn,
    FullName,
    FirstName,
    MiddleName,
    LastName,
    Position,
    Phone,
    Email,
    Stage,
    Pipeline,
    Amount,
    Currency,
    Responsible,
    CreatedAt,
    ClosedAt,
    ExpectedCloseAt,
    Product,
    Source,
    Comment,
    Tags,
    Industry,
    Address,
    Company,
    Contact,
}

/// <summary>A file recognised: whose export it is, of what, and which columns hold each field (a field may have several, e.g. phones).</summary>
public sealed record RecognizedExport(ExportSource Source, ExportKind Kind, IReadOnlyDictionary<ExportField, IReadOnlyList<int>> Columns)
{
    public int? First(ExportField field) => Columns.TryGetValue(field, out var at) && at.Count > 0 ? at[0] : null;

    public IReadOnlyList<int> All(ExportField field) => Columns.TryGetValue(field, out var at) ? at : [];
}

/// <summary>
/// Recognises an export of Bitrix24 or amoCRM by its header row: the column titles each CRM writes (Russian), compared
/// after trimming, collapsing spaces and ignoring case, so space-padded or repeated titles are still found. A file that is
/// neither is refused with the reason, in Russian.
/// </summary>
public static partial class CrmExports
{
    /// <summary>Titles that only one CRM and one kind of file write; a file is what its markers say.</summary>
    private static readonly (ExportSource Source, ExportKind Kind, string[] Markers)[] Signatures =
    [
        (ExportSource.Bitrix24, ExportKind.Deals, ["стадия сделки"]), // not UI text: the column titles the CRMs write
        (ExportSource.Bitrix24, ExportKind.Leads, ["название лида"]), // not UI text: the column titles the CRMs write
        (ExportSource.Bitrix24, ExportKind.Companies, ["тип компании"]), // not UI text: the column titles the CRMs write
        (ExportSource.Bitrix24, ExportKind.Companies, ["название компании", "сфера деятельности"]), // not UI text: the column titles the CRMs write
        (ExportSource.Bitrix24, ExportKind.Contacts, ["обращение"]), // not UI text: the column titles the CRMs write
        (ExportSource.Bitrix24, ExportKind.Contacts, ["тип контакта"]), // not UI text: the column titles the CRMs write
        (ExportSource.AmoCrm, ExportKind.Deals, ["этап сделки", "бюджет"]), // not UI text: the column titles the CRMs write
        (ExportSource.AmoCrm, ExportKind.ContactsAndCompanies, ["тип", "полное имя", "наименование"]), // not UI text: the column titles the CRMs write
    ];

    /// <summary>Each field's titles (both CRMs); every column with one of them is the field's, in the file's order.</summary>
    private static readonly Dictionary<ExportField, string[]> Titles = new()
    {
        [ExportField.Id] = ["id"],
        [ExportField.Type] = ["тип"], // not UI text: the column titles the CRMs write
        [ExportField.Title] = ["название сделки", "название лида", "название"], // not UI text: the column titles the CRMs write
        [ExportField.CompanyName] = ["название компании", "наименование"], // not UI text: the column titles the CRMs write
        [ExportField.Inn] = ["инн", "реквизиты: инн", "инн компании", "инн (компания)"], // not UI text: the column titles the CRMs write
        [ExportField.FullName] = ["полное имя", "полное имя контакта", "фио", "контактное лицо"], // not UI text: the column titles the CRMs write
        [ExportField.FirstName] = ["имя"], // not UI text: the column titles the CRMs write
        [ExportField.MiddleName] = ["отчество"], // not UI text: the column titles the CRMs write
        [ExportField.LastName] = ["фамилия"], // not UI text: the column titles the CRMs write
        [ExportField.Position] = ["должность"], // not UI text: the column titles the CRMs write
        [ExportField.Stage] = ["стадия сделки", "этап сделки", "статус", "статус лида"], // not UI text: the column titles the CRMs write
        [ExportField.Pipeline] = ["воронка", "направление"], // not UI text: the column titles the CRMs write
        [ExportField.Amount] = ["сумма", "бюджет", "бюджет ₽", "бюджет руб.", "сумма сделки", "сумма/валюта"], // not UI text: the column titles the CRMs write
        [ExportField.Currency] = ["валюта"], // not UI text: the column titles the CRMs write
        [ExportField.Responsible] = ["ответственный"], // not UI text: the column titles the CRMs write
        [ExportField.CreatedAt] = ["дата создания", "дата создания сделки", "создано"], // not UI text: the column titles the CRMs write
        [ExportField.ClosedAt] = ["дата закрытия", "дата закрытия сделки"], // not UI text: the column titles the CRMs write
        [ExportField.ExpectedCloseAt] = ["предполагаемая дата закрытия", "дата завершения"], // not UI text: the column titles the CRMs write
        [ExportField.Product] = ["товар", "товары", "продукт", "продукты"], // not UI text: the column titles the CRMs write
        [ExportField.Source] = ["источник"], // not UI text: the column titles the CRMs write
        [ExportField.Comment] = ["комментарий", "примечание"], // not UI text: the column titles the CRMs write
        [ExportField.Tags] = ["теги"], // not UI text: the column titles the CRMs write
        [ExportField.Industry] = ["сфера деятельности", "отрасль"], // not UI text: the column titles the CRMs write
        [ExportField.Address] = ["адрес", "фактический адрес", "юридический адрес"], // not UI text: the column titles the CRMs write
        [ExportField.Company] = ["компания", "компания контакта"], // not UI text: the column titles the CRMs write
        [ExportField.Contact] = ["контакт", "контакты", "основной контакт"], // not UI text: the column titles the CRMs write
    };

    public const string NotAnExport = "Файл не похож на выгрузку Битрикс24 или amoCRM: нет их заголовков (например, «Стадия сделки», «Название лида», «Тип компании», «Этап сделки»). Выгрузите список из CRM без изменения заголовков.";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A title as compared: trimmed, spaces collapsed, lower case, «ё» as «е», a trailing "*" dropped.</summary>
    public static string Normalize(string? title) =>
        Spaces().Replace((title ?? "").Replace('\u00A0', ' ').Trim().TrimEnd('*').Trim(), " ").ToLowerInvariant().Replace('ё', 'е'); // not UI text: the column titles the CRMs write

    /// <summary>The file's source, kind and columns, or the reason it is not an export SalesCrm reads.</summary>
    public static (RecognizedExport? Export, string? Error) Recognize(IReadOnlyList<string> headers)
    {
        var titles = headers.Select(Normalize).ToList();
        if (titles.All(t => t.Length == 0)) return (null, "В файле нет строки заголовков.");
        var present = titles.Where(t => t.Length > 0).ToHashSet();
        var match = Signatures.Where(s => s.Markers.All(present.Contains)).Select(s => ((ExportSource Source, ExportKind Kind)?)(s.Source, s.Kind)).FirstOrDefault();
        if (match is not { } found)
            return (null, NotAnExport);

        var columns = new Dictionary<ExportField, IReadOnlyList<int>>();
        foreach (var (field, names) in Titles)
        {
            var at = new List<int>();
            for (var i = 0; i < titles.Count; i++)
            {
                var title = titles[i];
                if (names.Contains(title)) at.Add(i);
            }
            if (at.Count > 0) columns[field] = at;
        }
        // Phones and e-mails come in many columns: «Рабочий телефон», «Мобильный телефон», «Рабочий телефон (контакт)», «Email»…
        var phones = Enumerable.Range(0, titles.Count).Where(i => titles[i].Contains("телефон") && !titles[i].Contains("факс")).ToList(); // not UI text: the column titles the CRMs write
        var emails = Enumerable.Range(0, titles.Count).Where(i => titles[i].Contains("e-mail") || titles[i].Contains("email") || titles[i] == "почта").ToList(); // not UI text: the column titles the CRMs write
        if (phones.Count > 0) columns[ExportField.Phone] = phones;
        if (emails.Count > 0) columns[ExportField.Email] = emails;
        return (new RecognizedExport(found.Source, found.Kind, columns), null);
    }

    /// <summary>Every phone of a cell: Bitrix24 and amoCRM put several in one cell, separated by commas or semicolons.</summary>
    public static IReadOnlyList<string> Phones(string? cell) =>
        string.IsNullOrWhiteSpace(cell) ? [] : [.. cell.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(WithoutExtension).Where(p => p.Count(char.IsAsciiDigit) >= 10)];

    /// <summary>«+7 495 123-45-67 доб. 12» is the office's number: the extension is dropped.</summary>
    private static string WithoutExtension(string phone) =>
        Extension().Split(phone, 2)[0].Trim();

    [GeneratedRegex(@"\s*(доб\.?|ext\.?|вн\.?|#|\()\s*\d{1,6}\)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Extension();

    /// <summary>Every e-mail of a cell (several, separated by commas, semicolons or spaces).</summary>
    public static IReadOnlyList<string> Emails(string? cell) =>
        string.IsNullOrWhiteSpace(cell) ? [] : [.. cell.Split([',', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(e => e.Contains('@'))];
}

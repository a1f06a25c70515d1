using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Quality;

namespace SalesCrm.Domain.Imports;

/// <summary>What the import does with a row.</summary>
public enum RowOutcome
{
    /// <summary>A new record is created.</summary>
    New = 1,
    /// <summary>The record is already in SalesCrm (same INN, phone, e-mail or name; or a repeated row of the files): it is linked, and its blanks filled.</summary>
    Matched = 2,
    /// <summary>It points at two records, or at one that contradicts it: left out, unless the run imports conflicts as new.</summary>
    Conflict = 3,
    /// <summary>It cannot be taken; the reason says why.</summary>
    Refused = 4,
    /// <summary>An earlier import already brought it: nothing is written.</summary>
    Imported = 5,
}

public sealed record ExistingClient(int Id, string Name, string? Inn, string? Phone, string? Email);

public sealed record ExistingContact(int Id, int ClientId, string FullName, string? Phone, string? Email);

public sealed record ExistingLead(int Id, IReadOnlyList<string> Keys);

/// <summary>What SalesCrm already holds that an import is matched against.</summary>
public sealed class ExistingBook
{
    public IReadOnlyList<ExistingClient> Clients { get; init; } = [];
    public IReadOnlyList<ExistingContact> Contacts { get; init; } = [];
    public IReadOnlyList<ExistingLead> OpenLeads { get; init; } = [];
    /// <summary>What earlier imports from the same CRM brought: (kind, their ID) → our record's id.</summary>
    public IReadOnlyDictionary<(ImportedKind Kind, string ExternalId), int> Imported { get; init; } = new Dictionary<(ImportedKind, string), int>();
}

/// <summary>An export file read into rows (the header row first).</summary>
public sealed record ExportFileRows(string Name, RecognizedExport Export, IReadOnlyList<(int Line, string[] Cells)> Rows);

/// <summary>A company of the plan: a client already in SalesCrm, or one the import creates.</summary>
public sealed class CompanyNode
{
    internal CompanyNode(int? existingId, PlanItem? item, string name, string? inn)
    {
        ExistingId = existingId;
        Item = item;
        Name = name;
        ValidInn = Inn.IsValid(inn) ? inn!.Trim() : null;
    }

    public int? ExistingId { get; }
    /// <summary>The row that creates it (null for a client already in SalesCrm).</summary>
    public PlanItem? Item { get; }
    public string Name { get; }
    internal string? ValidInn { get; }
    internal List<ContactNode> Contacts { get; } = [];

    /// <summary>The client's id: known from the start, or once the import has written it.</summary>
    public int? ClientId => ExistingId ?? Item?.EntityId;
}

/// <summary>A person of a company in the plan: a contact already in SalesCrm, or one the import creates.</summary>
public sealed class ContactNode
{
    internal ContactNode(int? existingId, PlanItem? item, string name, IEnumerable<string> phones, IEnumerable<string> emails)
    {
        ExistingId = existingId;
        Item = item;
        NameKey = ImportPlanner.PersonKey(name);
        Phones = [.. phones.Select(Phone.Normalize).OfType<string>()];
        Emails = [.. emails.Select(Email.Normalize).OfType<string>()];
    }

    public int? ExistingId { get; }
    public PlanItem? Item { get; }
    internal string NameKey { get; }
    internal HashSet<string> Phones { get; }
    internal HashSet<string> Emails { get; }
}

/// <summary>One record of the plan: what a row (or what a row implies, such as a deal's company) becomes.</summary>
public sealed class PlanItem
{
    public required ImportedKind Kind { get; init; }
    public required string File { get; init; }
    public required int Line { get; init; }
    public required string ExternalId { get; init; }
    public required string Name { get; init; }
    public RowOutcome Outcome { get; internal set; }
    /// <summary>Why it is matched, conflicting or refused (the first reason of <see cref="Reasons"/>).</summary>
    public UserText? Reason
    {
        get => Reasons.Count > 0 ? Reasons[0] : null;
        internal set => Reasons = value is null ? [] : [value];
    }

    /// <summary>Every reason: a refused row says all that is wrong with it at once.</summary>
    public IReadOnlyList<UserText> Reasons { get; internal set; } = [];
    /// <summary>The row's data; null for a refused row that could not be read.</summary>
    public ImportedRow? Row { get; init; }
    /// <summary>Made from another row (a deal's company or contact), not from a row of its own.</summary>
    public bool Implied { get; init; }
    /// <summary>The record it is in SalesCrm when matched or imported before.</summary>
    public int? ExistingId { get; internal set; }
    /// <summary>A company row: the company. A contact or a deal row: its company.</summary>
    public CompanyNode? Company { get; internal set; }
    /// <summary>A contact matched to another contact of the plan (or of SalesCrm).</summary>
    public ContactNode? SameContact { get; internal set; }
    /// <summary>A lead or a deal repeated in the files: the first one.</summary>
    public PlanItem? SameAs { get; internal set; }
    public string? StageKey { get; internal set; }
    public string? UserKey { get; internal set; }
    public string? ProductKey { get; internal set; }
    /// <summary>Set by the import once the record is written (or linked).</summary>
    public int? EntityId { get; set; }

    /// <summary>The run writes a new record for it.</summary>
    public bool Creates(bool conflictsAsNew) => Outcome == RowOutcome.New || (Outcome == RowOutcome.Conflict && conflictsAsNew);
}

/// <summary>What an import will do, row by row, before anything is written.</summary>
public sealed class ImportPlan
{
    internal ImportPlan(ExportSource source, bool conflictsAsNew, List<PlanItem> items, Dictionary<(MappingKind, string), int> needed,
        IReadOnlyDictionary<(MappingKind, string), string> mappings)
    {
        Source = source;
        ConflictsAsNew = conflictsAsNew;
        Items = items;
        Needed = needed;
        Unmapped = [.. needed.Keys.Where(k => !mappings.ContainsKey(k)).OrderBy(k => k.Item1).ThenBy(k => k.Item2, StringComparer.Ordinal)];
    }

    public ExportSource Source { get; }
    public bool ConflictsAsNew { get; }
    /// <summary>In the order they are written: companies, contacts, deals, leads.</summary>
    public IReadOnlyList<PlanItem> Items { get; }
    /// <summary>Every value to map, with the number of records that carry it.</summary>
    public IReadOnlyDictionary<(MappingKind Kind, string External), int> Needed { get; }
    /// <summary>Values that are not mapped yet: the run cannot start until they are.</summary>
    public IReadOnlyList<(MappingKind Kind, string External)> Unmapped { get; }

    public int Count(ImportedKind kind, RowOutcome outcome) => Items.Count(i => i.Kind == kind && i.Outcome == outcome);

    /// <summary>The records the run writes or links.</summary>
    public IEnumerable<PlanItem> Work => Items.Where(i => i.Creates(ConflictsAsNew) || i.Outcome == RowOutcome.Matched);
}

/// <summary>
/// Plans an import of a CRM's export files: every row read (<see cref="ImportRows"/>), matched against what SalesCrm holds
/// and against the other rows, with the duplicate rules of the data-quality page (<see cref="ClientDuplicates"/>): the same
/// valid INN is the same company; otherwise the same phone, e-mail or name (legal form and quotes aside) is; a row that
/// points at two companies, or at one with a different valid INN, or only at a similar name, is a conflict for a person to
/// decide. Contacts are matched within their company by phone, e-mail or name. Deals and leads are keyed by their ID in the
/// CRM, so a file imported twice adds nothing. A deal's company and contact are taken from its own columns when there is no
/// row for them.
/// </summary>
public sealed class ImportPlanner
{
    private readonly ExistingBook _book;
    private readonly IReadOnlyDictionary<(MappingKind, string), string> _mappings;
    private readonly bool _conflictsAsNew;
    private readonly List<PlanItem> _companies = [];
    private readonly List<PlanItem> _contacts = [];
    private readonly List<PlanItem> _deals = [];
    private readonly List<PlanItem> _leads = [];
    private readonly Dictionary<string, CompanyNode> _byInn = [];
    private readonly Dictionary<string, List<CompanyNode>> _byPhone = [];
    private readonly Dictionary<string, List<CompanyNode>> _byEmail = [];
    private readonly Dictionary<string, List<CompanyNode>> _byName = [];
    private readonly Dictionary<string, List<(CompanyNode Node, string Name)>> _nameBlocks = [];
    private readonly Dictionary<int, CompanyNode> _existing = [];
    private readonly Dictionary<string, PlanItem> _companyRows = [];
    private readonly Dictionary<string, PlanItem> _companyRowsByName = [];
    private readonly Dictionary<string, PlanItem> _leadKeys = [];
    private readonly Dictionary<string, int> _openLeadKeys = [];

    private ImportPlanner(ExistingBook book, IReadOnlyDictionary<(MappingKind, string), string> mappings, bool conflictsAsNew)
    {
        _book = book;
        _mappings = mappings;
        _conflictsAsNew = conflictsAsNew;
        foreach (var client in book.Clients)
        {
            var node = new CompanyNode(client.Id, null, client.Name, client.Inn);
            _existing[client.Id] = node;
            Register(node, [client.Phone], [client.Email]);
        }
        foreach (var contact in book.Contacts)
        {
            if (!_existing.TryGetValue(contact.ClientId, out var node)) continue;
            node.Contacts.Add(new ContactNode(contact.Id, null, contact.FullName, [contact.Phone ?? ""], [contact.Email ?? ""]));
            // A company is also reached through its people's phones and e-mails.
            Index(_byPhone, Phone.Normalize(contact.Phone), node);
            Index(_byEmail, Email.Normalize(contact.Email), node);
        }
        foreach (var lead in book.OpenLeads)
            foreach (var key in lead.Keys)
                _openLeadKeys.TryAdd(key, lead.Id);
    }

    /// <summary>
    /// The plan of <paramref name="files"/> (all of one CRM). <paramref name="zone"/> is the zone the CRM wrote its dates in;
    /// <paramref name="mappings"/> are the answers of the mapping step so far.
    /// </summary>
    public static ImportPlan Plan(IReadOnlyList<ExportFileRows> files, ExistingBook book, IReadOnlyDictionary<(MappingKind, string), string> mappings,
        bool conflictsAsNew, TimeZoneInfo zone)
    {
        if (files.Count == 0) throw new DomainException("Добавьте хотя бы один файл выгрузки.");
        var sources = files.Select(f => f.Export.Source).Distinct().ToList();
        if (sources.Count > 1) throw new DomainException("Файлы из разных CRM: импортируйте выгрузки Битрикс24 и amoCRM по отдельности.");
        var planner = new ImportPlanner(book, mappings, conflictsAsNew);
        var rows = new List<(ExportFileRows File, ImportedKind Kind, int Line, string[] Cells, ImportedRow? Row, IReadOnlyList<UserText> Refusals)>();
        foreach (var file in files)
        {
            foreach (var (line, cells) in file.Rows.Skip(1))
            {
                if (cells.All(string.IsNullOrWhiteSpace)) continue;
                var (row, refusals) = ImportRows.Read(file.Export, line, cells, zone);
                rows.Add((file, KindOf(file.Export, cells), line, cells, row, refusals));
            }
        }
        foreach (var r in rows.Where(r => r.Row is null))
            planner.Refused(r.Kind, r.File.Name, r.Line, NameOf(r.File.Export, r.Cells), r.Refusals);
        var read = rows.Where(r => r.Row is not null).Select(r => (r.File.Name, Row: r.Row!)).ToList();
        planner.PlanCompanies(read.Where(r => r.Row.Kind == ExportKind.Companies || r.Row.IsCompany));
        // A contact's company may be named only on a deal, and a deal's company only on its contact.
        var contactRows = read.Where(r => r.Row.Kind is ExportKind.Contacts or ExportKind.ContactsAndCompanies && !r.Row.IsCompany).ToList();
        var companyOfContact = contactRows.Where(r => r.Row.Company is not null).GroupBy(r => PersonKey(r.Row.ContactName))
            .ToDictionary(g => g.Key, g => g.First().Row.Company!);
        var dealRows = read.Where(r => r.Row.Kind == ExportKind.Deals).ToList();
        var companyOfDealContact = dealRows.Where(r => r.Row.Contact is not null && r.Row.Company is not null).GroupBy(r => PersonKey(r.Row.Contact))
            .ToDictionary(g => g.Key, g => g.First().Row);
        planner.PlanDeals(dealRows, companyOfContact);
        planner.PlanContacts(contactRows, companyOfDealContact);
        planner.PlanDealContacts();
        planner.PlanLeads(read.Where(r => r.Row.Kind == ExportKind.Leads));
        return planner.Finish(sources[0]);
    }

    /// <summary>A person's name as compared: lower case, «ё» as «е», words in alphabetical order («Иванов Иван» = «Иван Иванов»).</summary>
    public static string PersonKey(string? name) =>
        string.Join(' ', (name ?? "").ToLowerInvariant().Replace('ё', 'е').Split([' ', '\u00A0', '\t'], StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    /// <summary>A deal's stage as mapped: with the pipeline's name when the file has one.</summary>
    public static string StageKeyOf(ImportedRow row) =>
        ImportMapping.Key(row.Pipeline is { } pipeline ? $"{pipeline} / {row.Stage}" : row.Stage);

    private static ImportedKind KindOf(RecognizedExport export, string[] cells) => export.Kind switch
    {
        ExportKind.Companies => ImportedKind.Company,
        ExportKind.Deals => ImportedKind.Deal,
        ExportKind.Leads => ImportedKind.Lead,
        ExportKind.ContactsAndCompanies when export.First(ExportField.Type) is { } at && at < cells.Length
            && cells[at].Trim().ToLowerInvariant() is "компания" or "company" => ImportedKind.Company, // not UI text: amoCRM's values
        _ => ImportedKind.Contact,
    };

    private void Refused(ImportedKind kind, string file, int line, string name, IReadOnlyList<UserText> reasons) =>
        List(kind).Add(new PlanItem { Kind = kind, File = file, Line = line, ExternalId = "", Name = name, Outcome = RowOutcome.Refused, Reasons = reasons });

    /// <summary>What a refused row is called, so that the person finds it in the CRM.</summary>
    private static string NameOf(RecognizedExport export, string[] cells) =>
        new[] { ExportField.Title, ExportField.CompanyName, ExportField.FullName, ExportField.LastName, ExportField.Id }
            .Select(export.First).Where(at => at is not null && at < cells.Length).Select(at => cells[at!.Value].Trim())
            .FirstOrDefault(text => text.Length > 0) ?? "—";

    private List<PlanItem> List(ImportedKind kind) => kind switch
    {
        ImportedKind.Company => _companies,
        ImportedKind.Contact => _contacts,
        ImportedKind.Deal => _deals,
        _ => _leads,
    };

    private bool Imported(PlanItem item)
    {
        if (!_book.Imported.TryGetValue((item.Kind, item.ExternalId), out var id)) return false;
        item.Outcome = RowOutcome.Imported;
        item.ExistingId = id;
        item.EntityId = id;
        item.Reason = "Уже в SalesCrm: импортировано раньше.";
        return true;
    }

    private void PlanCompanies(IEnumerable<(string File, ImportedRow Row)> rows)
    {
        foreach (var (file, row) in rows)
        {
            var name = row.CompanyName!;
            var item = new PlanItem
            {
                Kind = ImportedKind.Company, File = file, Line = row.Line, Row = row, Name = name,
                ExternalId = row.ExternalId ?? CompanyKey(name, row.Inn), UserKey = ImportMapping.Key(row.Responsible),
            };
            _companies.Add(item);
            if (_companyRows.TryGetValue(item.ExternalId, out var first))
            {
                item.Outcome = first.Company is null ? first.Outcome : RowOutcome.Matched;
                item.Company = first.Company;
                item.ExistingId = first.ExistingId;
                item.Reason = new UserText("Повтор строки {0} ({1}).", first.Line, first.File);
                item.UserKey = null;
                continue;
            }
            _companyRows[item.ExternalId] = item;
            if (Imported(item))
            {
                item.UserKey = null;
                item.Company = _existing.GetValueOrDefault(item.ExistingId!.Value) ?? Add(new CompanyNode(item.ExistingId, null, name, row.Inn), row);
            }
            else Decide(item, row);
            if (item.Company is not null) _companyRowsByName.TryAdd(ClientDuplicates.NormalizeName(name), item);
        }
    }

    /// <summary>Matches a company row (or a company a deal or contact names) and files it into the index.</summary>
    private void Decide(PlanItem item, ImportedRow row)
    {
        var name = item.Name;
        var inn = row.Inn is { } i && Inn.IsValid(i) ? i.Trim() : null;
        var (outcome, node, reason) = Match(name, inn, row.Phones, row.Emails);
        item.Outcome = outcome;
        item.Reason = reason;
        if (outcome == RowOutcome.Matched)
        {
            item.Company = node;
            item.ExistingId = node!.ExistingId;
            item.UserKey = null;
            return;
        }
        if (outcome == RowOutcome.Conflict && !_conflictsAsNew) return;
        item.Company = Add(new CompanyNode(null, item, name, inn), row);
    }

    private CompanyNode Add(CompanyNode node, ImportedRow row)
    {
        Register(node, row.IsCompany || row.Kind == ExportKind.Companies ? row.Phones : [], row.IsCompany || row.Kind == ExportKind.Companies ? row.Emails : []);
        return node;
    }

    private void Register(CompanyNode node, IEnumerable<string?> phones, IEnumerable<string?> emails)
    {
        if (node.ValidInn is { } inn) _byInn.TryAdd(inn, node);
        foreach (var phone in phones) Index(_byPhone, Phone.Normalize(phone), node);
        foreach (var email in emails) Index(_byEmail, Email.Normalize(email), node);
        var normalized = ClientDuplicates.NormalizeName(node.Name);
        Index(_byName, normalized.Length == 0 ? null : normalized, node);
        if (normalized.Length >= 3)
        {
            if (!_nameBlocks.TryGetValue(normalized[..3], out var block)) _nameBlocks[normalized[..3]] = block = [];
            block.Add((node, normalized));
        }
    }

    private static void Index(Dictionary<string, List<CompanyNode>> index, string? key, CompanyNode node)
    {
        if (key is null) return;
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        if (!list.Contains(node)) list.Add(node);
    }

    private (RowOutcome Outcome, CompanyNode? Node, UserText? Reason) Match(string name, string? inn, IReadOnlyList<string> phones, IReadOnlyList<string> emails)
    {
        if (inn is not null && _byInn.TryGetValue(inn, out var same))
            return (RowOutcome.Matched, same, new UserText("Тот же ИНН, что у «{0}».", same.Name));
        var normalized = ClientDuplicates.NormalizeName(name);
        var hits = new List<(CompanyNode Node, string Why)>();
        foreach (var phone in phones)
            if (Phone.Normalize(phone) is { } p && _byPhone.TryGetValue(p, out var list)) hits.AddRange(list.Select(n => (n, "телефон")));
        foreach (var email in emails)
            if (Email.Normalize(email) is { } e && _byEmail.TryGetValue(e, out var list)) hits.AddRange(list.Select(n => (n, "e-mail")));
        if (normalized.Length > 0 && _byName.TryGetValue(normalized, out var named)) hits.AddRange(named.Select(n => (n, "название")));
        // Two valid, different INNs are two legal entities, whatever else they share.
        var other = hits.Where(h => inn is not null && h.Node.ValidInn is not null && h.Node.ValidInn != inn).Select(h => h.Node).Distinct().ToList();
        var candidates = hits.Where(h => !other.Contains(h.Node)).GroupBy(h => h.Node).ToList();
        if (candidates.Count == 1)
            return (RowOutcome.Matched, candidates[0].Key, new UserText("Совпадает с «{0}»: {1}.", candidates[0].Key.Name, string.Join(", ", candidates[0].Select(h => h.Why).Distinct())));
        if (candidates.Count > 1)
            return (RowOutcome.Conflict, null, new UserText("Похожа сразу на несколько компаний: {0}.", string.Join(", ", candidates.Take(3).Select(c => $"«{c.Key.Name}»"))));
        if (other.Count > 0)
            return (RowOutcome.Conflict, null, new UserText("Совпадает {0} с «{1}», но ИНН другой ({2}).", hits.First(h => other.Contains(h.Node)).Why, other[0].Name, other[0].ValidInn));
        if (normalized.Length >= 3 && _nameBlocks.TryGetValue(normalized[..3], out var block))
        {
            var similar = block.Where(b => inn is null || b.Node.ValidInn is null || b.Node.ValidInn == inn)
                .Select(b => (b.Node, Score: ClientDuplicates.Similarity(normalized, b.Name)))
                .Where(b => b.Score >= ClientDuplicates.NameThreshold).OrderByDescending(b => b.Score).FirstOrDefault();
            if (similar.Node is not null)
                return (RowOutcome.Conflict, null, new UserText("Название похоже на «{0}» ({1:P0}): та же компания или другая?", similar.Node.Name, similar.Score));
        }
        return (RowOutcome.New, null, null);
    }

    private static string CompanyKey(string name, string? inn) =>
        Inn.IsValid(inn) ? "inn:" + inn!.Trim() : "name:" + ClientDuplicates.NormalizeName(name);

    /// <summary>The company a deal or a contact names: a company row of the files, a client of SalesCrm, or a new one made from the row.</summary>
    private PlanItem Resolve(string file, ImportedRow row, string name, string? inn, string? userKey)
    {
        var key = CompanyKey(name, inn);
        if (_companyRows.TryGetValue(key, out var known)) return known;
        var normalized = ClientDuplicates.NormalizeName(name);
        if (!Inn.IsValid(inn) && normalized.Length > 0 && _companyRowsByName.TryGetValue(normalized, out var byName)) return byName;
        var item = new PlanItem
        {
            Kind = ImportedKind.Company, File = file, Line = row.Line, Name = name, ExternalId = key, Implied = true, UserKey = userKey,
            Row = row with { IsCompany = true, CompanyName = name, Inn = inn, Phones = [], Emails = [], Title = null, ContactName = null },
        };
        _companies.Add(item);
        _companyRows[key] = item;
        if (Imported(item))
        {
            item.UserKey = null;
            item.Company = _existing.GetValueOrDefault(item.ExistingId!.Value) ?? Add(new CompanyNode(item.ExistingId, null, name, inn), item.Row);
        }
        else Decide(item, item.Row);
        if (item.Company is not null) _companyRowsByName.TryAdd(normalized, item);
        return item;
    }

    /// <summary>What a row's dependence on its company makes of it: the company's refusal or conflict carries over.</summary>
    private bool Blocked(PlanItem item, PlanItem company)
    {
        item.Company = company.Company;
        if (company.Outcome == RowOutcome.Refused)
        {
            item.Outcome = RowOutcome.Refused;
            item.Reason = new UserText("Компания «{0}» не принята: {1}", company.Name, company.Reason);
            return true;
        }
        if (company.Company is null)
        {
            item.Outcome = RowOutcome.Conflict;
            item.Reason = new UserText("Компания «{0}» в конфликте: {1}", company.Name, company.Reason);
            return true;
        }
        return false;
    }

    private void PlanDeals(List<(string File, ImportedRow Row)> rows, Dictionary<string, string> companyOfContact)
    {
        // Bitrix24 repeats a deal's row for each of its products: one deal, its first product.
        var groups = rows.GroupBy(r => r.Row.ExternalId ?? $"row:{r.File}:{r.Row.Line}");
        foreach (var group in groups)
        {
            var (file, row) = group.First();
            var product = group.Select(g => g.Row.Product).FirstOrDefault(p => p is not null)?.Split('\n')[0];
            var item = new PlanItem
            {
                Kind = ImportedKind.Deal, File = file, Line = row.Line, Row = row with { Product = product }, Name = row.Title!, ExternalId = group.Key,
            };
            _deals.Add(item);
            if (Imported(item)) continue;
            var companyName = row.Company ?? (row.Contact is { } c ? companyOfContact.GetValueOrDefault(PersonKey(c)) : null);
            if (companyName is null)
            {
                item.Outcome = RowOutcome.Refused;
                item.Reason = "У сделки нет компании: в SalesCrm сделка ведётся с компанией-клиентом. Укажите компанию сделки или её контакта.";
                continue;
            }
            var company = Resolve(file, row, companyName, row.Inn, ImportMapping.Key(row.Responsible));
            if (Blocked(item, company)) continue;
            if (row.Currency is { } currency && !IsRubles(currency))
            {
                item.Outcome = RowOutcome.Refused;
                item.Reason = new UserText("Валюта «{0}»: SalesCrm ведёт премии в рублях.", currency);
                continue;
            }
            if (row.AmountKopecks > Deal.MaxPremium.Kopecks)
            {
                item.Outcome = RowOutcome.Refused;
                item.Reason = "Сумма больше 10 млрд ₽ — проверьте её в CRM.";
                continue;
            }
            item.Outcome = RowOutcome.New;
            item.StageKey = StageKeyOf(row);
            item.UserKey = ImportMapping.Key(row.Responsible);
            item.ProductKey = ImportMapping.Key(product);
        }
    }

    private static bool IsRubles(string currency) =>
        currency.Trim().ToLowerInvariant() is "rub" or "rur" or "руб" or "руб." or "рубль" or "российский рубль" or "₽" or ""; // not UI text: what the CRMs write

    private void PlanContacts(List<(string File, ImportedRow Row)> rows, Dictionary<string, ImportedRow> companyOfDealContact)
    {
        var seen = new Dictionary<string, PlanItem>();
        foreach (var (file, row) in rows)
        {
            var name = row.ContactName!;
            var item = new PlanItem
            {
                Kind = ImportedKind.Contact, File = file, Line = row.Line, Row = row, Name = name,
                ExternalId = row.ExternalId ?? $"contact:{PersonKey(name)}|{ImportMapping.Key(row.Company)}",
            };
            _contacts.Add(item);
            if (seen.TryGetValue(item.ExternalId, out var first))
            {
                item.Outcome = first.Outcome == RowOutcome.Refused ? RowOutcome.Refused : RowOutcome.Matched;
                item.Reason = new UserText("Повтор строки {0} ({1}).", first.Line, first.File);
                item.Company = first.Company;
                item.SameContact = first.SameContact;
                continue;
            }
            seen[item.ExternalId] = item;
            if (Imported(item)) continue;
            var deal = row.Company is null ? companyOfDealContact.GetValueOrDefault(PersonKey(name)) : null;
            var companyName = row.Company ?? deal?.Company;
            if (companyName is null)
            {
                item.Outcome = RowOutcome.Refused;
                item.Reason = "Контакт без компании: в SalesCrm контакт — сотрудник компании-клиента. Укажите его компанию в CRM.";
                continue;
            }
            var company = Resolve(file, row, companyName, deal?.Inn, ImportMapping.Key(deal?.Responsible ?? row.Responsible));
            if (Blocked(item, company)) continue;
            PlaceContact(item, name, row.Phones, row.Emails);
        }
    }

    /// <summary>A contact matched within its company by phone, e-mail or name, or a new one there.</summary>
    private void PlaceContact(PlanItem item, string name, IReadOnlyList<string> phones, IReadOnlyList<string> emails)
    {
        var node = item.Company!;
        var candidate = new ContactNode(null, item, name, phones, emails);
        var same = node.Contacts.FirstOrDefault(c => c.Phones.Overlaps(candidate.Phones))
                   ?? node.Contacts.FirstOrDefault(c => c.Emails.Overlaps(candidate.Emails))
                   ?? node.Contacts.FirstOrDefault(c => c.NameKey.Length > 0 && c.NameKey == candidate.NameKey);
        if (same is not null)
        {
            item.Outcome = RowOutcome.Matched;
            item.SameContact = same;
            item.ExistingId = same.ExistingId;
            item.Reason = same.Item is { } other ? new UserText("Тот же человек, что в строке {0} ({1}).", other.Line, other.File) : new UserText("Уже есть у «{0}».", node.Name);
            return;
        }
        item.Outcome = RowOutcome.New;
        item.SameContact = candidate;
        node.Contacts.Add(candidate);
    }

    /// <summary>The person a deal names, when no contact row brings them: a contact of the deal's company.</summary>
    private void PlanDealContacts()
    {
        foreach (var deal in _deals.Where(d => d.Outcome == RowOutcome.New && d.Row!.Contact is not null).ToList())
        {
            var row = deal.Row!;
            var name = row.Contact!;
            var node = deal.Company!;
            var key = PersonKey(name);
            if (node.Contacts.Any(c => c.NameKey == key)) continue;
            var item = new PlanItem
            {
                Kind = ImportedKind.Contact, File = deal.File, Line = deal.Line, Name = name, Implied = true, Company = node,
                ExternalId = $"contact:{key}|{ImportMapping.Key(node.Name)}",
                Row = row with { Kind = ExportKind.Contacts, ContactName = name, Title = null },
            };
            _contacts.Add(item);
            if (!Imported(item)) PlaceContact(item, name, row.Phones, row.Emails);
        }
    }

    private void PlanLeads(IEnumerable<(string File, ImportedRow Row)> rows)
    {
        foreach (var (file, row) in rows)
        {
            var item = new PlanItem
            {
                Kind = ImportedKind.Lead, File = file, Line = row.Line, Row = row,
                Name = row.Title ?? row.CompanyName ?? row.ContactName ?? "—",
                ExternalId = row.ExternalId ?? $"row:{file}:{row.Line}",
            };
            _leads.Add(item);
            if (_leadKeys.TryGetValue("id:" + item.ExternalId, out var repeated))
            {
                item.Outcome = RowOutcome.Matched;
                item.SameAs = repeated;
                item.Reason = new UserText("Повтор строки {0} ({1}).", repeated.Line, repeated.File);
                continue;
            }
            _leadKeys["id:" + item.ExternalId] = item;
            if (Imported(item)) continue;
            var keys = LeadKeys(row);
            if (keys.Count == 0)
            {
                item.Outcome = RowOutcome.Refused;
                item.Reason = "Нет ни телефона, ни e-mail, ни ИНН — с лидом не связаться.";
                continue;
            }
            if (keys.Select(k => _openLeadKeys.TryGetValue(k, out var id) ? id : (int?)null).FirstOrDefault(id => id is not null) is { } open)
            {
                item.Outcome = RowOutcome.Matched;
                item.ExistingId = open;
                item.Reason = new UserText("Такой открытый лид уже есть (№ {0}).", open);
                continue;
            }
            if (keys.Select(_leadKeys.GetValueOrDefault).FirstOrDefault(i => i is not null) is { } twin)
            {
                item.Outcome = RowOutcome.Matched;
                item.SameAs = twin;
                item.Reason = new UserText("Тот же клиент, что в строке {0} ({1}).", twin.Line, twin.File);
                continue;
            }
            foreach (var key in keys) _leadKeys.TryAdd(key, item);
            item.Outcome = RowOutcome.New;
            item.StageKey = ImportMapping.Key(row.Stage);
            item.UserKey = ImportMapping.Key(row.Responsible);
        }
    }

    /// <summary>The anti-duplicate keys a lead of this row will have (<see cref="Lead.DedupKeys"/>).</summary>
    private static List<string> LeadKeys(ImportedRow row) =>
    [
        .. new[]
        {
            row.Inn is { } inn && Inn.IsValid(inn) ? "inn:" + inn.Trim() : null, // not UI text: the anti-duplicate key
            row.Phones.Select(Phone.Normalize).FirstOrDefault(p => p is not null) is { } phone ? "phone:" + phone : null, // not UI text: the anti-duplicate key
            row.Emails.Select(Email.Normalize).FirstOrDefault() is { } email ? "email:" + email : null, // not UI text: the anti-duplicate key
        }.OfType<string>(),
    ];

    /// <summary>The mappings applied: what is to be mapped, and the rows of a stage or status that is not carried over.</summary>
    private ImportPlan Finish(ExportSource source)
    {
        var needed = new Dictionary<(MappingKind, string), int>();
        void Need(MappingKind kind, string? key)
        {
            if (key is null) return;
            needed[(kind, key)] = needed.GetValueOrDefault((kind, key)) + 1;
        }
        bool Skipped(MappingKind kind, string? key) => key is not null && _mappings.TryGetValue((kind, key), out var target) && target == ImportMapping.Skip;

        foreach (var company in _companies.Where(c => c.Creates(_conflictsAsNew))) Need(MappingKind.User, company.UserKey ?? "");
        foreach (var deal in _deals.Where(d => d.Creates(_conflictsAsNew)))
        {
            Need(MappingKind.Stage, deal.StageKey);
            if (Skipped(MappingKind.Stage, deal.StageKey))
            {
                deal.Outcome = RowOutcome.Refused;
                deal.Reason = new UserText("Стадия «{0}» не переносится — так указано в сопоставлении.", deal.StageKey);
                continue;
            }
            Need(MappingKind.User, deal.UserKey);
            Need(MappingKind.Product, deal.ProductKey);
        }
        foreach (var lead in _leads.Where(l => l.Creates(_conflictsAsNew)))
        {
            Need(MappingKind.LeadStatus, lead.StageKey);
            if (Skipped(MappingKind.LeadStatus, lead.StageKey))
            {
                lead.Outcome = RowOutcome.Refused;
                lead.Reason = new UserText("Статус «{0}» не переносится — так указано в сопоставлении.", lead.StageKey);
                continue;
            }
            Need(MappingKind.User, lead.UserKey);
        }
        List<PlanItem> items = [.. _companies, .. _contacts, .. _deals, .. _leads];
        return new ImportPlan(source, _conflictsAsNew, items, needed, _mappings);
    }
}

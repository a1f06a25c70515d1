using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Imports;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Imports;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Moving from Bitrix24 or amoCRM: files written as each CRM writes them (Windows-1251 and UTF-8 with a BOM, «;» and «,»,
/// quoted cells, a trailing delimiter, a deal's row repeated for each product, several phones in a cell), planned against
/// the demo department, mapped, imported in batches, run again, and resumed after a failure.
/// </summary>
public abstract class CrmImportContract : IAsyncLifetime
{
    private static int _seq = Random.Shared.Next(1_000_000, 9_000_000);
    private static readonly Encoding Windows1251;

    static CrmImportContract()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1251 = Encoding.GetEncoding(1251);
    }

    private ServiceHarness H { get; set; } = default!;
    private string _m1 = "";

    protected abstract Task<(string ConnectionString, DatabaseProvider Provider)> DatabaseAsync();

    /// <summary>Makes the database refuse every deal once 500 deals of the import are recorded (a disk filling up mid-run).</summary>
    protected abstract string FailSecondBatchSql { get; }

    protected abstract string RepairSql { get; }
    private string _m2 = "";

    public async ValueTask InitializeAsync()
    {
        // A Sunday evening in Moscow: the dates of the files are read in the portal's zone, whatever the machine's.
        var (connection, provider) = await DatabaseAsync();
        H = await ServiceHarness.CreateAsync(connection, provider, at: new DateTimeOffset(2026, 12, 6, 17, 0, 0, TimeSpan.Zero));
        _m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.FullName).SingleAsync());
        _m2 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.FullName).SingleAsync());
        await H.User.SignInAsAsync("head@demo.salescrm");
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private static string NewInn() => Inn.Complete("77" + Interlocked.Increment(ref _seq).ToString("D7", CultureInfo.InvariantCulture));

    private static string Unique(string name) => $"{name} {Interlocked.Increment(ref _seq)}";

    private static ImportUpload File(string name, string text, Encoding encoding)
    {
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text.ReplaceLineEndings("\r\n"))).ToArray();
        var (rows, error) = new CrmExportReader().Read(name, bytes);
        Assert.True(rows is not null, error);
        return new ImportUpload(name, bytes, rows!);
    }

    private CrmImportJob Job() =>
        new(H.Get<IProviderContextFactory>(), new CrmExportReader(), H.Events, H.Time, NullLogger<CrmImportJob>.Instance);

    private async Task<ImportPlan> PlanAsync(IEnumerable<ImportUpload> files, bool conflictsAsNew = false) =>
        await H.Get<CrmImportService>().PlanAsync([.. files.Select(f => f.Rows)], conflictsAsNew, "Europe/Moscow");

    /// <summary>Maps what the plan needs the way a person would in the wizard: the guesses, and the first product for the rest.</summary>
    private async Task MapAsync(ImportPlan plan, string product = "1")
    {
        var service = H.Get<CrmImportService>();
        var answers = await service.AnswersAsync(plan, await service.ChoicesAsync());
        foreach (var key in answers.Keys.ToList())
            answers[key] ??= key.Kind switch
            {
                MappingKind.Product => product,
                MappingKind.Stage => nameof(StageCode.Qualification),
                MappingKind.LeadStatus => nameof(LeadStatus.New),
                _ => (await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync())).ToString(CultureInfo.InvariantCulture),
            };
        await service.SaveMappingsAsync(plan.Source, answers);
    }

    private async Task<ImportRunView> ImportAsync(IReadOnlyList<ImportUpload> files, bool conflictsAsNew = false)
    {
        var id = await H.Get<CrmImportService>().StartAsync(files, conflictsAsNew, "Europe/Moscow");
        await Job().RunAsync(id);
        return (await H.Get<CrmImportService>().FindRunAsync(id))!;
    }

    private string BitrixCompanies(string innA, string nameA, string nameB, string phoneB, string nameC) => $"""
        "ID";"Название компании";"Тип компании";"Сфера деятельности";"Рабочий телефон";"Рабочий e-mail";"ИНН";"Ответственный";"Дата создания";"Адрес";
        "101";"{nameA}";"Клиент";"Производство";"+7 (495) 111-22-33";"office@a.ru";"{innA}";"{_m1}";"15.03.2024 10:30:00";"Москва, ул. Ленина, 1";
        "102";"{nameB}";"Клиент";"Логистика";"{phoneB}, +7 916 000-00-01";"";"";"{_m2}";"16.03.2024";"";
        "103";"{nameC}";"Клиент";"";"";"";"1234567890";"{_m1}";"17.03.2024";"";
        """;

    [Fact]
    public async Task TheDryRunTellsNewMatchedConflictingAndRefusedRowsAndWritesNothing()
    {
        // Already in SalesCrm: a client with an INN, one with a phone, one whose name is close to a row's.
        var inn = NewInn();
        var phone = $"+7 495 7{Interlocked.Increment(ref _seq) % 1_000_000:D6}";
        var similar = Unique("Гелиос Технолоджи");
        await using (var db = H.Db())
        {
            var ownerId = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync();
            db.Clients.Add(new Client(Unique("Старое название"), Inn.Parse(inn), null, "Страхование", "Москва", ClientSegment.Medium, ownerId, H.Time.GetUtcNow().UtcDateTime));
            var byPhone = new Client(Unique("Вектор"), Inn.Parse(NewInn()), null, "Страхование", "Москва", ClientSegment.Medium, ownerId, H.Time.GetUtcNow().UtcDateTime);
            byPhone.SetContacts(phone, null, null);
            db.Clients.Add(byPhone);
            db.Clients.Add(Client.FromLegacy(similar, null, null, "Страхование", "Москва", ClientSegment.Small, ownerId, H.Time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }
        var companies = File("COMPANY.csv", BitrixCompanies(inn, Unique("ООО «Новое имя»"), Unique("Вектор-М"), phone, "ООО «Битый ИНН»")
            + $"\r\n\"104\";\"ООО «{similar.Replace("Технолоджи", "Технолоджиc")}»\";\"Клиент\";\"\";\"\";\"\";\"\";\"{_m1}\";\"\";\"\";\r\n", Windows1251);
        var before = await H.QueryAsync(db => db.Clients.CountAsync());

        var plan = await PlanAsync([companies]);

        var byLine = plan.Items.Where(i => !i.Implied).ToDictionary(i => i.Line);
        Assert.Equal(RowOutcome.Matched, byLine[2].Outcome);
        Assert.Contains("ИНН", byLine[2].Reason!.Format);
        Assert.Equal(RowOutcome.Matched, byLine[3].Outcome);
        Assert.Contains("телефон", byLine[3].Reason!.ToString());
        Assert.Equal(RowOutcome.Refused, byLine[4].Outcome);
        Assert.Contains("1234567890", byLine[4].Reason!.ToString());
        Assert.Equal(RowOutcome.Conflict, byLine[5].Outcome);
        Assert.Contains(similar, byLine[5].Reason!.ToString());
        Assert.Equal(before, await H.QueryAsync(db => db.Clients.CountAsync()));
        Assert.Equal(0, await H.QueryAsync(db => db.ImportRuns.CountAsync()));

        // Imported as new when the person says so: the conflicting row is no longer left out.
        var asNew = await PlanAsync([companies], conflictsAsNew: true);
        Assert.True(asNew.Items.Single(i => i.Line == 5).Creates(asNew.ConflictsAsNew));
    }

    [Fact]
    public async Task StagesUsersAndProductsAreGuessedAskedAndRememberedForTheNextImport()
    {
        var deals = File("DEAL.csv", $"""
            "ID";"Название сделки";"Стадия сделки";"Воронка";"Сумма";"Валюта";"Ответственный";"Дата создания";"Компания";"Товар";
            "501";"Имущество";"Сделка успешна";"Общая";"100 000,00";"RUB";"{_m1}";"01.02.2025";"{Unique("ООО Альфа")}";"Страхование склада";
            "502";"Грузы";"Согласование условий";"Общая";"5000";"RUB";"Уволенный Сотрудник";"01.02.2025";"{Unique("ООО Бета")}";"";
            """, Windows1251);
        var plan = await PlanAsync([deals]);
        var service = H.Get<CrmImportService>();
        var answers = await service.AnswersAsync(plan, await service.ChoicesAsync());

        Assert.Equal(nameof(StageCode.Won), answers[(MappingKind.Stage, "Общая / Сделка успешна")]);
        Assert.Null(answers[(MappingKind.Stage, "Общая / Согласование условий")]);
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        Assert.Equal(m1.ToString(CultureInfo.InvariantCulture), answers[(MappingKind.User, _m1)]);
        Assert.Null(answers[(MappingKind.User, "Уволенный Сотрудник")]);
        Assert.Contains((MappingKind.Product, ""), plan.Unmapped);
        Assert.Contains((MappingKind.Product, "Страхование склада"), plan.Unmapped);
        await Assert.ThrowsAsync<DomainException>(() => service.StartAsync([deals], false, "Europe/Moscow"));

        // An answer that is not one of the choices is refused; the others are kept and asked no more.
        answers[(MappingKind.User, "Уволенный Сотрудник")] = "999999";
        await Assert.ThrowsAsync<DomainException>(() => service.SaveMappingsAsync(plan.Source, answers));
        await MapAsync(plan);
        Assert.Empty((await PlanAsync([deals])).Unmapped);
        Assert.Equal(nameof(StageCode.Won), await H.QueryAsync(db => db.ImportMappings
            .Where(m => m.Source == ExportSource.Bitrix24 && m.Kind == MappingKind.Stage && m.External == "Общая / Сделка успешна").Select(m => m.Target).SingleAsync()));
    }

    [Fact]
    public async Task Bitrix24FilesImportOnceAuditedWithTheirSourceAndAgainAddNothing()
    {
        var inn = NewInn();
        var alpha = Unique("ООО «Альфа-Страх»");
        var beta = Unique("АО «Бета»");
        var person = Unique("Петров");
        var companies = File("COMPANY.csv", BitrixCompanies(inn, alpha, beta, "+7 (495) 222-33-44", Unique("ООО Гамма")), Windows1251);
        var contacts = File("CONTACT.csv", $"""
            "ID";"Обращение";"Имя";"Отчество";"Фамилия";"Должность";"Компания";"Рабочий телефон";"Мобильный телефон";"Рабочий e-mail";"Ответственный";
            "201";"г-н";"Пётр";"Петрович";"{person}";"Финансовый директор";"{alpha}";"+7 495 111-22-34 доб. 12";"+7 916 123-45-67, 8 (926) 765-43-21";"petrov@a.ru";"{_m1}";
            """, Windows1251);
        // The deal's row repeated for each of its two products, with the deal's own total on each.
        var deals = File("DEAL.csv", $"""
            "ID";"Название сделки";"Стадия сделки";"Сумма";"Валюта";"Ответственный";"Дата создания";"Предполагаемая дата закрытия";"Компания";"Контакт";"Товар";
            "301";"Страхование имущества";"Новая";"1 250 000,50";"RUB";"{_m1}";"15.03.2026 10:30:00";"30.12.2026";"{alpha}";"{person} Пётр Петрович";"Имущество";
            "301";"Страхование имущества";"Новая";"1 250 000,50";"RUB";"{_m1}";"15.03.2026 10:30:00";"30.12.2026";"{alpha}";"{person} Пётр Петрович";"Грузы";
            "302";"КАСКО парка";"Сделка успешна";"800000";"RUB";"{_m2}";"01.02.2026";"";"{beta}";"";"Имущество";
            "303";"ДМС";"Сделка провалена";"";"";"{_m2}";"01.02.2026";"";"{Unique("ООО «Только в сделке»")}";"Иванов Иван";"";
            """, Windows1251);
        var files = new[] { companies, contacts, deals };
        var plan = await PlanAsync(files);
        Assert.Equal(3, plan.Items.Count(i => i.Kind == ImportedKind.Deal));
        await MapAsync(plan);
        var auditBefore = await H.QueryAsync(db => db.AuditEntries.CountAsync());

        var run = await ImportAsync(files);

        Assert.Equal(ImportRunState.Completed, run.State);
        Assert.Equal(run.Total, run.Done);
        Assert.Equal(0, run.Skipped);
        await using var db = H.Db();
        var a = await db.Clients.Include(c => c.Contacts).SingleAsync(c => c.Name == alpha);
        Assert.Equal(inn, a.Inn);
        Assert.Equal("Москва, ул. Ленина, 1", a.Address);
        // 15.03.2024 10:30 in Moscow is 07:30 UTC.
        Assert.Equal(new DateTime(2024, 3, 15, 7, 30, 0, DateTimeKind.Utc), a.CreatedAt);
        var contact = Assert.Single(a.Contacts);
        Assert.Equal("Финансовый директор", contact.Position);
        Assert.Equal("+7 495 111-22-34", contact.Phone);
        var property = await db.Deals.SingleAsync(d => d.ClientId == a.Id);
        Assert.Equal(1_250_000_50, property.PremiumKopecks);
        Assert.Equal(StageCode.New, property.Stage);
        Assert.Equal(new DateTime(2026, 3, 15, 7, 30, 0, DateTimeKind.Utc), property.CreatedAt);
        var b = await db.Clients.SingleAsync(c => c.Name == beta);
        var won = await db.Deals.SingleAsync(d => d.ClientId == b.Id);
        Assert.Equal((StageCode.Won, 80_000_000L), (won.Stage, won.PremiumKopecks));
        Assert.NotNull(won.ClosedAt);
        // A company named only on a deal, and its person, are made from the deal's row; a lost deal says where it was lost.
        var onlyInDeal = await db.Deals.Include(d => d.Client).ThenInclude(c => c!.Contacts).SingleAsync(d => d.Client!.Name.StartsWith("ООО «Только в сделке»"));
        Assert.Equal(StageCode.Lost, onlyInDeal.Stage);
        Assert.Contains("Битрикс24", onlyInDeal.LossComment);
        Assert.Equal("Иванов Иван", Assert.Single(onlyInDeal.Client!.Contacts).FullName);
        // Audited in the name of the person who imported, with the CRM it came from.
        var audit = await db.AuditEntries.Where(e => e.EntityType == nameof(Deal) && e.EntityId == property.Id.ToString(CultureInfo.InvariantCulture)
            && e.Action == AuditAction.Created).SingleAsync();
        Assert.Contains("импорт из Битрикс24", audit.ActorName);
        Assert.True(await db.AuditEntries.CountAsync() > auditBefore);
        Assert.Equal(ImportedKind.Deal, (await db.ImportedRecords.SingleAsync(r => r.Source == ExportSource.Bitrix24 && r.ExternalId == "301" && r.Kind == ImportedKind.Deal)).Kind);

        // The same files again: everything is already here, nothing is written.
        var (clients, deals2, contacts2) = (await db.Clients.CountAsync(), await db.Deals.CountAsync(), await db.Contacts.CountAsync());
        var again = await PlanAsync(files);
        Assert.DoesNotContain(again.Items, i => i.Outcome is RowOutcome.New or RowOutcome.Conflict);
        Assert.Contains(again.Items, i => i.Outcome == RowOutcome.Imported);
        await Assert.ThrowsAsync<DomainException>(() => H.Get<CrmImportService>().StartAsync(files, false, "Europe/Moscow"));
        Assert.Equal((clients, deals2, contacts2), (await db.Clients.CountAsync(), await db.Deals.CountAsync(), await db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task AmoCrmsPeopleAndDealsImportWithTheirBudgetsAndDates()
    {
        var company = Unique("ООО «Омега»");
        var inn = NewInn();
        var people = File("amocrm_export_contacts.csv", $"""
            "Тип","ID","Наименование","Полное имя","Имя","Фамилия","Компания","Рабочий телефон","Рабочий email","ИНН","Ответственный"
            "компания","9001","{company}","","","","","+7 812 300-40-50","info@omega.ru","{inn}","{_m1}"
            "контакт","9002","","Сидорова Анна","Анна","Сидорова","{company}","+7 921 111-22-33","anna@omega.ru","","{_m1}"
            "контакт","9003","","Без Компании","","","","+7 921 111-22-99","","","{_m1}"
            """, new UTF8Encoding(true));
        var deals = File("amocrm_export_leads.csv", $"""
            "ID","Название сделки","Бюджет","Ответственный","Дата создания","Этап сделки","Воронка","Теги","Полное имя контакта","Компания контакта","Рабочий телефон (контакт)","Компания"
            "7001","Омега: ОСАГО","1 500 000","{_m1}","20.11.2026 09:00:00","Переговоры","Воронка","b2b","Сидорова Анна","{company}","+7 921 111-22-33","{company}"
            "7002","Омега: грузы","300000","{_m1}","21.11.2026 09:00:00","Первичный контакт","Воронка","","Лебедев Павел","{company}","+7 921 555-66-77","{company}"
            """, new UTF8Encoding(true));
        var plan = await PlanAsync([people, deals]);
        Assert.Equal(RowOutcome.Refused, plan.Items.Single(i => i.ExternalId == "9003").Outcome);
        await MapAsync(plan);

        var run = await ImportAsync([people, deals]);

        Assert.Equal(ImportRunState.Completed, run.State);
        await using var db = H.Db();
        var omega = await db.Clients.Include(c => c.Contacts).SingleAsync(c => c.Name == company);
        Assert.Equal((inn, "info@omega.ru"), (omega.Inn, omega.Email));
        // The deal's person is matched to the contact of the people's file by phone; the other deal brings a new one.
        Assert.Equal(["Лебедев Павел", "Сидорова Анна"], omega.Contacts.Select(c => c.FullName).Order());
        var deal = await db.Deals.SingleAsync(d => d.ClientId == omega.Id && d.PremiumKopecks == 150_000_000);
        Assert.Equal((StageCode.Negotiation, 150_000_000L), (deal.Stage, deal.PremiumKopecks));
        Assert.Equal(new DateTime(2026, 11, 20, 6, 0, 0, DateTimeKind.Utc), deal.CreatedAt);
    }

    [Fact]
    public async Task Bitrix24LeadsImportWithTheirStatusAndOpenOnesKeepTheirAntiDuplicateKeys()
    {
        var phone = $"+7 903 {Interlocked.Increment(ref _seq) % 10_000_000:D7}";
        var leads = File("LEAD.csv", $"""
            "ID";"Название лида";"Статус";"Имя";"Фамилия";"Название компании";"Рабочий телефон";"Рабочий e-mail";"Источник";"Ответственный";"Дата создания";
            "801";"Заявка с сайта";"В работе";"Олег";"Смирнов";"{Unique("ООО Лидер")}";"{phone}";"";"Веб-сайт";"{_m1}";"05.12.2026 12:00:00";
            "802";"Старый лид";"Некачественный лид";"Ольга";"";"";"";"olga@example.ru";"Звонок";"{_m1}";"01.10.2026";
            "803";"Превратился в сделку";"Сконвертирован";"Анна";"";"";"+7 903 000-00-01";"";"";"{_m1}";"01.10.2026";
            "804";"Без контактов";"Новый";"Ира";"";"";"";"";"";"{_m1}";"01.10.2026";
            """, Windows1251);
        var plan = await PlanAsync([leads]);
        await MapAsync(plan);
        plan = await PlanAsync([leads]);
        Assert.Equal(RowOutcome.Refused, plan.Items.Single(i => i.ExternalId == "803").Outcome);
        Assert.Equal(RowOutcome.Refused, plan.Items.Single(i => i.ExternalId == "804").Outcome);
        var distributed = H.Events.Published.Count;

        await ImportAsync([leads]);

        await using var db = H.Db();
        var open = await db.Leads.SingleAsync(l => l.Phone == phone);
        Assert.Equal((LeadStatus.InWork, LeadChannel.Website), (open.Status, open.Channel));
        Assert.True(await db.LeadDedupKeys.AnyAsync(k => k.LeadId == open.Id));
        var closed = await db.Leads.SingleAsync(l => l.Email == "olga@example.ru" && l.Status == LeadStatus.Disqualified);
        Assert.False(await db.LeadDedupKeys.AnyAsync(k => k.LeadId == closed.Id));
        // An import is not a new request: no lead was announced to the distribution.
        Assert.DoesNotContain(H.Events.Published.Skip(distributed), e => e is LeadCreated);
    }

    [Fact]
    public async Task ARunStoppedByTheDatabaseIsResumedAndEndsWithEveryRecordOnce()
    {
        var company = Unique("ООО «Большая»");
        var lines = new StringBuilder("\"ID\";\"Название сделки\";\"Стадия сделки\";\"Сумма\";\"Ответственный\";\"Дата создания\";\"Компания\";\r\n");
        for (var i = 0; i < 1200; i++) lines.Append(CultureInfo.InvariantCulture, $"\"R{i}\";\"Сделка {i}\";\"Новая\";\"{1000 + i}\";\"{_m1}\";\"01.12.2026\";\"{company}\";\r\n");
        var deals = File("DEAL.csv", lines.ToString(), Windows1251);
        await MapAsync(await PlanAsync([deals]));
        var before = await H.QueryAsync(db => db.Deals.CountAsync());
        // The disk fills up when the second batch of deals is written.
        await using (var db = H.Db()) await db.Database.ExecuteSqlRawAsync(FailSecondBatchSql);

        var failed = await ImportAsync([deals]);

        Assert.Equal(ImportRunState.Failed, failed.State);
        Assert.True(failed.CanResume);
        Assert.NotNull(failed.Error);
        var written = await H.QueryAsync(db => db.Deals.CountAsync()) - before;
        Assert.Equal(CrmImportJob.BatchSize, written);
        Assert.Equal(written + 1, failed.Done); // the company and the first batch of deals
        await using (var db = H.Db()) await db.Database.ExecuteSqlRawAsync(RepairSql);

        await H.Get<CrmImportService>().ResumeAsync(failed.Id);
        await Job().RunAsync(failed.Id);

        var resumed = (await H.Get<CrmImportService>().FindRunAsync(failed.Id))!;
        Assert.Equal(ImportRunState.Completed, resumed.State);
        Assert.Equal(1200, await H.QueryAsync(db => db.Deals.CountAsync()) - before);
        Assert.Equal(1200, await H.QueryAsync(db => db.ImportedRecords.CountAsync(r => r.Kind == ImportedKind.Deal && r.ExternalId.StartsWith("R"))));
        Assert.Equal(1, await H.QueryAsync(db => db.Clients.CountAsync(c => c.Name == company)));
    }

    [Theory]
    [InlineData("m1@demo.salescrm")]
    [InlineData("lead@demo.salescrm")]
    public async Task OnlyTheHeadAndTheAdminImport(string email)
    {
        await H.User.SignInAsAsync(email);
        var file = File("COMPANY.csv", BitrixCompanies(NewInn(), Unique("ООО А"), Unique("ООО Б"), "+7 495 000-00-00", Unique("ООО В")), Windows1251);
        await Assert.ThrowsAsync<AccessDeniedException>(() => PlanAsync([file]));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<CrmImportService>().StartAsync([file], false, "Europe/Moscow"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<CrmImportService>().RunsAsync());
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.AccessDenied && e.EntityType == "Import")));
    }
}

/// <summary>The import on SQLite, the embedded default (a copy of the demo database per test).</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SqliteCrmImport : CrmImportContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync() => (await TestDatabase.CopyAsync(), DatabaseProvider.Sqlite);

    protected override string FailSecondBatchSql =>
        "CREATE TRIGGER disk_full BEFORE INSERT ON Deals WHEN (SELECT COUNT(*) FROM ImportedRecords WHERE Kind = 3) >= 500 BEGIN SELECT RAISE(ABORT, 'disk full'); END;";

    protected override string RepairSql => "DROP TRIGGER disk_full;";
}

/// <summary>The import on a real PostgreSQL server started for the tests, with its own demo data.</summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class PostgreSqlCrmImport(PostgresServer server) : CrmImportContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync() =>
        (await server.CreateDemoDatabaseAsync(clients: 60, deals: 120), DatabaseProvider.PostgreSql);

    protected override string FailSecondBatchSql => """
        CREATE FUNCTION disk_full() RETURNS trigger AS $$
        BEGIN
            IF (SELECT COUNT(*) FROM "ImportedRecords" WHERE "Kind" = 3) >= 500 THEN RAISE EXCEPTION 'disk full'; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER disk_full BEFORE INSERT ON "Deals" FOR EACH ROW EXECUTE FUNCTION disk_full();
        """;

    protected override string RepairSql => "DROP TRIGGER disk_full ON \"Deals\"; DROP FUNCTION disk_full();";
}

using System.Globalization;
using Bogus;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>How much demo data to make.</summary>
public sealed record DemoScale(int Clients, int Deals, double ActivitiesPerDeal, int Leads, int ChunkSize = 2000, int Teams = 2, int ManagersPerTeam = 4)
{
    /// <summary>The embedded demo: 1,500 clients, 3,000 deals, ~30,000 activities, 800 leads; two teams of four (the demo logins).</summary>
    public static DemoScale Demo { get; } = new(1500, 3000, 10, 800);

    /// <summary>
    /// A benchmark dataset: the same generator, more deals, lighter history per deal, and a department's size — 20 teams of
    /// 10 managers (the demo logins lead and staff teams 1 and 2).
    /// </summary>
    public static DemoScale ForBenchmark(int deals) => new(Math.Max(200, deals / 2), deals, 1, 0, 10_000, Teams: 20, ManagersPerTeam: 10);
}

/// <summary>
/// Generates a realistic, deterministic Russian dataset for a corporate-insurance sales department:
/// the demo users, two teams, clients with valid (and a few invalid) INNs, deals with twelve months
/// of stage history, activities, tasks, proposals, competitor offers, approvals, contracts,
/// premium/loss years, plans and leads. Everything is made through the domain model, so the data
/// obeys the same rules as data entered by hand. The same code makes 3,000 deals for the demo and
/// a million for the benchmarks (written in chunks, without the audit trail).
/// </summary>
public sealed partial class DemoDataGenerator(Func<CrmDbContext> createContext, TimeProvider time, int seed = 20261123)
{
    public const string DemoPassword = "Demo123!";

    /// <summary>The inbound-leads API key of the demo: <c>X-Api-Key: demo-api-key</c>.</summary>
    public const string DemoApiKey = "demo-api-key";

    /// <summary>The office TV link of the demo: /board?token=demo-board-token shows team 1.</summary>
    public const string DemoBoardToken = "demo-board-token";

    /// <summary>The demo's telephony secret: call events signed with it are accepted (<c>X-Signature</c>, HMAC-SHA256).</summary>
    public const string DemoTelephonySecret = "demo-telephony-secret";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly Random _rnd = new(seed);
    private readonly Faker _faker = new("ru") { Random = new Randomizer(seed) };
    private readonly HashSet<string> _inns = [];
    private readonly BulkInsert _bulk = new();
    private DateTime _now;
    private DateTime _today;
    private Domain.Calendar.WorkingCalendar _calendar = default!;
    private int _contractSeq;
    private int _callSeq;

    private List<SellerInfo> _sellers = [];
    private Dictionary<int, int> _leadOfTeam = [];
    private List<int> _teamIds = [];
    private Dictionary<int, List<SellerInfo>> _sellersOfTeam = [];
    private int _headId;
    private int _underwriterId;
    private List<ProductRef> _products = [];
    private Dictionary<StageCode, PipelineStage> _stages = [];
    private readonly List<ClientRef> _clients = [];
    private readonly List<DealRef> _deals = [];

    private sealed record SellerInfo(int Id, int TeamId, StaffRole Role, ExperienceLevel Experience, string[] Territories,
        string[] Products, int Capacity);

    private sealed record ProductRef(int Id, string Code, bool IsComplex);

    private sealed record ClientRef(int Id, int OwnerId, int TeamId, string Region, string Industry);

    private sealed record DealRef(int Id, int OwnerId, int ClientId, DateTime CreatedAt, StageCode Stage, bool Stuck, bool Pending,
        ApprovalShape Approval, DateTime? ProposalSentAt);

    /// <summary>What became of a deal's discount request (none, or one of the cases the demo must show).</summary>
    private enum ApprovalShape { None, Other, PendingTeamLead, PendingHead, ApprovedByUnderwriting, SentBeforeApproval }

    /// <summary>A deal the demo must contain whatever the day: its owner, where it stands, and what it shows.</summary>
    private sealed record DealShape(SellerInfo Owner, StageCode Stage, bool Stuck = false, ApprovalShape Approval = ApprovalShape.None,
        DateTime? ClosedAt = null);

    /// <summary>The fixed demo accounts (README, demo logins); all share the password <see cref="DemoPassword"/>.</summary>
    public static readonly (string Email, string Name, StaffRole Role, int Team, ExperienceLevel Level, string[] Territories,
        string[] Industries, string[] Products, int HiredMonthsAgo)[] Staff =
    [
        ("admin@demo.salescrm", "Орлов Сергей Николаевич", StaffRole.Admin, 0, ExperienceLevel.Senior, [], [], [], 60),
        ("head@demo.salescrm", "Кузнецова Елена Викторовна", StaffRole.Head, 0, ExperienceLevel.Senior, [], [], [], 96),
        ("lead@demo.salescrm", "Волков Андрей Павлович", StaffRole.TeamLead, 1, ExperienceLevel.Senior,
            ["Москва", "Московская область"], ["Производство", "Строительство"], ["construction", "d-and-o"], 72),
        ("lead2@demo.salescrm", "Соколова Мария Игоревна", StaffRole.TeamLead, 2, ExperienceLevel.Senior,
            ["Санкт-Петербург", "Ленинградская область"], ["Логистика", "Энергетика"], ["construction", "cargo"], 64),
        ("m1@demo.salescrm", "Петров Иван Алексеевич", StaffRole.Manager, 1, ExperienceLevel.Senior,
            ["Москва"], ["Производство", "Логистика"], ["property", "cargo"], 40),
        ("m2@demo.salescrm", "Смирнова Ольга Дмитриевна", StaffRole.Manager, 1, ExperienceLevel.Senior,
            ["Московская область"], ["Строительство", "Недвижимость"], ["construction", "property"], 36),
        ("m3@demo.salescrm", "Козлов Дмитрий Сергеевич", StaffRole.Manager, 1, ExperienceLevel.Middle,
            ["Тверская область", "Калужская область", "Тульская область"], ["Торговля", "Сельское хозяйство"], ["vhi", "accident"], 20),
        ("m4@demo.salescrm", "Новикова Екатерина Андреевна", StaffRole.Manager, 1, ExperienceLevel.Junior,
            ["Ярославская область"], ["IT", "Финансы"], ["d-and-o", "liability"], 2),
        ("m5@demo.salescrm", "Морозов Алексей Викторович", StaffRole.Manager, 2, ExperienceLevel.Senior,
            ["Санкт-Петербург"], ["Логистика", "Производство"], ["cargo", "motor-fleet"], 50),
        ("m6@demo.salescrm", "Лебедева Наталья Олеговна", StaffRole.Manager, 2, ExperienceLevel.Middle,
            ["Ленинградская область"], ["Энергетика", "Строительство"], ["construction", "liability"], 26),
        ("m7@demo.salescrm", "Егоров Павел Игоревич", StaffRole.Manager, 2, ExperienceLevel.Middle,
            ["Новгородская область", "Псковская область"], ["Медицина", "Торговля"], ["vhi", "accident"], 18),
        ("m8@demo.salescrm", "Фёдорова Анастасия Романовна", StaffRole.Manager, 2, ExperienceLevel.Junior,
            ["Вологодская область", "Республика Карелия"], ["Сельское хозяйство", "Энергетика"], ["property", "motor-fleet"], 1),
        ("uw@demo.salescrm", "Зайцев Михаил Юрьевич", StaffRole.Underwriter, 0, ExperienceLevel.Senior, [], [], [], 84),
    ];

    /// <summary>Regions with the first two digits of their INNs, by team.</summary>
    private static readonly (string Region, string InnPrefix, int Team)[] Regions =
    [
        ("Москва", "77", 1), ("Московская область", "50", 1), ("Тверская область", "69", 1),
        ("Калужская область", "40", 1), ("Тульская область", "71", 1), ("Ярославская область", "76", 1),
        ("Санкт-Петербург", "78", 2), ("Ленинградская область", "47", 2), ("Новгородская область", "53", 2),
        ("Псковская область", "60", 2), ("Вологодская область", "35", 2), ("Республика Карелия", "10", 2),
    ];

    public static readonly string[] Industries =
        ["Производство", "Логистика", "Строительство", "Торговля", "IT", "Сельское хозяйство", "Энергетика", "Медицина",
         "Финансы", "Недвижимость"];

    private static readonly string[] NameRoots =
        ["Север", "Юг", "Волга", "Урал", "Балт", "Альфа", "Вектор", "Гранит", "Техно", "Строй", "Пром", "Агро", "Транс",
         "Мет", "Энерго", "Лес", "Хим", "Фарм", "Инвест", "Логистик", "Сервис", "Маш", "Снаб", "Торг", "Нева", "Ока",
         "Кама", "Дон", "Сибирь", "Полюс", "Меридиан", "Орион", "Стандарт", "Профи", "Мега", "Гео", "Эко", "Нефть",
         "Газ", "Медиа", "Софт", "Дата", "Кран", "Бетон", "Сталь", "Зерно", "Молоко", "Текстиль", "Авто", "Порт"];

    private static readonly string[] NameTails = ["", "", "", " Групп", " Плюс", "-М", " Холдинг", "-Сервис", " Логистика", "-Про"];

    private static readonly string[] Competitors =
        ["Ингосстрах", "РЕСО-Гарантия", "АльфаСтрахование", "Согаз", "ВСК", "Ренессанс Страхование", "Росгосстрах", "Сбербанк Страхование"];

    private static readonly string[] Positions =
        ["Генеральный директор", "Финансовый директор", "Главный бухгалтер", "Руководитель отдела закупок",
         "Директор по персоналу", "Риск-менеджер", "Юрист", "Коммерческий директор", "Директор по логистике"];

    private static readonly string[] MalePatronymics = ["Александрович", "Сергеевич", "Игоревич", "Владимирович", "Андреевич", "Петрович", "Николаевич", "Олегович"];
    private static readonly string[] FemalePatronymics = ["Александровна", "Сергеевна", "Игоревна", "Владимировна", "Андреевна", "Петровна", "Николаевна", "Олеговна"];

    private static readonly string[] CallComments =
        ["Обсудили условия программы", "Клиент просит расчёт до конца недели", "Уточнили перечень объектов",
         "ЛПР в отпуске, перезвонить", "Клиент сравнивает с текущим страховщиком", "Договорились о встрече в офисе клиента",
         "Запросили статистику убытков за 3 года", "Обсудили франшизу", "Клиент доволен расчётом, ждёт согласования бюджета",
         "Возражение по цене: показали разницу в покрытии"];

    private static readonly string[] MeetingComments =
        ["Презентация программы страхования", "Встреча с финансовым директором", "Осмотр склада и производственной площадки",
         "Переговоры по условиям и франшизе", "Обсуждение пролонгации", "Встреча с ЛПР и риск-менеджером"];

    private static readonly string[] EmailComments =
        ["Отправлен расчёт премии", "Направлен проект договора", "Запрошены документы для андеррайтинга",
         "Отправлено коммерческое предложение", "Направлены ответы на вопросы юриста"];

    private static readonly string[] NextSteps =
        ["Позвонить ЛПР по итогам расчёта", "Отправить проект договора", "Встреча с финансовым директором",
         "Получить статистику убытков", "Согласовать франшизу", "Уточнить перечень объектов", "Презентовать программу ДМС",
         "Направить обновлённое КП"];

    /// <summary>Receives a line per finished phase ("deals: 3,000 in 9.1 s"), for tools that show progress.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>
    /// The department's time zone (<c>Crm:TimeZone</c>): calendar dates (close dates, proposal validity, contract ends, plans,
    /// rituals, vacations) are the department's dates, stored as UTC midnight like every calendar date of the app.
    /// </summary>
    public TimeZoneInfo TimeZone { get; init; } =
        TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Moscow", out var moscow) ? moscow : TimeZoneInfo.Utc;

    /// <summary>Generates everything into an empty database.</summary>
    public async Task GenerateAsync(DemoScale scale, CancellationToken ct = default)
    {
        _now = time.GetUtcNow().UtcDateTime;
        _today = LocalDate(_now);
        _calendar = new Domain.Calendar.WorkingCalendar(TimeZone, Domain.Calendar.WorkingHours.Default, new Dictionary<int, Domain.Calendar.WorkingHours>(),
            Calendar.WorkingCalendarSource.Exceptions(_today.Year, []));
        await PhaseAsync("staff, teams, plans", () => CreateStaffAsync(scale, ct));
        // The bulk phases write into tables without their secondary indexes, built once at the end (on SQLite, BulkInsert).
        await BulkInsert.WithoutIndexesAsync(Open, async () =>
        {
            await PhaseAsync($"clients: {scale.Clients:N0}", () => CreateClientsAsync(scale, ct));
            await PhaseAsync($"deals: {scale.Deals:N0}", () => CreateDealsAsync(scale, ct));
        }, index => PhaseAsync("indexes", index), ct);
        await PhaseAsync($"leads: {scale.Leads:N0}", () => CreateLeadsAsync(scale, ct));
        await PhaseAsync("intake: queue, keys, capacities", () => CreateIntakeAsync(scale, ct));
        await PhaseAsync("renewals: contracts ending now, churn signals", () => CreateRenewalsAsync(scale, ct));
        await PhaseAsync("proposals: documents of the proposals sent", () => CreateProposalDocumentsAsync(ct));
    }

    /// <summary>
    /// Contracts from the year before the deal history, ending from six weeks ago to five weeks ahead (so /renewals has a
    /// 30-day list and a churn rate): the ended ones mostly renewed, some lost or lapsed; and churn signals on some of
    /// their clients (complaints, a new decision-maker), enough to put a few into the red zone.
    /// </summary>
    private async Task CreateRenewalsAsync(DemoScale scale, CancellationToken ct)
    {
        await using var db = Open();
        var count = Math.Clamp(scale.Clients / 20, 10, 200);
        var clients = await db.Clients.AsNoTracking().Where(c => c.Inn != null).OrderBy(c => c.Id).Select(c => new { c.Id, c.OwnerId }).Take(count * 3).ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Select(p => p.Id).ToListAsync(ct);
        var today = _today;
        var picked = clients.Where((_, i) => i % 3 == 0).Take(count).ToList();
        for (var i = 0; i < picked.Count; i++)
        {
            var c = picked[i];
            var end = today.AddDays(-42 + (i * 77 / Math.Max(1, picked.Count - 1)));
            var contract = new Contract(c.Id, products[_rnd.Next(products.Count)], c.OwnerId, $"СТР-{end.Year - 1}-{900_000 + i:000000}", end.AddYears(-1).AddDays(1), end,
                Money.FromRubles(_rnd.Next(20, 300) * 10_000), null);
            if (end < today)
            {
                var roll = _rnd.NextDouble();
                if (roll < 0.65) contract.MarkRenewed();
                else if (roll < 0.85) contract.MarkLost();
                else contract.Expire(_today);
            }
            db.Contracts.Add(contract);
        }
        await db.SaveChangesAsync(ct);

        // Whatever the day, every seller has a contract to renew in each horizon of /renewals (within 30, 60 and 90 days), on a
        // client with no complaint, so that each list holds work that is not yet in the red zone.
        var pickedIds = picked.Select(p => p.Id).ToList();
        var calm = await db.Clients.AsNoTracking()
            .Where(c => c.Inn != null && !pickedIds.Contains(c.Id) && !db.ClientSignals.Any(s => s.ClientId == c.Id)
                        && !db.Contracts.Any(k => k.ClientId == c.Id && k.State == ContractState.Active))
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.OwnerId }).ToListAsync(ct);
        var number = 0;
        foreach (var seller in _sellers)
        {
            var own = calm.Where(c => c.OwnerId == seller.Id).Take(3).ToList();
            for (var h = 0; h < own.Count; h++)
            {
                var end = today.AddDays(h * 30 + _rnd.Next(5, 26));
                db.Contracts.Add(new Contract(own[h].Id, products[_rnd.Next(products.Count)], seller.Id, $"СТР-{end.Year - 1}-{950_000 + number++:000000}",
                    end.AddYears(-1).AddDays(1), end, Money.FromRubles(_rnd.Next(20, 300) * 10_000), null));
            }
        }
        await db.SaveChangesAsync(ct);

        // Churn signals: a few clients with repeated complaints and a new decision-maker (red zone), some with one complaint.
        var signalled = await db.Clients.Where(c => picked.Select(p => p.Id).Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
        for (var i = 0; i < signalled.Count; i += 3)
        {
            var client = signalled[i];
            var severe = i % 9 == 0;
            for (var k = 0; k < (severe ? 3 : 1); k++)
                client.RecordSignal(ClientSignalKind.Complaint, _now.AddDays(-_rnd.Next(2, 80)),
                    Pick(["Задержка выплаты по убытку", "Недоволен сервисом урегулирования", "Ошибка в полисе", "Не отвечают на письма"]));
            if (severe) client.RecordSignal(ClientSignalKind.DecisionMakerChange, _now.AddDays(-_rnd.Next(5, 150)), "Новый финансовый директор");
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task PhaseAsync(string name, Func<Task> phase)
    {
        var started = time.GetTimestamp();
        await phase();
        Progress?.Invoke($"{name} in {time.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    // ---------------------------------------------------------------- helpers

    private CrmDbContext Open()
    {
        var db = createContext();
        db.BulkLoad = true;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        if (db.Database.IsSqlite())
        {
            // A bulk load into a fresh file: no fsync per chunk (a crash means generating again, nothing is lost).
            db.Database.OpenConnection();
            // No memory map (decision 0016).
            db.Database.ExecuteSqlRaw("PRAGMA synchronous=OFF; PRAGMA cache_size=-200000; PRAGMA mmap_size=0;");
        }
        return db;
    }

    /// <summary>Saves a chunk of the bulk phases: prepared inserts on SQLite (<see cref="BulkInsert"/>), EF Core elsewhere.</summary>
    private Task SaveBulkAsync(CrmDbContext db, CancellationToken ct) =>
        BulkInsert.Supports(db) ? _bulk.SaveAsync(db, ct) : db.SaveChangesAsync(ct);

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];

    private double LogNormal(double median, double sigma)
    {
        var u1 = 1.0 - _rnd.NextDouble();
        var u2 = _rnd.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return median * Math.Exp(sigma * z);
    }

    /// <summary>Moves a time into the department's working day (09:00–19:00 local time) on a working day of the production calendar, as UTC.</summary>
    private DateTime WorkingHours(DateTime at)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(at, TimeZone);
        var day = local.Date;
        while (!_calendar.IsWorkingDay(DateOnly.FromDateTime(day))) day = day.AddDays(-1);
        var minutes = 9 * 60 + (int)(local.TimeOfDay.TotalMinutes % (10 * 60));
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.AddMinutes(minutes).AddSeconds(local.Second), DateTimeKind.Unspecified), TimeZone);
    }

    /// <summary>The department's calendar date of an instant, stored as UTC midnight like every calendar date of the app.</summary>
    private DateTime LocalDate(DateTime utc) => DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone).Date, DateTimeKind.Utc);

    /// <summary>The instant the department's month <paramref name="offset"/> months from now begins.</summary>
    private DateTime MonthStartUtc(int offset) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(_today.Year, _today.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(offset), TimeZone);

    private string NewInn(string regionPrefix, bool entrepreneur)
    {
        while (true)
        {
            var digits = entrepreneur ? 8 : 7;
            var body = regionPrefix + string.Concat(Enumerable.Range(0, digits).Select(_ => (char)('0' + _rnd.Next(10))));
            var inn = Inn.Complete(body);
            if (_inns.Add(inn)) return inn;
        }
    }

    private string RandomPhone(string regionPrefix)
    {
        var code = regionPrefix switch { "77" or "50" => "495", "78" or "47" => "812", _ => "4" + _rnd.Next(10, 99).ToString(Inv) };
        return $"+7 ({code}) {_rnd.Next(200, 999)}-{_rnd.Next(10, 99)}-{_rnd.Next(10, 99)}";
    }

    private string RandomMobile() => $"+7 (9{_rnd.Next(10, 99)}) {_rnd.Next(200, 999)}-{_rnd.Next(10, 99)}-{_rnd.Next(10, 99)}";

    private static string Translit(string text)
    {
        var map = new Dictionary<char, string>
        {
            ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh",
            ['з'] = "z", ['и'] = "i", ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o",
            ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts",
            ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "sch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu",
            ['я'] = "ya",
        };
        return string.Concat(text.ToLowerInvariant().Select(c => map.TryGetValue(c, out var s) ? s : char.IsAsciiLetterOrDigit(c) ? c.ToString() : ""));
    }
}

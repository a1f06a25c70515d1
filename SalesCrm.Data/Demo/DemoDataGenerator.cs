using System.Globalization;
using Bogus;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>How much demo data to make.</summary>
public sealed record DemoScale(int Clients, int Deals, double ActivitiesPerDeal, int Leads, int ChunkSize = 2000)
{
    /// <summary>The embedded demo: 1,500 clients, 3,000 deals, ~30,000 activities, 800 leads.</summary>
    public static DemoScale Demo { get; } = new(1500, 3000, 10, 800);

    /// <summary>A benchmark dataset: the same generator, more deals, lighter history per deal.</summary>
    public static DemoScale ForBenchmark(int deals) => new(Math.Max(200, deals / 2), deals, 1, 0, 10_000);
}

/// <summary>
/// Generates a realistic, deterministic Russian dataset for a corporate-insurance sales department:
/// the demo users, two teams, clients with valid (and a few invalid) INNs, deals with twelve months
/// of stage history, activities, tasks, proposals, competitor offers, approvals, contracts,
/// premium/loss years, plans and leads. Everything is made through the domain model, so the data
/// obeys the same rules as data entered by hand. The same code makes 3,000 deals for the demo and
/// a million for the benchmarks (written in chunks, without the audit trail).
/// </summary>
public sealed class DemoDataGenerator(Func<CrmDbContext> createContext, TimeProvider time, int seed = 20261123)
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
    private DateTime _now;
    private DateTime _today;
    private Domain.Calendar.WorkingCalendar _calendar = default!;
    private int _contractSeq;
    private int _callSeq;

    private List<SellerInfo> _sellers = [];
    private Dictionary<int, int> _leadOfTeam = [];
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
        await PhaseAsync("staff, teams, plans", () => CreateStaffAsync(ct));
        await PhaseAsync($"clients: {scale.Clients:N0}", () => CreateClientsAsync(scale, ct));
        await PhaseAsync($"deals: {scale.Deals:N0}", () => CreateDealsAsync(scale, ct));
        await PhaseAsync($"leads: {scale.Leads:N0}", () => CreateLeadsAsync(scale, ct));
        await PhaseAsync("intake: queue, keys, capacities", () => CreateIntakeAsync(scale, ct));
        await PhaseAsync("renewals: contracts ending now, churn signals", () => CreateRenewalsAsync(scale, ct));
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

    // ---------------------------------------------------------------- staff, teams, plans

    private async Task CreateStaffAsync(CancellationToken ct)
    {
        await using var db = Open();
        var team1 = new Team("Команда 1");
        var team2 = new Team("Команда 2");
        db.Teams.AddRange(team1, team2);
        await db.SaveChangesAsync(ct);

        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, ct);
        var hasher = new PasswordHasher<AppUser>();
        var managers = new List<(Manager Manager, int Team)>();
        foreach (var s in Staff)
        {
            var user = new AppUser
            {
                UserName = s.Email,
                NormalizedUserName = s.Email.ToUpperInvariant(),
                Email = s.Email,
                NormalizedEmail = s.Email.ToUpperInvariant(),
                EmailConfirmed = true,
                FullName = s.Name,
                LockoutEnabled = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                PreferredCulture = "ru-RU",
            };
            user.PasswordHash = hasher.HashPassword(user, DemoPassword);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roles[s.Role.ToString()] });
            var teamId = s.Team switch { 1 => team1.Id, 2 => team2.Id, _ => (int?)null };
            var manager = new Manager(user.Id, s.Name, s.Email, s.Role, teamId, _now.AddMonths(-s.HiredMonthsAgo));
            var capacity = s.Level switch { ExperienceLevel.Senior => 80, ExperienceLevel.Middle => 60, _ => 40 };
            manager.SetProfile(s.Level, capacity, s.Territories, s.Industries, s.Products);
            manager.SetContacts($"+7 495 555-{10 + managers.Count:00}-{20 + managers.Count:00}", (101 + managers.Count).ToString(Inv));
            managers.Add((manager, s.Team));
            db.Managers.Add(manager);
        }
        await db.SaveChangesAsync(ct);

        // A vacation in the coming weeks (the distribution engine must skip m3 then).
        var m3 = managers.Single(m => m.Manager.Email == "m3@demo.salescrm").Manager;
        m3.AddAbsence(_today.AddDays(10), _today.AddDays(23), AbsenceKind.Vacation);

        _headId = managers.Single(m => m.Manager.Role == StaffRole.Head).Manager.Id;
        var board = new BoardToken("ТВ в офисе команды 1", team1.Id, DemoBoardToken, _headId, _now);
        db.BoardTokens.Add(board);
        SeedRituals(db, board, team1.Id, team2.Id);
        _underwriterId = managers.Single(m => m.Manager.Role == StaffRole.Underwriter).Manager.Id;
        _leadOfTeam = managers.Where(m => m.Manager.Role == StaffRole.TeamLead).ToDictionary(m => m.Manager.TeamId!.Value, m => m.Manager.Id);
        _sellers = managers.Where(m => m.Manager.Role == StaffRole.Manager)
            .Select(m => new SellerInfo(m.Manager.Id, m.Manager.TeamId!.Value, m.Manager.Role, m.Manager.Experience,
                [.. m.Manager.Territories], [.. m.Manager.ProductSpecializations], m.Manager.Capacity)).ToList();

        foreach (var seller in _sellers)
        {
            // Sized to what the generated pipeline wins (about 8 deals a month per manager at ~1.7 M ₽),
            // so attainment lands around 70–120 % and the board shows both heroes and laggards.
            var basePlan = seller.Experience switch
            {
                ExperienceLevel.Senior => 16_000_000m,
                ExperienceLevel.Middle => 12_000_000m,
                _ => 7_000_000m,
            };
            for (var offset = -12; offset <= 3; offset++)
            {
                var month = new DateTime(_today.Year, _today.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(offset);
                var target = Math.Round(basePlan * (decimal)(0.85 + _rnd.NextDouble() * 0.3) / 100_000m) * 100_000m;
                db.Plans.Add(new Plan(seller.Id, month.Year, month.Month, Money.FromRubles(target)));
            }
        }
        await db.SaveChangesAsync(ct);

        _products = await db.Products.Select(p => new ProductRef(p.Id, p.Code, p.IsComplex)).ToListAsync(ct);
        _stages = await db.Stages.ToDictionaryAsync(s => s.Code, ct);
    }

    /// <summary>
    /// Management rituals (diagnostics block 6): team 1's lead has the board on the office TV, opens the dashboard every
    /// working day and takes the weekly pack every Monday; team 2's lead stopped all of it three weeks ago and has no board.
    /// </summary>
    private void SeedRituals(CrmDbContext db, BoardToken board, int team1, int team2)
    {
        board.Seen(_now.AddMinutes(-5));
        foreach (var (team, from, to) in new[] { (team1, 0, 42), (team2, 21, 63) })
            for (var back = from; back < to; back++)
            {
                var day = _today.AddDays(-back);
                if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
                db.RitualMarks.Add(new RitualMark(team, RitualKind.Dashboard, day));
                if (day.DayOfWeek != DayOfWeek.Monday) continue;
                db.RitualMarks.Add(new RitualMark(team, RitualKind.WeeklyPack, day));
                db.RitualMarks.Add(new RitualMark(team, RitualKind.Reports, day));
            }
    }

    // ---------------------------------------------------------------- clients

    private async Task CreateClientsAsync(DemoScale scale, CancellationToken ct)
    {
        var made = 0;
        while (made < scale.Clients)
        {
            await using var db = Open();
            var batch = new List<Client>();
            var count = Math.Min(scale.ChunkSize, scale.Clients - made);
            for (var i = 0; i < count; i++, made++) batch.Add(MakeClient(made, batch));
            db.Clients.AddRange(batch);
            await db.SaveChangesAsync(ct);
            foreach (var c in batch)
            {
                var team = _sellers.First(s => s.Id == c.OwnerId).TeamId;
                _clients.Add(new ClientRef(c.Id, c.OwnerId, team, c.Region, c.Industry));
            }
        }
    }

    private Client MakeClient(int index, List<Client> batch)
    {
        var region = Regions[_rnd.Next(Regions.Length)];
        var teamSellers = _sellers.Where(s => s.TeamId == region.Team).ToList();
        var owner = _rnd.NextDouble() < 0.8
            ? teamSellers.FirstOrDefault(s => s.Territories.Contains(region.Region)) ?? Pick(teamSellers)
            : Pick(teamSellers);
        var industry = Pick(Industries);
        var createdAt = _now.AddDays(-_rnd.Next(30, 1500)).AddMinutes(_rnd.Next(0, 1440));
        var entrepreneur = _rnd.NextDouble() < 0.08;
        var root = Pick(NameRoots) + Pick(NameRoots).ToLowerInvariant();
        string name;
        if (entrepreneur)
        {
            var g = _faker.PickRandom<Gender>();
            name = $"ИП {_faker.Name.LastName(g)} {_faker.Name.FirstName(g)[0]}. {(g == Gender.Male ? Pick(MalePatronymics) : Pick(FemalePatronymics))[0]}.";
        }
        else
        {
            var form = _rnd.NextDouble() switch { < 0.72 => "ООО", < 0.92 => "АО", _ => "ПАО" };
            name = $"{form} «{root}{Pick(NameTails)}»";
        }
        var segment = entrepreneur ? ClientSegment.Small : _rnd.NextDouble() switch
        {
            < 0.35 => ClientSegment.Small,
            < 0.75 => ClientSegment.Medium,
            < 0.95 => ClientSegment.Large,
            _ => ClientSegment.Enterprise,
        };

        Client client;
        var roll = _rnd.NextDouble();
        if (roll < 0.012 && batch.Count > 10)
        {
            // A duplicate carried over from the old system: same INN, the name typed differently.
            var original = batch[_rnd.Next(batch.Count)];
            var sloppyName = original.Name.Replace("ООО «", "").Replace("ПАО «", "").Replace("АО «", "").Replace("»", "") + " ООО";
            client = Client.FromLegacy(sloppyName, original.Inn, null, original.Industry, original.Region, original.Segment,
                Pick(teamSellers).Id, createdAt);
            client.SetContacts(original.Phone, null, null);
            return client;
        }
        if (roll < 0.03)
        {
            // A legacy record whose INN fails the checksum or has the wrong length.
            var valid = NewInn(region.InnPrefix, entrepreneur);
            var broken = _rnd.NextDouble() < 0.7
                ? valid[..^1] + (char)('0' + (valid[^1] - '0' + 1 + _rnd.Next(8)) % 10)
                : valid[..^1];
            client = Client.FromLegacy(name, broken, null, industry, region.Region, segment, owner.Id, createdAt);
        }
        else
        {
            var inn = Inn.Parse(NewInn(region.InnPrefix, entrepreneur));
            var kpp = entrepreneur ? null : inn.Value[..4] + "01001";
            client = new Client(name, inn, kpp, industry, region.Region, segment, owner.Id, createdAt);
        }

        // The site of this company: its own name, so that two companies sharing a word in their names do not share an e-mail.
        var domain = Translit(name).ToLowerInvariant() + ".ru";
        client.SetContacts(RandomPhone(region.InnPrefix), _rnd.NextDouble() < 0.85 ? "info@" + domain : null,
            $"{region.Region}, {_faker.Address.StreetAddress()}");
        client.SetBranches(segment switch
        {
            ClientSegment.Enterprise => _rnd.Next(10, 60),
            ClientSegment.Large => _rnd.Next(2, 15),
            ClientSegment.Medium => _rnd.Next(0, 4),
            _ => 0,
        });
        client.MarkKey(segment >= ClientSegment.Large && _rnd.NextDouble() < 0.5);
        // A few clients came over from the old CRM with a hand-over it recorded without a reason (derived from the index, so the
        // random sequence of the dataset stays the same).
        if (index % 97 == 41 && teamSellers.Count > 1)
            client.HandOverFromLegacy(teamSellers.First(t => t.Id != owner.Id).Id, teamSellers[0].Id, createdAt.AddDays(index % 20 + 1));

        if (_rnd.NextDouble() > 0.03)
        {
            var contacts = _rnd.Next(1, 4);
            for (var c = 0; c < contacts; c++)
            {
                var g = _faker.PickRandom<Gender>();
                var first = _faker.Name.FirstName(g);
                var last = _faker.Name.LastName(g);
                var patronymic = g == Gender.Male ? Pick(MalePatronymics) : Pick(FemalePatronymics);
                var hasPhone = _rnd.NextDouble() < 0.9;
                var hasEmail = _rnd.NextDouble() < 0.8;
                client.AddContact($"{last} {first} {patronymic}", Pick(Positions), hasPhone ? RandomMobile() : null,
                    hasEmail ? $"{Translit(first)[0]}.{Translit(last)}@{domain}".ToLowerInvariant() : null,
                    c == 0 && _rnd.NextDouble() < 0.85, createdAt);
            }
            if (client.Contacts.Count > 1 && _rnd.NextDouble() < 0.04)
                client.MakeDecisionMaker(client.Contacts[^1], _now.AddDays(-_rnd.Next(5, 120)));
        }
        if (_rnd.NextDouble() < 0.04)
            client.RecordSignal(ClientSignalKind.Complaint, _now.AddDays(-_rnd.Next(1, 200)),
                Pick(["Задержка выплаты по убытку", "Недоволен сроками согласования", "Жалоба на работу ассистанса"]));

        if (_rnd.NextDouble() < 0.7)
        {
            var high = _rnd.NextDouble() < 0.1;
            int Index() => high ? _rnd.Next(60, 99) : _rnd.Next(5, 55);
            client.UpdateRisk(new RiskIndices(Index(), Index(), Index()), "СПАРК", _now.AddDays(-_rnd.Next(1, 90)));
        }

        if (_rnd.NextDouble() < 0.5)
        {
            var years = _rnd.Next(1, 5);
            for (var y = 1; y <= years; y++)
            {
                var premiums = Math.Round((decimal)LogNormal(1_500_000, 0.9) / 1000m) * 1000m;
                var lossRatio = Math.Min(1.6, LogNormal(0.35, 0.8));
                client.RecordPremiumLoss(_today.Year - y, Money.FromRubles(premiums),
                    Money.FromRubles(Math.Round(premiums * (decimal)lossRatio / 1000m) * 1000m));
            }
        }
        return client;
    }

    // ---------------------------------------------------------------- deals and their history

    private sealed class DealPlan
    {
        public required Deal Deal { get; init; }
        public bool Stuck { get; init; }
        public ApprovalShape Approval { get; set; }
        public DateTime? ProposalSentAt { get; set; }
        public List<(DateTime At, ActivityKind Kind, ActivityDirection Direction, int Minutes, bool Missed, string? Comment, string[] Tags, int Author)> Activities { get; } = [];
        public List<Func<int, CrmDbContext, object?>> After { get; } = [];
    }

    private async Task CreateDealsAsync(DemoScale scale, CancellationToken ct)
    {
        var made = 0;
        while (made < scale.Deals)
        {
            var count = Math.Min(scale.ChunkSize, scale.Deals - made);
            var plans = new List<DealPlan>();
            for (var i = 0; i < count; i++, made++) plans.Add(MakeDeal(scale));
            await SaveDealsAsync(plans, ct);
        }
        // A random sample can miss a case on some day; what the pages, the figures and the walkthroughs need is then added.
        var shapes = MissingShapes();
        for (var i = 0; i < shapes.Count; i += scale.ChunkSize)
            await SaveDealsAsync(shapes.Skip(i).Take(scale.ChunkSize).Select(shape => MakeDeal(scale, shape)).ToList(), ct);
    }

    /// <summary>
    /// The deals the demo must hold whatever the day it is generated (each one is added only when the random sample lacks it):
    /// for every seller, two open deals in every open stage that wait for no approval, a stuck deal, and a deal won last
    /// month from a proposal sent last month; for every team, requests waiting for the team lead and for the head, one
    /// approved through underwriting, and one proposal sent before its approval came back.
    /// </summary>
    private List<DealShape> MissingShapes()
    {
        var shapes = new List<DealShape>();
        var lastMonth = MonthStartUtc(-1);
        var thisMonth = MonthStartUtc(0);
        foreach (var seller in _sellers)
        {
            var own = _deals.Where(d => d.OwnerId == seller.Id).ToList();
            foreach (var stage in StageCodes.Open)
                for (var k = own.Count(d => d.Stage == stage && !d.Pending); k < 2; k++)
                    shapes.Add(new DealShape(seller, stage));
            if (!own.Any(d => d.Stuck)) shapes.Add(new DealShape(seller, StageCode.Negotiation, Stuck: true));
            if (!own.Any(d => d.Stage == StageCode.Won && d.ProposalSentAt >= lastMonth && d.ProposalSentAt < thisMonth))
                shapes.Add(new DealShape(seller, StageCode.Won, ClosedAt: lastMonth.AddDays(20).AddHours(9)));
        }
        foreach (var team in _sellers.GroupBy(s => s.TeamId))
        {
            var sellers = team.ToList();
            var deals = _deals.Where(d => sellers.Any(s => s.Id == d.OwnerId)).ToList();
            var next = 0;
            foreach (var (approval, stage, wanted) in new[]
                     {
                         (ApprovalShape.PendingTeamLead, StageCode.NeedsAnalysis, 2), (ApprovalShape.PendingHead, StageCode.NeedsAnalysis, 1),
                         (ApprovalShape.ApprovedByUnderwriting, StageCode.Negotiation, 1), (ApprovalShape.SentBeforeApproval, StageCode.Negotiation, 1),
                     })
                for (var k = deals.Count(d => d.Approval == approval); k < wanted; k++)
                    shapes.Add(new DealShape(sellers[next++ % sellers.Count], stage, Approval: approval));
        }
        return shapes;
    }

    private async Task SaveDealsAsync(List<DealPlan> plans, CancellationToken ct)
    {
        await using var db = Open();
        db.Deals.AddRange(plans.Select(p => p.Deal));
        await db.SaveChangesAsync(ct);

        foreach (var plan in plans)
        {
            var deal = plan.Deal;
            _deals.Add(new DealRef(deal.Id, deal.OwnerId, deal.ClientId, deal.CreatedAt, deal.Stage, plan.Stuck,
                deal.ApprovalState == ApprovalState.Pending, plan.Approval, plan.ProposalSentAt));
            foreach (var a in plan.Activities)
            {
                Activity activity;
                if (a.Kind == ActivityKind.Call && a.Tags.Length == 0)
                {
                    var callId = $"demo-{++_callSeq:000000}";
                    activity = Activity.FromCall(callId, a.Direction, a.At, a.Minutes * 60, a.Missed,
                        a.Missed ? null : $"https://pbx.demo.salescrm/rec/{callId}.mp3", a.Author, deal.Id, deal.ClientId, null, a.At,
                        a.Comment);
                }
                else
                {
                    activity = new Activity(a.Kind, a.At, a.Author, deal.Id, deal.ClientId, null, a.Direction, a.Minutes,
                        null, a.Comment, a.Tags, a.At);
                }
                db.Activities.Add(activity);
            }
            foreach (var after in plan.After)
            {
                switch (after(deal.Id, db))
                {
                    case TaskItem task: db.Tasks.Add(task); break;
                    case ApprovalRequest request: db.ApprovalRequests.Add(request); break;
                    case Contract contract: db.Contracts.Add(contract); break;
                }
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static readonly (StageCode Stage, int MinDays, int MaxDays)[] StageDurations =
    [
        (StageCode.New, 1, 4), (StageCode.Qualification, 2, 10), (StageCode.NeedsAnalysis, 3, 14),
        (StageCode.ProposalSent, 4, 20), (StageCode.Negotiation, 5, 25), (StageCode.ContractSigning, 2, 12),
    ];

    /// <summary>
    /// A deal being made: who and what it is for, where it ends up, the stages it went through and when (the entry into
    /// <see cref="Path"/>[i] at <see cref="Entries"/>[i]), and its plan so far.
    /// </summary>
    private sealed record DealCourse(DealShape? Shape, ClientRef Client, SellerInfo Owner, ProductRef Product, int TeamLead,
        StageCode Current, List<StageCode> Path, DateTime[] Entries, DateTime End, DealPlan Plan)
    {
        public Deal Deal => Plan.Deal;
        public DateTime CreatedAt => Entries[0];
        public DateTime LastEntry => Entries[^1];
        public ApprovalShape Approval => Shape?.Approval ?? ApprovalShape.None;
    }

    /// <summary>
    /// A deal of the random sample, or the one a <paramref name="shape"/> asks for. Every step draws from the seeded random
    /// stream, so the steps run in this order and no draw moves: the same seed makes the same dataset.
    /// </summary>
    private DealPlan MakeDeal(DemoScale scale, DealShape? shape = null)
    {
        var (client, owner, product, premiumRub) = PickDealParties(shape);
        // Decide where the deal ends up, then lay its stage entries out backwards from that moment.
        var (current, lastEntry, stuck) = DecideOutcome(shape);
        var path = StagePath(current);
        var entries = StageEntries(path, lastEntry, shape);
        var createdAt = entries[0];
        var end = current.IsClosed() ? lastEntry : _now;
        var deal = new Deal(client.Id, product.Id, owner.Id, Money.FromRubles(premiumRub), ExpectedClose(current, lastEntry, createdAt),
            _stages[StageCode.New], owner.Id, createdAt);
        var course = new DealCourse(shape, client, owner, product, _leadOfTeam[owner.TeamId], current, path, entries, end,
            new DealPlan { Deal = deal, Stuck = stuck });
        WalkStages(course);
        PlanActivities(course, scale);
        PlanNextStep(course);
        PlanDoneTasks(course);
        PlanContract(course);
        return course.Plan;
    }

    /// <summary>The client (mostly the owner's own), the owner (mostly the client's), the product (mostly one the owner knows) and the premium.</summary>
    private (ClientRef Client, SellerInfo Owner, ProductRef Product, decimal PremiumRub) PickDealParties(DealShape? shape)
    {
        var client = shape is null ? Pick(_clients) : Pick(_clients.Where(c => c.OwnerId == shape.Owner.Id).DefaultIfEmpty(_clients.First(c => c.TeamId == shape.Owner.TeamId)).ToList());
        var teamSellers = _sellers.Where(s => s.TeamId == client.TeamId).ToList();
        var owner = shape?.Owner ?? (_rnd.NextDouble() < 0.9 ? _sellers.First(s => s.Id == client.OwnerId) : Pick(teamSellers));
        var product = _rnd.NextDouble() < 0.6
            ? _products.FirstOrDefault(p => p.Code == Pick(owner.Products)) ?? Pick(_products)
            : Pick(_products);
        var premiumRub = Math.Round((decimal)Math.Clamp(LogNormal(1_200_000, 0.9), 80_000, 60_000_000) / 1000m) * 1000m;
        if (product.IsComplex) premiumRub *= 2;
        return (client, owner, product, premiumRub);
    }

    /// <summary>Where the deal ends up (won, lost or an open stage, stuck there or not) and when it entered that stage.</summary>
    private (StageCode Current, DateTime LastEntry, bool Stuck) DecideOutcome(DealShape? shape)
    {
        var roll = _rnd.NextDouble();
        var outcome = shape is not null ? (shape.Stage.IsClosed() ? shape.Stage : null)
            : roll < 0.25 ? StageCode.Won : roll < 0.52 ? StageCode.Lost : (StageCode?)null;
        if (outcome is not null)
            // Closed evenly over the past eleven months, so every month has a comparable number of wins.
            return (outcome.Value, shape?.ClosedAt ?? _now.AddDays(-(1 + _rnd.NextDouble() * 334)).AddMinutes(-_rnd.Next(0, 600)), false);
        var current = shape?.Stage ?? WeightedStage();
        var threshold = _stages[current].StuckAfterDays;
        var stuck = shape?.Stuck ?? _rnd.NextDouble() < 0.12;
        var daysIn = stuck ? threshold + 1 + _rnd.Next(0, 45) : _rnd.NextDouble() * (threshold - 0.5);
        return (current, _now.AddDays(-daysIn), stuck);
    }

    /// <summary>The stages the deal went through, from New to <paramref name="current"/> (a lost deal was lost from any open stage).</summary>
    private List<StageCode> StagePath(StageCode current)
    {
        var path = new List<StageCode> { StageCode.New };
        var lastOpen = current switch
        {
            StageCode.Won => StageCode.ContractSigning,
            StageCode.Lost => StageCodes.Open[_rnd.Next(StageCodes.Open.Count)],
            _ => current,
        };
        foreach (var s in StageCodes.Open.Skip(1)) if (s <= lastOpen) path.Add(s);
        if (current.IsClosed()) path.Add(current);
        return path;
    }

    /// <summary>When the deal entered each stage of its <paramref name="path"/>, laid out backwards from <paramref name="lastEntry"/>.</summary>
    private DateTime[] StageEntries(List<StageCode> path, DateTime lastEntry, DealShape? shape)
    {
        var entries = new DateTime[path.Count];
        entries[^1] = lastEntry;
        for (var i = path.Count - 2; i >= 0; i--)
        {
            var d = StageDurations.First(x => x.Stage == path[i]);
            // A deal that must close at a given moment moves briskly, so that its proposal went out in the same month.
            var spread = shape?.ClosedAt is null ? d.MaxDays - d.MinDays : 1;
            entries[i] = entries[i + 1].AddDays(-(d.MinDays + _rnd.NextDouble() * spread)).AddMinutes(-_rnd.Next(0, 300));
        }
        return entries;
    }

    /// <summary>The close date the deal expects: about when a closed deal closed; mostly ahead for an open one, a few overdue.</summary>
    private DateTime ExpectedClose(StageCode current, DateTime lastEntry, DateTime createdAt)
    {
        var expectedClose = current.IsClosed()
            ? LocalDate(lastEntry).AddDays(_rnd.Next(-10, 15))
            : _rnd.NextDouble() < 0.05 ? _today.AddDays(-_rnd.Next(1, 20)) : _today.AddDays(_rnd.Next(10, 150));
        if (expectedClose < LocalDate(createdAt)) expectedClose = LocalDate(createdAt).AddDays(_rnd.Next(20, 60));
        return expectedClose;
    }

    /// <summary>
    /// Moves the deal along its path as its people did: a discount request during needs analysis (a pending one stops the
    /// deal there), the proposal, competitors' offers in negotiation, the reason of a loss.
    /// </summary>
    private void WalkStages(DealCourse c)
    {
        var deal = c.Deal;
        var requestAt = ApprovalRequestTime(c);
        for (var i = 1; i < c.Path.Count; i++)
        {
            var at = c.Entries[i];
            if (requestAt is { } ra && ra < at)
            {
                PlanApproval(c, ra, c.Path[i] != StageCode.Lost ? at : (DateTime?)null, c.Current == StageCode.NeedsAnalysis);
                requestAt = null;
            }
            if (deal.ApprovalState == ApprovalState.Pending) break;
            var stage = c.Path[i];
            if (stage.RequiresProposal() && deal.Proposal is null || stage == StageCode.ProposalSent) PlanProposal(c, at);
            if (stage == StageCode.Negotiation && _rnd.NextDouble() < 0.35) PlanCompetitorOffer(c, at);
            var (reason, lossComment) = stage == StageCode.Lost ? DrawLoss() : (null, null);
            var mover = _rnd.NextDouble() < 0.9 ? c.Owner.Id : c.TeamLead;
            deal.MoveToStage(_stages[stage], mover, at, reason, lossComment);
            if (stage == StageCode.ProposalSent) c.Plan.ProposalSentAt = at;
        }
        if (requestAt is { } late && c.Current == StageCode.NeedsAnalysis)
            PlanApproval(c, late, null, true);
    }

    /// <summary>When a discount is asked for, 30 % into needs analysis; null when the deal asks for none.</summary>
    private DateTime? ApprovalRequestTime(DealCourse c)
    {
        var needsIndex = c.Path.IndexOf(StageCode.NeedsAnalysis);
        var approvalRoll = _rnd.NextDouble();
        var wantsApproval = c.Shape is null
            ? needsIndex >= 0 && approvalRoll < (c.Current == StageCode.NeedsAnalysis ? 0.3 : 0.1)
            : c.Shape.Approval != ApprovalShape.None;
        if (!wantsApproval) return null;
        var windowEnd = needsIndex + 1 < c.Entries.Length ? c.Entries[needsIndex + 1] : _now;
        return c.Entries[needsIndex] + (windowEnd - c.Entries[needsIndex]) * 0.3;
    }

    /// <summary>The proposal, prepared a few hours before the deal entered the stage at <paramref name="at"/>.</summary>
    private void PlanProposal(DealCourse c, DateTime at)
    {
        var prepared = at.AddHours(-_rnd.Next(2, 30));
        if (prepared < c.CreatedAt) prepared = at;
        var validUntil = c.Current == StageCode.ProposalSent && _rnd.NextDouble() < 0.25
            ? _today.AddDays(_rnd.Next(0, 3))
            : LocalDate(at).AddDays(_rnd.Next(10, 35));
        if (validUntil < LocalDate(prepared)) validUntil = LocalDate(prepared).AddDays(14);
        // The proposal offers the deal's premium (rounded up to a thousand): a lower one is a discount and needs an approval.
        _ = _rnd.NextDouble(); // the sample's random stream stays as it was
        var proposalPremium = Math.Ceiling(c.Deal.Premium.Rubles / 1000m) * 1000m;
        c.Deal.PrepareProposal(validUntil, Money.FromRubles(proposalPremium), prepared);
    }

    /// <summary>A competitor's offer, 5–20 % below the deal's premium, noted the day before <paramref name="at"/>.</summary>
    private void PlanCompetitorOffer(DealCourse c, DateTime at)
    {
        var offer = Math.Round(c.Deal.Premium.Rubles * (decimal)(0.8 + _rnd.NextDouble() * 0.15) / 1000m) * 1000m;
        c.Deal.AddCompetitorOffer(Pick(Competitors), Money.FromRubles(offer),
            Pick(["Франшиза 100 000 ₽", "Без франшизы, рассрочка 4 платежа", "Расширенное покрытие, лимит выше на 20 %", "Тот же объём покрытия"]),
            c.Owner.Id, at.AddDays(-1) > c.CreatedAt ? at.AddDays(-1) : at);
    }

    /// <summary>Why a deal was lost, and sometimes a comment.</summary>
    private (LossReason? Reason, string? Comment) DrawLoss()
    {
        var reason = _rnd.NextDouble() switch
        {
            < 0.30 => LossReason.Price,
            < 0.50 => LossReason.CompetitorTerms,
            < 0.62 => LossReason.NoBudget,
            < 0.74 => LossReason.Postponed,
            < 0.80 => LossReason.UnderwritingDeclined,
            < 0.94 => LossReason.NoResponse,
            _ => LossReason.Other,
        };
        var comment = reason == LossReason.Other
            ? Pick(["Клиент продлил договор с текущим страховщиком по просьбе собственника", "Объект продан", "Тендер отменён"])
            : _rnd.NextDouble() < 0.5 ? Pick(["Конкурент дал скидку 20 %", "Бюджет перенесён на следующий год", "Не удалось выйти на ЛПР"]) : null;
        return (reason, comment);
    }

    /// <summary>Activities over the deal's life; some open deals have gone quiet for over a week.</summary>
    private void PlanActivities(DealCourse c, DemoScale scale)
    {
        var (deal, createdAt) = (c.Deal, c.CreatedAt);
        var quiet = !deal.IsClosed && _rnd.NextDouble() < 0.2;
        var activityEnd = quiet ? _now.AddDays(-_rnd.Next(8, 30)) : c.End;
        if (activityEnd < createdAt) activityEnd = createdAt.AddHours(1);
        var n = (int)Math.Round(scale.ActivitiesPerDeal * (0.4 + _rnd.NextDouble() * 1.2));
        for (var i = 0; i < n; i++) PlanActivity(c, activityEnd);
        if (deal.Stage == StageCode.Won && c.Product.IsComplex)
            c.Plan.Activities.Add((c.LastEntry.AddHours(-3) > createdAt ? c.LastEntry.AddHours(-3) : createdAt, ActivityKind.Meeting, ActivityDirection.None, 90, false,
                "Подписание: закрыли возражения по франшизе, клиент выбрал расширенное покрытие", [ActivityTags.SuccessStory], c.Owner.Id));
        foreach (var a in c.Plan.Activities.Where(a => a.Kind != ActivityKind.Note && !a.Missed)) deal.TouchActivity(a.At);
    }

    /// <summary>One activity at a working hour between the deal's creation and <paramref name="activityEnd"/>.</summary>
    private void PlanActivity(DealCourse c, DateTime activityEnd)
    {
        var at = WorkingHours(c.CreatedAt + (activityEnd - c.CreatedAt) * _rnd.NextDouble());
        if (at < c.CreatedAt) at = c.CreatedAt.AddMinutes(_rnd.Next(5, 240));
        if (at > _now) at = _now.AddMinutes(-_rnd.Next(5, 120));
        var kind = DrawActivityKind();
        var inbound = kind is ActivityKind.Call or ActivityKind.Email or ActivityKind.Message && _rnd.NextDouble() < 0.3;
        var missed = kind == ActivityKind.Call && inbound && _rnd.NextDouble() < 0.12;
        var minutes = kind switch
        {
            ActivityKind.Call => missed ? 0 : _rnd.Next(1, 20),
            ActivityKind.Meeting => _rnd.Next(30, 120),
            _ => 0,
        };
        var comment = kind switch
        {
            ActivityKind.Call => missed ? null : Pick(CallComments),
            ActivityKind.Meeting => Pick(MeetingComments),
            ActivityKind.Email => Pick(EmailComments),
            ActivityKind.Message => "Переписка в мессенджере: уточнение деталей",
            _ => "Клиент просит учесть сезонность при расчёте",
        };
        var tags = kind is ActivityKind.Call or ActivityKind.Meeting && !missed && _rnd.NextDouble() < 0.07
            ? new[] { ActivityTags.ObjectionHandled }
            : [];
        var author = kind == ActivityKind.Meeting && _rnd.NextDouble() < 0.15 ? c.TeamLead : c.Owner.Id;
        var direction = kind is ActivityKind.Meeting or ActivityKind.Note ? ActivityDirection.None
            : inbound ? ActivityDirection.Inbound : ActivityDirection.Outbound;
        c.Plan.Activities.Add((at, kind, direction, minutes, missed, comment, tags, author));
    }

    private ActivityKind DrawActivityKind() => _rnd.NextDouble() switch
    {
        < 0.5 => ActivityKind.Call,
        < 0.75 => ActivityKind.Email,
        < 0.87 => ActivityKind.Meeting,
        < 0.95 => ActivityKind.Message,
        _ => ActivityKind.Note,
    };

    /// <summary>The next step: most open deals have one; some are overdue; some have none at all.</summary>
    private void PlanNextStep(DealCourse c)
    {
        if (c.Deal.IsClosed) return;
        var (owner, client, createdAt) = (c.Owner, c.Client, c.CreatedAt);
        var r = _rnd.NextDouble();
        var title = Pick(NextSteps);
        if (r < 0.72)
        {
            var due = WorkingHours(_now.AddHours(_rnd.Next(2, 14 * 24)));
            if (due <= _now) due = _now.AddDays(1);
            var createdTask = _now.AddHours(-_rnd.Next(1, 72));
            if (createdTask < createdAt) createdTask = createdAt;
            c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, title, owner.Id, owner.Id, due, id, client.Id, createdTask, null));
        }
        else if (r < 0.85)
        {
            var due = _now.AddDays(-_rnd.Next(1, 20));
            if (due < createdAt) due = createdAt.AddHours(4);
            c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, title, owner.Id, owner.Id, due, id, client.Id, due.AddDays(-3) > createdAt ? due.AddDays(-3) : createdAt, null));
        }
    }

    /// <summary>Follow-ups done over the deal's life (their titles and completions are drawn when the deal is saved).</summary>
    private void PlanDoneTasks(DealCourse c)
    {
        var (owner, client, createdAt, end) = (c.Owner, c.Client, c.CreatedAt, c.End);
        var doneTasks = _rnd.Next(0, 3);
        for (var i = 0; i < doneTasks; i++)
        {
            var due = createdAt + (end - createdAt) * _rnd.NextDouble();
            c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, Pick(NextSteps), owner.Id, owner.Id, due, id, client.Id, due.AddDays(-2) > createdAt ? due.AddDays(-2) : createdAt, due.AddHours(-_rnd.Next(0, 20))));
        }
    }

    /// <summary>A won deal becomes a one-year contract: these end over the next twelve months.</summary>
    private void PlanContract(DealCourse c)
    {
        if (c.Deal.Stage != StageCode.Won) return;
        var (client, product, owner) = (c.Client, c.Product, c.Owner);
        var start = LocalDate(c.Deal.ClosedAt!.Value).AddDays(_rnd.Next(1, 8));
        var number = $"СТР-{start.Year}-{++_contractSeq:000000}";
        var premium = c.Deal.Premium;
        c.Plan.After.Add((id, _) => new Contract(client.Id, product.Id, owner.Id, number, start, start.AddYears(1).AddDays(-1), premium, id));
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>What a deal's discount request asks for: from the premium <paramref name="Base"/> down to <paramref name="Requested"/>.</summary>
    private sealed record DiscountRequest(Money Base, Money Requested, string Justification, ApprovalRoute Route, DateTime At);

    /// <summary>
    /// A discount request asked at <paramref name="requestAt"/>: left waiting (when the deal may stay pending), or decided
    /// before <paramref name="decideBefore"/>, the deal's next stage entry.
    /// </summary>
    private void PlanApproval(DealCourse c, DateTime requestAt, DateTime? decideBefore, bool mayStayPending)
    {
        var shape = c.Approval;
        var discounts = shape switch
        {
            ApprovalShape.PendingTeamLead => [5, 8, 10],
            ApprovalShape.PendingHead => [12, 15, 18],
            ApprovalShape.ApprovedByUnderwriting => [25],
            _ => new[] { 5, 8, 10, 12, 15, 18, 25 },
        };
        var discount = Pick(discounts);
        var basePremium = c.Deal.Premium;
        var requested = new Money(basePremium.Kopecks - basePremium.Percent(discount).Kopecks);
        var justification = Pick(["Конкурент предложил премию ниже на 15 %", "Ключевой клиент, потенциал филиалов",
            "Хорошая история убытков за 3 года", "Кросс-продажа ДМС при согласовании скидки"]);
        var request = new DiscountRequest(basePremium, requested, justification, AuthorityMatrix.Default.RouteFor(basePremium, requested), requestAt);
        var pending = shape is ApprovalShape.PendingTeamLead or ApprovalShape.PendingHead
            || shape == ApprovalShape.None && mayStayPending && (decideBefore is null || _rnd.NextDouble() < 0.5);
        c.Deal.SetApprovalState(ApprovalState.Pending, null, requestAt);
        if (pending) PlanPendingApproval(c, request);
        else PlanDecidedApproval(c, request, decideBefore);
    }

    private void PlanPendingApproval(DealCourse c, DiscountRequest r)
    {
        var owner = c.Owner;
        // Most open requests are fresh (asked within the SLA of a day); about a quarter are older and show the
        // SLA escalation at work. Derived from the premium, so the random sequence of the dataset stays the same.
        var thousands = r.Base.Kopecks / 100_000;
        // A request the demo must show waiting is an hour old at most, so the SLA has not moved it on by the time anyone looks.
        var asked = c.Approval != ApprovalShape.None ? Max(r.At, _now.AddMinutes(-(30 + thousands % 60)))
            : thousands % 4 == 0 ? r.At : Max(r.At, _now.AddMinutes(-(30 + thousands % 1300)));
        // Only a request asked in the last two hours counts as one waiting for the team lead: an older one may be past the
        // SLA by the time the demo is looked at, and the SLA scan moves it on to the head.
        c.Plan.Approval = r.Route != ApprovalRoute.TeamLead ? ApprovalShape.PendingHead
            : asked >= _now.AddHours(-2) ? ApprovalShape.PendingTeamLead : ApprovalShape.Other;
        c.Plan.After.Add((id, _) => new ApprovalRequest(id, ApprovalKind.Discount, r.Base, r.Requested, r.Justification,
            null, owner.Id, AuthorityMatrix.Default, asked, owner.Role));
    }

    private void PlanDecidedApproval(DealCourse c, DiscountRequest r, DateTime? decideBefore)
    {
        var (owner, teamLead, shape, requestAt) = (c.Owner, c.TeamLead, c.Approval, r.At);
        var approved = shape is ApprovalShape.ApprovedByUnderwriting or ApprovalShape.SentBeforeApproval || _rnd.NextDouble() < 0.75;
        var decidedAt = requestAt.AddHours(_rnd.Next(1, 30));
        if (decideBefore is { } limit && decidedAt >= limit) decidedAt = requestAt + (limit - requestAt) / 2;
        // In about one approved request in ten the old process let the proposal go out before the approval came back: the
        // approval record is decided after the sending (the data-quality audit finds it in the history).
        var sentEarly = approved && decideBefore is not null
            && (shape == ApprovalShape.SentBeforeApproval || shape == ApprovalShape.None && r.Base.Kopecks / 100_000 % 10 == 7);
        var recordedDecision = sentEarly ? decideBefore!.Value.AddHours(3) : decidedAt;
        c.Plan.Approval = sentEarly ? ApprovalShape.SentBeforeApproval
            : approved && r.Route == ApprovalRoute.HeadAndUnderwriter ? ApprovalShape.ApprovedByUnderwriting
            : ApprovalShape.Other;
        c.Deal.SetApprovalState(approved ? ApprovalState.Approved : ApprovalState.Rejected, approved ? r.Requested : null, decidedAt);
        if (!approved) c.Deal.SetApprovalState(ApprovalState.NotRequired, null, decidedAt);
        c.Plan.After.Add((id, _) =>
        {
            var request = new ApprovalRequest(id, ApprovalKind.Discount, r.Base, r.Requested, r.Justification, null, owner.Id,
                AuthorityMatrix.Default, requestAt, owner.Role);
            if (!approved)
            {
                var role = request.Level == ApprovalLevel.TeamLead ? StaffRole.TeamLead : StaffRole.Head;
                request.Reject(role == StaffRole.TeamLead ? teamLead : _headId, role, "Убыточность клиента выше нормы, скидку не даём", decidedAt);
                return request;
            }
            if (request.Level == ApprovalLevel.TeamLead) request.Approve(teamLead, StaffRole.TeamLead, null, recordedDecision);
            else
            {
                request.Approve(_headId, StaffRole.Head, "Согласовано с учётом потенциала клиента", recordedDecision);
                if (request.IsPending) request.Approve(_underwriterId, StaffRole.Underwriter, "Риск приемлемый", recordedDecision);
            }
            return request;
        });
    }

    private StageCode WeightedStage() => _rnd.NextDouble() switch
    {
        < 0.10 => StageCode.New,
        < 0.30 => StageCode.Qualification,
        < 0.50 => StageCode.NeedsAnalysis,
        < 0.70 => StageCode.ProposalSent,
        < 0.88 => StageCode.Negotiation,
        _ => StageCode.ContractSigning,
    };

    // ---------------------------------------------------------------- leads

    private async Task CreateLeadsAsync(DemoScale scale, CancellationToken ct)
    {
        if (scale.Leads == 0) return;
        var dealsByOwner = _deals.GroupBy(d => d.OwnerId).ToDictionary(g => g.Key, g => g.OrderBy(d => d.CreatedAt).ToList());
        var used = new HashSet<int>();
        await using var db = Open();
        var contacts = new List<(Lead Lead, DateTime At, int Author)>();
        var qualify = new List<(Lead Lead, DealRef Deal, DateTime At)>();
        for (var i = 0; i < scale.Leads; i++)
        {
            var createdAt = _now.AddDays(-Math.Pow(_rnd.NextDouble(), 1.6) * 365).AddMinutes(-_rnd.Next(0, 600));
            if (_rnd.NextDouble() < 0.85) createdAt = WorkingHours(createdAt);
            if (createdAt > _now) createdAt = _now.AddMinutes(-_rnd.Next(3, 60));
            var channel = _rnd.NextDouble() switch
            {
                < 0.35 => LeadChannel.Website,
                < 0.55 => LeadChannel.Phone,
                < 0.67 => LeadChannel.Email,
                < 0.77 => LeadChannel.Messenger,
                < 0.87 => LeadChannel.Campaign,
                < 0.95 => LeadChannel.Referral,
                _ => LeadChannel.Partner,
            };
            // The first leads go one to each seller's territory, so that every inbox has leads whatever the sample.
            var region = i < _sellers.Count && Regions.Any(r => _sellers[i].Territories.Contains(r.Region))
                ? Regions.First(r => _sellers[i].Territories.Contains(r.Region))
                : Regions[_rnd.Next(Regions.Length)];
            Dictionary<string, string>? tags = channel switch
            {
                LeadChannel.Website or LeadChannel.Campaign when _rnd.NextDouble() > 0.1 => new()
                {
                    ["utm_source"] = Pick(["yandex", "google", "vk", "telegram"]),
                    ["utm_campaign"] = Pick(["q4-property", "dms-2026", "cargo-autumn", "brand"]),
                },
                LeadChannel.Partner => new() { ["partner"] = Pick(["Брокер «Риск-Консалт»", "Лизинговая компания «Финлайн»"]) },
                LeadChannel.Referral => new() { ["referrer"] = "Клиент" },
                _ => _rnd.NextDouble() < 0.5 ? new() { ["source"] = channel.ToString().ToLowerInvariant() } : null,
            };
            var g = _faker.PickRandom<Gender>();
            var root = Pick(NameRoots) + Pick(NameRoots).ToLowerInvariant();
            var lead = new Lead(channel, $"ООО «{root}»", _rnd.NextDouble() < 0.6 ? NewInn(region.InnPrefix, false) : null,
                $"{_faker.Name.FirstName(g)} {_faker.Name.LastName(g)}", _rnd.NextDouble() < 0.9 ? RandomMobile() : null,
                $"{Translit(root).ToLowerInvariant()}@{Pick(["mail.ru", "yandex.ru", "gmail.com"])}",
                Pick(_products).Code, region.Region, Pick(Industries),
                Pick(["Нужна страховка склада", "Прошу расчёт ДМС на 120 сотрудников", "Интересует страхование грузов", "Продление полиса, ищем условия лучше", null]),
                tags, createdAt);
            var assignee = _sellers.FirstOrDefault(s => s.Territories.Contains(region.Region))
                           ?? Pick(_sellers.Where(s => s.TeamId == region.Team).ToList());
            var assignedAt = createdAt.AddSeconds(_rnd.Next(1, 90));
            lead.AssignTo(assignee.Id, AssignmentReason.Territory, null, null,
                $"территория: {region.Region}; загрузка {_rnd.Next(20, assignee.Capacity)}/{assignee.Capacity}", assignedAt);
            db.Leads.Add(lead);

            var ageDays = (_now - createdAt).TotalDays;
            if (_rnd.NextDouble() < 0.86)
            {
                var minutes = LogNormal(7, 0.9);
                if (TimeZoneInfo.ConvertTimeFromUtc(createdAt, TimeZone).Hour is < 9 or >= 19) minutes += 12 * 60 * _rnd.NextDouble();
                var contactAt = createdAt.AddMinutes(Math.Min(minutes, 3 * 24 * 60));
                if (contactAt > _now) continue;
                contacts.Add((lead, contactAt, assignee.Id));
                lead.RecordContact(contactAt);
                if (ageDays > 14)
                {
                    if (_rnd.NextDouble() < 0.45 && dealsByOwner.TryGetValue(assignee.Id, out var list))
                    {
                        var deal = list.FirstOrDefault(d => d.CreatedAt > contactAt && !used.Contains(d.Id));
                        if (deal is not null)
                        {
                            used.Add(deal.Id);
                            qualify.Add((lead, deal, deal.CreatedAt));
                            continue;
                        }
                    }
                    if (_rnd.NextDouble() < 0.6)
                        lead.Disqualify(Pick(["Нет потребности", "Частное лицо, не наш сегмент", "Дубль заявки", "Не устроили сроки"]), contactAt.AddDays(_rnd.Next(1, 10)));
                }
            }
            else if (ageDays > 7)
            {
                lead.Disqualify("Не удалось связаться", createdAt.AddDays(_rnd.Next(2, 7)));
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var (lead, at, author) in contacts)
            db.Activities.Add(new Activity(ActivityKind.Call, at, author, null, null, lead.Id, ActivityDirection.Outbound,
                _rnd.Next(2, 10), "Первый контакт", "Выявили потребность, договорились о следующем шаге", null, at));
        foreach (var (lead, deal, at) in qualify) lead.Qualify(deal.ClientId, deal.Id, at);
        await db.SaveChangesAsync(ct);
    }

    // ---------------------------------------------------------------- intake

    /// <summary>
    /// What the lead intake needs to behave as in a live department: the demo API key; the de-duplication keys of
    /// the open leads; team 2 distributing by hand with a few fresh leads waiting in its queue; and capacities
    /// sized to each seller's generated load (70–95 %, the junior of team 1 over it), so that the engine has room.
    /// </summary>
    private async Task CreateIntakeAsync(DemoScale scale, CancellationToken ct)
    {
        await using var db = Open();
        db.ApiKeys.Add(new ApiKey("Сайт и формы (демо)", DemoApiKey, _headId, _now.AddMonths(-6)));
        db.IntegrationSecrets.Add(new IntegrationSecret(IntegrationKind.Telephony, DemoTelephonySecret, _headId, _now.AddMonths(-6)));

        var taken = new HashSet<string>();
        foreach (var (id, inn, phone, email) in (await db.Leads.AsNoTracking()
                     .Where(l => l.Status == LeadStatus.New || l.Status == LeadStatus.InWork)
                     .OrderByDescending(l => l.CreatedAt)
                     .Select(l => new { l.Id, l.Inn, l.PhoneNormalized, l.EmailNormalized }).ToListAsync(ct))
                 .Select(l => (l.Id, l.Inn, l.PhoneNormalized, l.EmailNormalized)))
        {
            foreach (var key in new[] { inn is null ? null : "inn:" + inn, phone is null ? null : "phone:" + phone, email is null ? null : "email:" + email })
                if (key is not null && taken.Add(key)) db.LeadDedupKeys.Add(new LeadDedupKey(key, id));
        }

        if (scale.Leads > 0)
        {
            var team2 = await db.Teams.AsTracking().SingleAsync(t => t.Name == "Команда 2", ct);
            team2.SetAutoAssign(false);
            db.Update(team2);
            var queued = new[]
            {
                ("ООО «Балтийский терминал»", "Санкт-Петербург", "cargo", "Логистика", "Нужна страховка грузов на год, 40 рейсов в месяц", 4),
                ("АО «Невская энергосеть»", "Ленинградская область", "property", "Энергетика", "Прошу расчёт страхования подстанций", 18),
                ("ООО «Северный склад»", "Санкт-Петербург", "property", "Торговля", null, 35),
                ("ООО «Карельский лес»", "Республика Карелия", "liability", "Сельское хозяйство", "Ответственность перед третьими лицами", 52),
            };
            foreach (var (company, region, product, industry, comment, minutesAgo) in queued)
            {
                var at = _now.AddMinutes(-minutesAgo);
                var prefix = Regions.First(r => r.Region == region).InnPrefix;
                var lead = new Lead(LeadChannel.Website, company, NewInn(prefix, false), $"{_faker.Name.FirstName()} {_faker.Name.LastName()}",
                    RandomMobile(), null, product, region, industry, comment,
                    new Dictionary<string, string> { ["utm_source"] = "yandex", ["utm_campaign"] = "q4-property" }, at);
                lead.QueueFor(team2.Id, at);
                db.Leads.Add(lead);
                foreach (var key in lead.DedupKeys().Where(taken.Add)) db.LeadDedupKeys.Add(new LeadDedupKey(key, lead));
            }
        }
        await db.SaveChangesAsync(ct);

        var deals = await db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .GroupBy(d => d.OwnerId).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
        var leads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))
            .GroupBy(l => l.AssigneeId!.Value).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
        var sellers = await db.Managers.AsTracking().Where(m => m.Role == StaffRole.Manager).OrderBy(m => m.Email).ToListAsync(ct);
        foreach (var m in sellers)
        {
            var load = deals.GetValueOrDefault(m.Id) + leads.GetValueOrDefault(m.Id);
            var target = m.Email switch { "m4@demo.salescrm" => 1.05, _ when m.Experience == ExperienceLevel.Senior => 0.7, _ => 0.85 };
            var capacity = Math.Clamp((int)Math.Ceiling(load / target / 10.0) * 10, m.Experience switch
            {
                ExperienceLevel.Senior => 80,
                ExperienceLevel.Middle => 60,
                _ => 40,
            }, 1000);
            m.SetProfile(m.Experience, capacity, m.Territories, m.Industries, m.ProductSpecializations);
            db.Update(m);
        }
        await db.SaveChangesAsync(ct);
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
            db.Database.ExecuteSqlRaw("PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;");
        }
        return db;
    }

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

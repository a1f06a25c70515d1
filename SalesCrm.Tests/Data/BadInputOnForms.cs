using SalesCrm.Domain.Tasks;
using SalesCrm.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Admin;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Coaching;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Proposals;
using SalesCrm.Domain.Proposals;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Data.Quality;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The bad-input catalogue of the forms: every form of the app calls one service method, and here each is called exactly
/// as its form calls it with what people (and broken clients) really send — empty fields, texts past their length,
/// negative and absurd amounts, dates in the past or centuries ahead, values outside their list. Each must be refused with
/// a message in Russian that names the problem (the form shows it on the field), and must write nothing at all: the whole
/// database is fingerprinted before and after. The forms' own input components cannot send a wrong type (a number field
/// sends a number), so wrong types and encodings are catalogued at the API and the imports (BadInputOnApis, BadInputInFiles).
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class BadInputOnForms(BadInputOnForms.World world) : IClassFixture<BadInputOnForms.World>
{
    /// <summary>One demo database for the whole catalogue and the records the cases aim at, made once.</summary>
    public sealed class World : IAsyncLifetime
    {
        public ServiceHarness H { get; private set; } = default!;
        public int M1 { get; private set; }
        public int M2 { get; private set; }
        public int Product { get; private set; }
        public int Client { get; private set; }
        public int Deal { get; private set; }
        /// <summary>Another deal of m1, for the cases that must be accepted (they write).</summary>
        public int SpareDeal { get; private set; }
        public int OpenLead { get; private set; }
        public int PendingRequest { get; private set; }
        public int Audit { get; private set; }
        public int AuditItem { get; private set; }
        public int Team { get; private set; }

        public DateTime Now => H.Time.GetUtcNow().UtcDateTime;

        public async ValueTask InitializeAsync()
        {
            H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
            var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
            M1 = m1.ManagerId;
            M2 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync());
            Team = await H.QueryAsync(db => db.Managers.Where(m => m.Id == M1).Select(m => m.TeamId!.Value).SingleAsync());
            Product = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
            Client = await H.QueryAsync(db => db.Clients.Where(c => c.OwnerId == M1).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
            Deal = (await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis)).Id;
            SpareDeal = (await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis, Deal)).Id;

            // A request waiting for the team lead (5 % off another deal of m1).
            var other = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification, Deal, SpareDeal);
            PendingRequest = await H.Get<ApprovalService>().RequestAsync(other.Id,
                new ApprovalInput(ApprovalKind.Discount, other.PremiumKopecks * 95 / 100, "Клиент просит 5 %", null));

            var intake = await H.Get<LeadIntakeService>().SubmitAsync(
                new LeadSubmission("ООО «Каталог»", null, "Пётр", "+7 495 765-43-21", null, null, null, "Москва", null, null, null),
                new IntakeSource(null, "Тест", M1, LeadChannel.Phone), null);
            OpenLead = intake.LeadId!.Value;
            await H.QueryAsync(async db =>
            {
                var lead = await db.Leads.SingleAsync(l => l.Id == OpenLead);
                if (lead.AssigneeId != M1) lead.AssignTo(M1, AssignmentReason.Other, "каталог", null, null, Now);
                return await db.SaveChangesAsync();
            });

            await H.User.SignInAsAsync("lead@demo.salescrm");
            Audit = await H.Get<QualityAuditService>().StartAsync(M1, 1);
            AuditItem = await H.QueryAsync(db => db.QualityAudits.Where(a => a.Id == Audit).SelectMany(a => a.Items).Select(i => i.Id).SingleAsync());
        }

        public async Task<int> DealVersionAsync() => await H.QueryAsync(db => db.Deals.Where(d => d.Id == Deal).Select(d => d.Version).SingleAsync());

        public async Task<int> ClientVersionAsync() => await H.QueryAsync(db => db.Clients.Where(c => c.Id == Client).Select(c => c.Version).SingleAsync());

        public async Task<int> RequestVersionAsync() =>
            await H.QueryAsync(db => db.ApprovalRequests.Where(a => a.Id == PendingRequest).Select(a => a.Version).SingleAsync());

        public async ValueTask DisposeAsync() => await H.DisposeAsync();
    }

    /// <summary>A form, what was typed into it, who typed it, the call the form makes, and what the message must say.</summary>
    public sealed record Case(string Form, string Input, string User, Func<World, Task> Submit, string Message);

    private const string M1 = "m1@demo.salescrm", Lead = "lead@demo.salescrm", Head = "head@demo.salescrm", Admin = "admin@demo.salescrm";
    private static readonly string Long4001 = new('я', 4001);
    private static readonly DateTime Year9999 = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static ClientInput ValidClient(string? name = "ООО «Каталог Плюс»", string inn = "7736050003", string? kpp = null, int branches = 0,
        string? phone = "+7 495 111-22-33", string? email = null, ClientSegment segment = ClientSegment.Small, string industry = "IT", string region = "Москва") =>
        new(name!, inn, kpp, industry, region, segment, phone, email, null, branches, false);

    private static ActivityInput Activity(World w, ActivityKind kind = ActivityKind.Call, DateTime? at = null, int minutes = 10, string? outcome = null,
        string? comment = "Созвонились") =>
        new(kind, at ?? w.Now.AddHours(-1), ActivityDirection.Outbound, minutes, outcome, comment, null);

    private static UserInput Person(World w, string name = "Петров Пётр", string email = "petrov@demo.salescrm", StaffRole role = StaffRole.Manager,
        int? team = -1, string? phone = null) => new(name, email, role, team == -1 ? w.Team : team, phone, null);

    private static ProfileInput Profile(int capacity = 20, string[]? products = null) =>
        new(ExperienceLevel.Middle, capacity, ["Москва"], ["IT"], products ?? []);

    private static LeadSubmission NewLead(string? company = "ООО «Новый лид»", string? inn = null, string? phone = "+7 495 000-11-22", string? email = null,
        string? comment = null, string? channel = null, string? contact = "Анна") =>
        new(company, inn, contact, phone, email, null, channel, "Москва", null, comment, null);

    public static readonly IReadOnlyList<Case> Cases =
    [
        // Client card (ClientDialog → ClientService.CreateAsync / UpdateAsync)
        new("Карточка клиента", "NUL в наименовании", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(name: "ООО «Ро\0машка»")), "невидимые или управляющие"),
        new("Карточка клиента", "разворот текста (U+202E) в наименовании", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(name: "ООО «\u202Eакшамор»")), "невидимые или управляющие"),
        new("Карточка клиента", "пробел нулевой ширины в наименовании", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(name: "ООО «Ром\u200Bашка»")), "невидимые или управляющие"),
        new("Карточка клиента", "пустое наименование", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(name: "  ")), "Заполните поле «Наименование»"),
        new("Карточка клиента", "наименование 301 символ", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(name: new string('Ж', 301))), "«Наименование» длиннее 300"),
        new("Карточка клиента", "ИНН с неверной контрольной суммой", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(inn: "7707083894")), "ИНН"),
        new("Карточка клиента", "ИНН с буквами", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(inn: "77O7O83893")), "ИНН"),
        new("Карточка клиента", "КПП с буквами", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(kpp: "77010100Ф")), "КПП"),
        new("Карточка клиента", "отрицательное число филиалов", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(branches: -3)), "филиалов"),
        new("Карточка клиента", "e-mail без @", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(email: "office.romashka.ru")), "e-mail"),
        new("Карточка клиента", "телефон из букв", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(phone: "позвонить Ивану")), "елефон"),
        new("Карточка клиента", "сегмент вне списка", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(segment: (ClientSegment)42)), "сегмент"),
        new("Карточка клиента", "без телефона и e-mail", M1, w => w.H.Get<ClientService>().CreateAsync(ValidClient(phone: null)), "телефон или e-mail"),
        new("Карточка клиента", "правка: пустая отрасль", M1, async w => await w.H.Get<ClientService>().UpdateAsync(w.Client, await w.ClientVersionAsync(), ValidClient(industry: "")), "«Отрасль»"),
        new("Карточка клиента", "правка: регион 101 символ", M1, async w => await w.H.Get<ClientService>().UpdateAsync(w.Client, await w.ClientVersionAsync(), ValidClient(region: new string('р', 101))), "«Регион» длиннее 100"),

        // Contact (ContactDialog → ClientService.AddContactAsync)
        new("Контакт клиента", "пустое ФИО", M1, w => w.H.Get<ClientService>().AddContactAsync(w.Client, new ContactInput("", null, "+7 495 222-33-44", null, true)), "«ФИО контакта»"),
        new("Контакт клиента", "ФИО 201 символ", M1, w => w.H.Get<ClientService>().AddContactAsync(w.Client, new ContactInput(new string('И', 201), null, "+7 495 222-33-44", null, true)), "длиннее 200"),
        new("Контакт клиента", "телефон из 3 цифр", M1, w => w.H.Get<ClientService>().AddContactAsync(w.Client, new ContactInput("Иван Петров", null, "123", null, true)), "елефон"),
        new("Контакт клиента", "e-mail с пробелом", M1, w => w.H.Get<ClientService>().AddContactAsync(w.Client, new ContactInput("Иван Петров", null, null, "ivan petrov@mail.ru", true)), "e-mail"),

        // Client signal (SignalDialog → ClientService.RecordSignalAsync)
        new("Сигнал клиента", "вид вне списка", M1, w => w.H.Get<ClientService>().RecordSignalAsync(w.Client, (ClientSignalKind)7, "жалоба"), "что произошло"),
        new("Сигнал клиента", "комментарий 2001 символ", M1, w => w.H.Get<ClientService>().RecordSignalAsync(w.Client, ClientSignalKind.Complaint, new string('ж', 2001)), "длиннее 2000"),

        // New deal (NewDealDialog → DealService.CreateAsync)
        new("Новая сделка", "премия 0", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, 0, w.Now.AddMonths(1), null, "Позвонить", w.Now.AddDays(1)), "Премия должна быть больше нуля"),
        new("Новая сделка", "отрицательная премия", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, -500_000_00, w.Now.AddMonths(1), null, "Позвонить", w.Now.AddDays(1)), "больше нуля"),
        new("Новая сделка", "премия больше 100 млрд ₽ (long.MaxValue копеек)", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, long.MaxValue, w.Now.AddMonths(1), null, "Позвонить", w.Now.AddDays(1)), "Сумма вне допустимого диапазона"),
        new("Новая сделка", "дата закрытия в 9999 году", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, 100_000_00, Year9999, null, "Позвонить", w.Now.AddDays(1)), "не дальше трёх лет"),
        new("Новая сделка", "дата закрытия в прошлом", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, 100_000_00, w.Now.AddDays(-10), null, "Позвонить", w.Now.AddDays(1)), "уже прошла"),
        new("Новая сделка", "продукт, которого нет", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, 987_654, 100_000_00, w.Now.AddMonths(1), null, "Позвонить", w.Now.AddDays(1)), "Выберите продукт"),
        new("Новая сделка", "следующий шаг без названия", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, 100_000_00, w.Now.AddMonths(1), null, " ", w.Now.AddDays(1)), "следующего шага"),
        new("Новая сделка", "следующий шаг в 9999 году", M1, w => w.H.Get<DealService>().CreateAsync(w.Client, w.Product, 100_000_00, w.Now.AddMonths(1), null, "Позвонить", Year9999), "не дальше двух лет"),

        // New task or meeting (NewTaskDialog → TaskService.PlanAsync)
        new("Новая задача", "без названия", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.General, " ", w.Now.AddDays(1))), "«Задача»"),
        new("Новая задача", "срок в 9999 году", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.General, "Отчёт", Year9999)), "не дальше двух лет"),
        new("Новая задача", "вид вне списка", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan((TaskKind)77, "Отчёт", w.Now.AddDays(1))), "вид задачи"),
        new("Новая задача", "встреча без клиента", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.Meeting, "Встреча", w.Now.AddDays(1))), "выберите сделку или клиента"),
        new("Новая задача", "встреча на 9 часов", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.Meeting, "Встреча", w.Now.AddDays(1), w.Deal, DurationMinutes: 540)), "Длительность встречи"),
        new("Новая задача", "место 301 символ", M1, w => w.H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.Meeting, "Встреча", w.Now.AddDays(1), w.Deal, Place: new string('м', 301))), "длиннее 300"),

        // Deal terms, probability, proposal, notes (deal card dialogs → DealService)
        new("Условия сделки", "отрицательная премия", M1, async w => await w.H.Get<DealService>().UpdateTermsAsync(w.Deal, await w.DealVersionAsync(), -1, w.Now.AddMonths(1)), "больше нуля"),
        new("Условия сделки", "дата закрытия в 9999 году", M1, async w => await w.H.Get<DealService>().UpdateTermsAsync(w.Deal, await w.DealVersionAsync(), 100_000_00, Year9999), "не дальше трёх лет"),
        new("Вероятность", "−5 %", M1, async w => await w.H.Get<DealService>().SetProbabilityAsync(w.Deal, await w.DealVersionAsync(), -5), "от 0 до 100"),
        new("Вероятность", "150 %", M1, async w => await w.H.Get<DealService>().SetProbabilityAsync(w.Deal, await w.DealVersionAsync(), 150), "от 0 до 100"),
        new("КП", "срок действия в прошлом", M1, async w => await w.H.Get<DealService>().PrepareProposalAsync(w.Deal, await w.DealVersionAsync(), w.Now.AddDays(-2), 100_000_00), "уже прошёл"),
        new("КП", "срок действия в 9999 году", M1, async w => await w.H.Get<DealService>().PrepareProposalAsync(w.Deal, await w.DealVersionAsync(), Year9999, 100_000_00), "не более года"),
        new("Сценарий звонка", "возражение без ответа", Lead, w => w.H.Get<SalesCrm.Data.Engagement.CallScriptService>().SaveAsync(null, null,
            new SalesCrm.Data.Engagement.CallScriptInput("Первый звонок", StageCode.Qualification, null, "Представиться", "Дорого")), "возражение — ответ"),
        new("Сценарий звонка", "пустой текст", Lead, w => w.H.Get<SalesCrm.Data.Engagement.CallScriptService>().SaveAsync(null, null,
            new SalesCrm.Data.Engagement.CallScriptInput("Первый звонок", null, null, "   ", null)), "Текст сценария"),
        new("Сценарий звонка", "этап «Выиграна»", Lead, w => w.H.Get<SalesCrm.Data.Engagement.CallScriptService>().SaveAsync(null, null,
            new SalesCrm.Data.Engagement.CallScriptInput("После победы", StageCode.Won, null, "Поблагодарить", null)), "открытого этапа"),
        new("Новая версия КП", "вариант без страховой суммы", M1, w => w.H.Get<ProposalService>().GenerateAsync(w.Deal, new ProposalRequest(null, null, w.Now.AddDays(10),
            [new ProposalOptionInput("Базовый", 0, 0, Deal.MaxPremium.Kopecks, null)], 0)), "страховую сумму"),
        new("Новая версия КП", "франшиза больше страховой суммы", M1, w => w.H.Get<ProposalService>().GenerateAsync(w.Deal, new ProposalRequest(null, null, w.Now.AddDays(10),
            [new ProposalOptionInput("Базовый", 100_000_00, 200_000_00, Deal.MaxPremium.Kopecks, null)], 0)), "франшиза"),
        new("Новая версия КП", "вариант без названия", M1, w => w.H.Get<ProposalService>().GenerateAsync(w.Deal, new ProposalRequest(null, null, w.Now.AddDays(10),
            [new ProposalOptionInput("  ", 100_000_00, 0, Deal.MaxPremium.Kopecks, null)], 0)), "название"),
        new("Отправка КП", "письмо без темы", M1, w => w.H.Get<ProposalService>().SendAsync(1, "client@example.ru", "   ", "Добрый день", "http://localhost"), "тему письма"),
        new("КП", "премия КП отрицательная", M1, async w => await w.H.Get<DealService>().PrepareProposalAsync(w.Deal, await w.DealVersionAsync(), w.Now.AddDays(10), -100), "больше нуля"),
        new("Стратегия переговоров", "4001 символ", M1, async w => await w.H.Get<DealService>().SetNegotiationNotesAsync(w.Deal, new(null, Long4001), default), "длиннее 4000"),
        new("Договорённости", "4001 символ", M1, async w => await w.H.Get<DealService>().SetNegotiationNotesAsync(w.Deal, default, new(null, Long4001)), "длиннее 4000"),
        new("Проигрыш", "без причины", M1, async w => await w.H.Get<DealService>().MoveStageAsync(w.Deal, await w.DealVersionAsync(), StageCode.Lost), "причин"),
        new("Проигрыш", "«Другое» без комментария", M1, async w => await w.H.Get<DealService>().MoveStageAsync(w.Deal, await w.DealVersionAsync(), StageCode.Lost, LossReason.Other, " "), "опишите, почему"),
        new("Проигрыш", "причина вне списка", M1, async w => await w.H.Get<DealService>().MoveStageAsync(w.Deal, await w.DealVersionAsync(), StageCode.Lost, (LossReason)55), "причин"),
        new("После встречи", "без итога встречи", M1, async w => await w.H.Get<DealService>().AfterMeetingAsync(w.Deal, await w.DealVersionAsync(),
            new AfterMeetingInput("", 60, "Договорились", null, null, null, [])), "чем закончилась встреча"),
        new("После встречи", "задача в 9999 году", M1, async w => await w.H.Get<DealService>().AfterMeetingAsync(w.Deal, await w.DealVersionAsync(),
            new AfterMeetingInput("Обсудили тариф", 60, null, null, null, null, [("Отправить КП", Year9999)])), "не дальше двух лет"),
        new("После встречи", "задача без названия", M1, async w => await w.H.Get<DealService>().AfterMeetingAsync(w.Deal, await w.DealVersionAsync(),
            new AfterMeetingInput("Обсудили тариф", 60, null, null, null, null, [("", w.Now.AddDays(2))])), "Заполните поле «Задача»"),
        new("Предложение конкурента", "пустой конкурент", M1, w => w.H.Get<DealService>().AddCompetitorOfferAsync(w.Deal, " ", 90_000_00, null), "«Конкурент»"),
        new("Предложение конкурента", "отрицательная премия", M1, w => w.H.Get<DealService>().AddCompetitorOfferAsync(w.Deal, "Ингосстрах", -90_000_00, null), "больше нуля"),
        new("Предложение конкурента", "условия 2001 символ", M1, w => w.H.Get<DealService>().AddCompetitorOfferAsync(w.Deal, "Ингосстрах", 90_000_00, new string('у', 2001)), "длиннее 2000"),

        // Activity (ActivityDialog → DealService.LogActivityAsync)
        new("Активность", "звонок завтра", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, at: w.Now.AddDays(1))), "не могут быть в будущем"),
        new("Активность", "звонок в 9999 году", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, at: Year9999)), "не могут быть в будущем"),
        new("Активность", "звонок в 1900 году", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, at: new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc))), "слишком давняя"),
        new("Активность", "длительность −10 минут", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, minutes: -10)), "Длительность"),
        new("Активность", "длительность 100 000 минут", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, minutes: 100_000)), "Длительность"),
        new("Активность", "вид вне списка", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, kind: (ActivityKind)77)), "тип активности"),
        new("Активность", "пустая заметка", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, kind: ActivityKind.Note, minutes: 0, comment: " ")), "Заметка не может быть пустой"),
        new("Активность", "комментарий 4001 символ", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, comment: Long4001)), "длиннее 4000"),
        new("Активность", "результат 501 символ", M1, w => w.H.Get<DealService>().LogActivityAsync(w.Deal, Activity(w, outcome: new string('р', 501))), "«Результат» длиннее 500"),

        // Needs help, next step
        new("Нужна помощь", "причина вне списка", M1, w => w.H.Get<DealService>().AskForHelpAsync(w.Deal, (HelpReason)5, null), "с чем нужна помощь"),
        new("Нужна помощь", "комментарий 4001 символ", M1, w => w.H.Get<DealService>().AskForHelpAsync(w.Deal, HelpReason.VipClient, Long4001), "длиннее"),
        new("Следующий шаг", "пустое название", M1, w => w.H.Get<DealService>().SetNextStepAsync(w.Deal, "", w.Now.AddDays(1)), "Заполните поле «Задача»"),
        new("Следующий шаг", "срок вчера", M1, w => w.H.Get<DealService>().SetNextStepAsync(w.Deal, "Позвонить", w.Now.AddDays(-1)), "уже прошёл"),
        new("Следующий шаг", "срок в 9999 году", M1, w => w.H.Get<DealService>().SetNextStepAsync(w.Deal, "Позвонить", Year9999), "не дальше двух лет"),
        new("Следующий шаг", "название 301 символ", M1, w => w.H.Get<DealService>().SetNextStepAsync(w.Deal, new string('з', 301), w.Now.AddDays(1)), "длиннее 300"),

        // Approvals (ApprovalRequestDialog, the decision panel, the thread, the authority matrix in settings)
        new("Запрос скидки", "запрошенная премия больше премии сделки", M1, async w => await w.H.Get<ApprovalService>().RequestAsync(w.Deal, new ApprovalInput(ApprovalKind.Discount,
            await w.H.QueryAsync(db => db.Deals.Where(d => d.Id == w.Deal).Select(d => d.PremiumKopecks).SingleAsync()) + 1_000_00, "Клиент просит", null)), "больше базовой"),
        new("Запрос скидки", "отрицательная запрошенная премия", M1, w => w.H.Get<ApprovalService>().RequestAsync(w.Deal, new ApprovalInput(ApprovalKind.Discount, -5, "Клиент просит", null)), "больше нуля"),
        new("Запрос скидки", "без обоснования", M1, w => w.H.Get<ApprovalService>().RequestAsync(w.Deal, new ApprovalInput(ApprovalKind.Discount, 90_000_00, " ", null)), "«Обоснование»"),
        new("Запрос скидки", "обоснование 4001 символ", M1, w => w.H.Get<ApprovalService>().RequestAsync(w.Deal, new ApprovalInput(ApprovalKind.Discount, 90_000_00, Long4001, null)), "длиннее 4000"),
        new("Запрос скидки", "вид вне списка", M1, w => w.H.Get<ApprovalService>().RequestAsync(w.Deal, new ApprovalInput((ApprovalKind)9, 90_000_00, "Клиент просит", null)), "тип запроса"),
        new("Запрос скидки", "обоснование 2500 символов (длиннее уведомления)", M1, w => w.H.Get<ApprovalService>().RequestAsync(w.SpareDeal,
            new ApprovalInput(ApprovalKind.Discount, 90_000_00, new string('о', 2500), null)), Accepted),
        new("Решение по скидке", "отказ без комментария", Lead, async w => await w.H.Get<ApprovalService>().RejectAsync(w.PendingRequest, await w.RequestVersionAsync(), " "), "комментарий"),
        new("Решение по скидке", "эскалация без комментария", Lead, async w => await w.H.Get<ApprovalService>().EscalateAsync(w.PendingRequest, await w.RequestVersionAsync(), ApprovalLevel.Head, ""), "зачем нужна эскалация"),
        new("Решение по скидке", "комментарий 4001 символ", Lead, async w => await w.H.Get<ApprovalService>().ApproveAsync(w.PendingRequest, await w.RequestVersionAsync(), Long4001), "длиннее 4000"),
        new("Обсуждение согласования", "пустое сообщение", Lead, w => w.H.Get<ApprovalService>().CommentAsync(w.PendingRequest, "  "), "«Сообщение»"),
        new("Обсуждение согласования", "сообщение 4001 символ", Lead, w => w.H.Get<ApprovalService>().CommentAsync(w.PendingRequest, Long4001), "длиннее 4000"),
        new("Матрица полномочий", "лимит −5 %", Head, w => w.H.Get<ApprovalService>().SavePolicyAsync(-5, 20, 24), "от 0 до 100"),
        new("Матрица полномочий", "лимит 150 %", Head, w => w.H.Get<ApprovalService>().SavePolicyAsync(10, 150, 24), "от 0 до 100"),
        new("Матрица полномочий", "лимит старшего больше лимита начальника", Head, w => w.H.Get<ApprovalService>().SavePolicyAsync(30, 20, 24), "не может быть больше"),
        new("Матрица полномочий", "срок решения 0 часов", Head, w => w.H.Get<ApprovalService>().SavePolicyAsync(10, 20, 0), "от 1 до 720"),
        new("Матрица полномочий", "лимит 10,123 %", Head, w => w.H.Get<ApprovalService>().SavePolicyAsync(10.123m, 20, 24), "до сотых"),

        // Leads (NewLeadDialog, LeadContactDialog, QualifyDialog, DisqualifyDialog, AssignDialog, RedistributeDialog)
        new("Новый лид", "без телефона, e-mail и ИНН", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(phone: null)), "телефон, e-mail или ИНН"),
        new("Новый лид", "ИНН из 9 цифр", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(inn: "770708389")), "ИНН"),
        new("Новый лид", "компания 301 символ", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(company: new string('К', 301))), "длиннее 300"),
        new("Новый лид", "комментарий 4001 символ", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(comment: Long4001)), "длиннее 4000"),
        new("Новый лид", "e-mail «@@»", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(phone: null, email: "@@")), "e-mail"),
        new("Новый лид", "канал «голубиная почта»", Lead, w => w.H.Get<LeadService>().CreateAsync(NewLead(channel: "голубиная почта")), "канал"),
        new("Контакт с лидом", "комментарий 4001 символ", M1, w => w.H.Get<LeadService>().ContactAsync(w.OpenLead, ActivityKind.Call, Long4001), "длиннее 4000"),
        new("Квалификация лида", "премия 0", M1, w => w.H.Get<LeadService>().QualifyAsync(w.OpenLead, new QualifyInput(w.Product, 0, w.Now.AddMonths(1), "ООО «Каталог»",
            "7736050003", "IT", "Москва", ClientSegment.Small, "Позвонить", w.Now.AddDays(1), "+7 495 765-43-21")), "больше нуля"),
        new("Квалификация лида", "дата закрытия в 9999 году", M1, w => w.H.Get<LeadService>().QualifyAsync(w.OpenLead, new QualifyInput(w.Product, 100_000_00, Year9999, "ООО «Каталог»",
            "7736050003", "IT", "Москва", ClientSegment.Small, "Позвонить", w.Now.AddDays(1), "+7 495 765-43-21")), "не дальше трёх лет"),
        new("Квалификация лида", "ИНН с неверной контрольной суммой", M1, w => w.H.Get<LeadService>().QualifyAsync(w.OpenLead, new QualifyInput(w.Product, 100_000_00, w.Now.AddMonths(1), "ООО «Каталог»",
            "7736050004", "IT", "Москва", ClientSegment.Small, "Позвонить", w.Now.AddDays(1), "+7 495 765-43-21")), "ИНН"),
        new("Квалификация лида", "без названия клиента", M1, w => w.H.Get<LeadService>().QualifyAsync(w.OpenLead, new QualifyInput(w.Product, 100_000_00, w.Now.AddMonths(1), "",
            "7736050003", "IT", "Москва", ClientSegment.Small, "Позвонить", w.Now.AddDays(1), "+7 495 765-43-21")), "«Наименование»"),
        new("Дисквалификация лида", "без причины", M1, w => w.H.Get<LeadService>().DisqualifyAsync(w.OpenLead, " "), "«Причина дисквалификации»"),
        new("Дисквалификация лида", "причина 1001 символ", M1, w => w.H.Get<LeadService>().DisqualifyAsync(w.OpenLead, new string('п', 1001)), "длиннее 1000"),
        new("Назначение лида", "«Другое» без комментария", Lead, w => w.H.Get<AssignmentService>().AssignLeadsAsync([w.OpenLead], w.M2, AssignmentReason.Other, " "), "«Другое»"),
        new("Назначение лида", "комментарий 1001 символ", Lead, w => w.H.Get<AssignmentService>().AssignLeadsAsync([w.OpenLead], w.M2, AssignmentReason.Territory, new string('к', 1001)), "длиннее 1000"),
        new("Назначение лида", "причина вне списка", Lead, w => w.H.Get<AssignmentService>().AssignLeadsAsync([w.OpenLead], w.M2, (AssignmentReason)3000, null), "причину назначения"),
        new("Передача дел на время отпуска", "«Другое» без комментария", Lead, w => w.H.Get<AssignmentService>().RedistributeAsync(w.M1, AssignmentReason.Other, null), "«Другое»"),

        // Dashboard one-click actions, coaching, data quality, settings
        new("Реанимировать сделку", "срок вчера", Lead, w => w.H.Get<DashboardService>().ReviveAsync(w.Deal, w.Now.AddDays(-1), null), "уже прошёл"),
        new("Реанимировать сделку", "срок в 9999 году", Lead, w => w.H.Get<DashboardService>().ReviveAsync(w.Deal, Year9999, null), "не дальше двух лет"),
        new("Реанимировать сделку", "комментарий 4001 символ", Lead, w => w.H.Get<DashboardService>().ReviveAsync(w.Deal, w.Now.AddDays(1), Long4001), "«Комментарий» длиннее 4000"),
        new("Рекомендация менеджеру", "пустая", Lead, w => w.H.Get<CoachingService>().AddNoteAsync(w.M1, "   "), "«Рекомендация»"),
        new("Рекомендация менеджеру", "длиннее допустимого", Lead, w => w.H.Get<CoachingService>().AddNoteAsync(w.M1, new string('р', 10_001)), "длиннее"),
        new("Задача на развитие", "без названия", Lead, w => w.H.Get<CoachingService>().AddDevelopmentTaskAsync(w.M1, "", w.Now.AddDays(7), null), "«Задача»"),
        new("Задача на развитие", "срок в 9999 году", Lead, w => w.H.Get<CoachingService>().AddDevelopmentTaskAsync(w.M1, "Разобрать три звонка", Year9999, null), "не дальше двух лет"),
        new("Задача на развитие", "название 300 символов (длиннее уведомления)", Lead, w => w.H.Get<CoachingService>().AddDevelopmentTaskAsync(w.M1, new string('з', 300), w.Now.AddDays(7), null), Accepted),
        new("Выборочная проверка", "0 карточек", Lead, w => w.H.Get<QualityAuditService>().StartAsync(w.M1, 0), "от 1 до"),
        new("Выборочная проверка", "−5 карточек", Lead, w => w.H.Get<QualityAuditService>().StartAsync(w.M1, -5), "от 1 до"),
        new("Выборочная проверка", "10 000 карточек", Lead, w => w.H.Get<QualityAuditService>().StartAsync(w.M1, 10_000), "от 1 до"),
        new("Выборочная проверка", "«требует исправления» без комментария", Lead, w => w.H.Get<QualityAuditService>().MarkAsync(w.Audit, w.AuditItem, AuditVerdict.NeedsFix, ""), "что исправить"),
        new("Выборочная проверка", "комментарий 1001 символ", Lead, w => w.H.Get<QualityAuditService>().MarkAsync(w.Audit, w.AuditItem, AuditVerdict.NeedsFix, new string('к', 1001)), "длиннее 1000"),
        new("Объединение дублей", "клиент сам с собой", Lead, async w => await w.H.Get<ClientMergeService>().MergeAsync(w.Client, await w.ClientVersionAsync(), w.Client, await w.ClientVersionAsync()), "с самим собой"),
        new("Ключ API", "пустое название", Head, w => w.H.Get<ApiKeyService>().CreateAsync(""), "«Название ключа»"),
        new("Ключ API", "название 101 символ", Head, w => w.H.Get<ApiKeyService>().CreateAsync(new string('к', 101)), "длиннее 100"),
        new("Ссылка на экран", "пустое название", Head, w => w.H.Get<BoardTokenService>().CreateAsync(" ", null), "«Название экрана»"),
        new("Ссылка на экран", "название 101 символ", Head, w => w.H.Get<BoardTokenService>().CreateAsync(new string('э', 101), null), "длиннее 100"),
        new("Ссылка на экран", "команда, которой нет", Head, w => w.H.Get<BoardTokenService>().CreateAsync("Экран в переговорной", 9999), "Команда не найдена"),
        // Administration (UserDialog, ProfileDialog, AbsenceDialog, TextPromptDialog for teams; the stage, product and plan sections)
        new("Сотрудник", "пустое ФИО", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, name: " "), FirstPassword.OneTime), "«ФИО»"),
        new("Сотрудник", "ФИО 201 символ", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, name: new string('П', 201)), FirstPassword.Link), "длиннее 200"),
        new("Сотрудник", "пустой e-mail", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, email: ""), FirstPassword.OneTime), "e-mail"),
        new("Сотрудник", "e-mail без @", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, email: "petrov.demo.salescrm"), FirstPassword.OneTime), "e-mail"),
        new("Сотрудник", "e-mail, который уже есть", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, email: "M2@demo.salescrm"), FirstPassword.OneTime), "уже есть"),
        new("Сотрудник", "менеджер без команды", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, team: null), FirstPassword.OneTime), "нужна команда"),
        new("Сотрудник", "команда, которой нет", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, team: 9999), FirstPassword.OneTime), "Команда не найдена"),
        new("Сотрудник", "роль не из списка", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, role: (StaffRole)42), FirstPassword.OneTime), "Роль"),
        new("Сотрудник", "телефон из букв", Admin, w => w.H.Get<UserAdminService>().CreateAsync(Person(w, phone: "позвоните мне"), FirstPassword.OneTime), "телефон"),
        new("Сотрудник", "администратор снимает с себя роль", Admin, async w => await w.H.Get<UserAdminService>().UpdateAsync(
            await w.H.QueryAsync(db => db.Managers.Where(m => m.Email == Admin).Select(m => m.Id).SingleAsync()),
            Person(w, name: "Администратор", email: Admin, role: StaffRole.Head, team: null)), "Свою роль"),
        new("Профиль распределения", "ёмкость 0", Admin, w => w.H.Get<UserAdminService>().SetProfileAsync(w.M2, Profile(capacity: 0)), "от 1 до 1000"),
        new("Профиль распределения", "ёмкость 5000", Admin, w => w.H.Get<UserAdminService>().SetProfileAsync(w.M2, Profile(capacity: 5000)), "от 1 до 1000"),
        new("Профиль распределения", "продукт не из справочника", Admin, w => w.H.Get<UserAdminService>().SetProfileAsync(w.M2, Profile(products: ["yacht"])), "не из справочника"),
        new("Отсутствие", "окончание раньше начала", Admin, w => w.H.Get<UserAdminService>().AddAbsenceAsync(w.M2, w.Now.AddDays(10), w.Now.AddDays(3), AbsenceKind.Vacation), "раньше даты начала"),
        new("Отсутствие", "до 9999 года", Admin, w => w.H.Get<UserAdminService>().AddAbsenceAsync(w.M2, w.Now.AddDays(10), Year9999, AbsenceKind.Vacation), "длиннее года"),
        new("Отсутствие", "вид не из списка", Admin, w => w.H.Get<UserAdminService>().AddAbsenceAsync(w.M2, w.Now.AddDays(10), w.Now.AddDays(12), (AbsenceKind)42), "не из списка"),
        new("Команда", "пустое название", Admin, w => w.H.Get<TeamAdminService>().CreateAsync("   "), "«Название команды»"),
        new("Команда", "название 101 символ", Admin, w => w.H.Get<TeamAdminService>().CreateAsync(new string('к', 101)), "длиннее 100"),
        new("Команда", "название другой команды", Admin, async w => await w.H.Get<TeamAdminService>().CreateAsync(
            await w.H.QueryAsync(db => db.Teams.Where(t => t.Id == w.Team).Select(t => t.Name).SingleAsync())), "уже есть"),
        new("Этап воронки", "пустое название", Head, w => w.H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.ProposalSent, "", 50, 10), "«Название этапа»"),
        new("Этап воронки", "вероятность 150 %", Head, w => w.H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.ProposalSent, "КП", 150, 10), "от 0 до 100"),
        new("Этап воронки", "порог застревания 0 дней", Head, w => w.H.Get<PipelineAdminService>().ConfigureStageAsync(StageCode.ProposalSent, "КП", 50, 0), "от 1 до 365"),
        new("Продукт", "код кириллицей", Admin, w => w.H.Get<PipelineAdminService>().CreateProductAsync("яхты", "Яхты", false), "латинские"),
        new("Продукт", "пустое название", Admin, w => w.H.Get<PipelineAdminService>().CreateProductAsync("yachts", " ", false), "Название"),
        new("План", "отрицательный", Head, w => w.H.Get<PlanService>().SetAsync([new PlanCell(w.M1, w.Now.Year + 1, 1, -1)]), "отрицательным"),
        new("План", "50 млрд ₽", Head, w => w.H.Get<PlanService>().SetAsync([new PlanCell(w.M1, w.Now.Year + 1, 1, 50_000_000_000_00)]), "10 млрд"),
        new("План", "13-й месяц в пачке с верной ячейкой", Head, w => w.H.Get<PlanService>().SetAsync(
            [new PlanCell(w.M1, w.Now.Year + 1, 2, 100_000_00), new PlanCell(w.M1, w.Now.Year + 1, 13, 100_000_00)]), "от 1 до 12"),
        new("План", "начальнику отдела", Head, async w => await w.H.Get<PlanService>().SetAsync(
            [new PlanCell(await w.H.QueryAsync(db => db.Managers.Where(m => m.Email == Head).Select(m => m.Id).SingleAsync()), w.Now.Year + 1, 1, 100_000_00)]), "менеджерам"),
    ];

    /// <summary>Not bad input after all: a text the user typed is valid, and what the app adds around it must not refuse it.</summary>
    private const string Accepted = "";

    public static TheoryData<string> Names => [.. Cases.Select(c => $"{c.Form} · {c.Input}")];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task IsRefusedWithARussianMessageAndWritesNothing(string name)
    {
        var c = Cases.Single(x => $"{x.Form} · {x.Input}" == name);
        var h = world.H;
        await h.User.SignInAsAsync(c.User);
        if (c.Message == Accepted)
        {
            await c.Submit(world); // must not throw: the app's own wrapping (a notification's title or body) is its job to fit
            return;
        }

        string before;
        await using (var db = h.Db()) before = await DatabaseFingerprint.TakeAsync(db);
        var error = await Record.ExceptionAsync(() => c.Submit(world));
        string after;
        await using (var db = h.Db()) after = await DatabaseFingerprint.TakeAsync(db);

        Assert.NotNull(error);
        var message = error switch
        {
            DomainException d => d.Message,
            LeadValidationException v => string.Join(" ", v.Errors.SelectMany(e => e.Value)),
            _ => throw new Xunit.Sdk.XunitException($"{name}: refused with {error.GetType().Name} instead of a message for the user: {error.Message}"),
        };
        Assert.Contains(c.Message, message, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("[А-Яа-яЁё]", message);
        Assert.Equal(before, after);
    }

    /// <summary>Every dialog of the app and the catalogue entry that covers it; a new dialog fails the test below until it has one.</summary>
    private static readonly Dictionary<string, string> Dialogs = new()
    {
        ["ClientDialog"] = "Карточка клиента", ["ContactDialog"] = "Контакт клиента", ["SignalDialog"] = "Сигнал клиента",
        ["NewDealDialog"] = "Новая сделка", ["NewTaskDialog"] = "Новая задача", ["TermsDialog"] = "Условия сделки", ["ProposalDialog"] = "КП", ["ProposalComposeDialog"] = "Новая версия КП", ["ProposalSendDialog"] = "Отправка КП", ["CallScriptDialog"] = "Сценарий звонка", ["LostDialog"] = "Проигрыш",
        ["AfterMeetingDialog"] = "После встречи", ["CompetitorOfferDialog"] = "Предложение конкурента", ["ActivityDialog"] = "Активность",
        ["HelpDialog"] = "Нужна помощь", ["NextStepDialog"] = "Следующий шаг", ["ApprovalRequestDialog"] = "Запрос скидки",
        ["NewLeadDialog"] = "Новый лид", ["LeadContactDialog"] = "Контакт с лидом", ["QualifyDialog"] = "Квалификация лида",
        ["DisqualifyDialog"] = "Дисквалификация лида", ["AssignDialog"] = "Назначение лида", ["RedistributeDialog"] = "Передача дел на время отпуска",
        ["ReviveDialog"] = "Реанимировать сделку", ["DevelopmentTaskDialog"] = "Задача на развитие", ["AuditCommentDialog"] = "Выборочная проверка",
        ["UserDialog"] = "Сотрудник", ["ProfileDialog"] = "Профиль распределения", ["AbsenceDialog"] = "Отсутствие", ["TextPromptDialog"] = "Команда",
        // Files: BadInputInFiles. The conflict dialog only shows the current values.
        ["ImportDialog"] = Files, ["RiskImportDialog"] = Files, ["ConflictDialog"] = Files,
    };

    private const string Files = "(файлы: BadInputInFiles)";

    [Fact]
    public void EveryDialogOfTheAppIsInTheCatalogue()
    {
        var dialogs = typeof(SalesCrm.Web.Hosting).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.AspNetCore.Components.ComponentBase).IsAssignableFrom(t) && t.Name.EndsWith("Dialog", StringComparison.Ordinal))
            .Select(t => t.Name).ToList();
        Assert.NotEmpty(dialogs);
        Assert.All(dialogs, d => Assert.True(Dialogs.ContainsKey(d), $"{d} has no entry in the bad-input catalogue"));
        var forms = Cases.Select(c => c.Form).ToHashSet();
        Assert.All(Dialogs.Values.Where(f => f != Files), f => Assert.Contains(f, forms));
        Assert.Equal(Cases.Count, Cases.Select(c => $"{c.Form} · {c.Input}").Distinct().Count());
    }
}

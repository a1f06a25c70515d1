using Microsoft.Extensions.Localization;
using SalesCrm.Web.Resources;
using System.Globalization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Leads;
using SalesCrm.Data.Renewals;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Services.Excel;

namespace SalesCrm.Web.Api;

/// <summary>
/// Excel downloads for the signed-in user: the management pack and the grids, each with the same filters and sorting as
/// the page (the query string is the page's), through the same services — so record-level access holds — and audited.
/// Grids are written row by row into a temporary file and then sent, so a large export never sits in memory.
/// </summary>
public static class ExportEndpoints
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public const string RateLimitPolicy = "export";

    /// <summary>
    /// Exports per user and minute (<c>Export:PerMinute</c>, default 20): a workbook is the heaviest request the app
    /// serves, and a script pulling the whole client base in a loop must not take the node down for everybody.
    /// </summary>
    public static IServiceCollection AddExportLimits(this IServiceCollection services, IConfiguration config)
    {
        var perMinute = Math.Max(1, config.GetValue("Export:PerMinute", 20));
        services.AddRateLimiter(limiter => limiter.AddPolicy(RateLimitPolicy, http => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
            http.User.Identity?.Name is { Length: > 0 } name ? "user:" + name : "ip:" + http.Connection.RemoteIpAddress,
            _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/export").RequireAuthorization().RequireRateLimiting(RateLimitPolicy);
        // A workbook of the department's data is never kept by a browser or a proxy cache.
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            context.HttpContext.Response.Headers.Pragma = "no-cache";
            return await next(context);
        });
        group.MapGet("/report.xlsx", ReportAsync);
        group.MapGet("/deals.xlsx", DealsAsync);
        group.MapGet("/leads.xlsx", LeadsAsync);
        group.MapGet("/clients.xlsx", ClientsAsync);
        group.MapGet("/renewals.xlsx", RenewalsAsync);
        group.MapGet("/approvals.xlsx", ApprovalsAsync);
        group.MapGet("/archive/{id:int}", ArchivedAsync);
        group.MapGet("/diagnostics.xlsx", DiagnosticsAsync);
        group.MapGet("/tasks.xlsx", TasksAsync);
        group.MapGet("/pipeline.xlsx", PipelineAsync);
        group.MapGet("/team.xlsx", TeamAsync);
        group.MapGet("/quality.xlsx", QualityAsync);
        return app;
    }

    /// <summary>The deal list's URL parameters plus the grid's sort and direction (<see cref="DealListAddress"/>).</summary>
    public static DealListQuery DealQuery(IQueryCollection q) => DealListAddress.Read(key => q[key].ToString());

    public static IReadOnlyList<GridColumn<DealRow>> DealColumns(IStringLocalizer<SharedResource> l, IReadOnlyList<StageInfo> stages, TimeZoneInfo zone) =>
    [
        new(l["№"], CellKind.Integer, 9, r => r.Id),
        new(l["Клиент"], CellKind.Text, 36, r => r.ClientName),
        new(l["ИНН"], CellKind.Text, 14, r => r.ClientInn),
        new(l["Продукт"], CellKind.Text, 28, r => r.ProductName),
        new(l["Ответственный"], CellKind.Text, 28, r => r.OwnerName),
        new(l["Этап"], CellKind.Text, 20, r => Texts.StageName(l, r.Stage, stages)),
        new(l["Премия"], CellKind.Money, 18, r => r.PremiumKopecks),
        new(l["Вероятность"], CellKind.Percent, 12, r => r.Probability / 100.0),
        new(l["Ожидаемое закрытие"], CellKind.Date, 14, r => r.ExpectedCloseDate.Date),
        new(l["На этапе с"], CellKind.Date, 14, r => TimeZoneInfo.ConvertTimeFromUtc(r.StageEnteredAt, zone).Date),
        new(l["Следующий шаг"], CellKind.DateTime, 17, r => r.NextStepDueAt is { } due ? TimeZoneInfo.ConvertTimeFromUtc(due, zone) : null),
    ];

    public static IReadOnlyList<GridColumn<LeadRow>> LeadColumns(IStringLocalizer<SharedResource> l, TimeZoneInfo zone, IReadOnlyList<ProductInfo> products) =>
    [
        new(l["№"], CellKind.Integer, 8, r => r.Id),
        new(l["Поступил"], CellKind.DateTime, 17, r => TimeZoneInfo.ConvertTimeFromUtc(r.CreatedAt, zone)),
        new(l["Канал"], CellKind.Text, 16, r => l[r.Channel.Russian()].Value),
        new(l["Лид"], CellKind.Text, 34, r => r.Title),
        new(l["Контакт"], CellKind.Text, 24, r => r.ContactName),
        new(l["Телефон"], CellKind.Text, 18, r => r.Phone),
        new("E-mail", CellKind.Text, 26, r => r.Email),
        new(l["Регион"], CellKind.Text, 20, r => r.Region),
        new(l["Продукт"], CellKind.Text, 24, r => r.ProductCode is { } code ? products.FirstOrDefault(p => p.Code == code)?.Name ?? code : null),
        new(l["Статус"], CellKind.Text, 16, r => l[r.Status.Russian()].Value),
        new(l["Ответственный"], CellKind.Text, 28, r => r.AssigneeName),
        new(l["Правило"], CellKind.Text, 40, r => r.Rule),
        new(l["Первый контакт"], CellKind.DateTime, 17, r => r.FirstContactAt is { } at ? TimeZoneInfo.ConvertTimeFromUtc(at, zone) : null),
        new(l["Реакция, раб. мин"], CellKind.Integer, 12, r => r.ResponseMinutes is { } m ? Math.Round(m, 1) : null),
        new(l["Обращений"], CellKind.Integer, 10, r => r.Touches),
    ];

    public static IReadOnlyList<GridColumn<ApprovalRow>> ApprovalColumns(IStringLocalizer<SharedResource> l, TimeZoneInfo zone) =>
    [
        new(l["№ запроса"], CellKind.Integer, 10, r => r.Id),
        new(l["№ сделки"], CellKind.Integer, 10, r => r.DealId),
        new(l["Клиент"], CellKind.Text, 34, r => r.ClientName),
        new(l["Продукт"], CellKind.Text, 26, r => r.ProductName),
        new(l["Что"], CellKind.Text, 18, r => l[r.Kind.Russian()].Value),
        new(l["Скидка"], CellKind.Percent, 10, r => (double)r.DiscountPercent / 100),
        new(l["Премия"], CellKind.Money, 18, r => r.BasePremiumKopecks),
        new(l["Запрошено"], CellKind.Money, 18, r => r.RequestedPremiumKopecks),
        new(l["Запросил"], CellKind.Text, 28, r => r.RequesterName),
        new(l["Создан"], CellKind.DateTime, 17, r => TimeZoneInfo.ConvertTimeFromUtc(r.CreatedAt, zone)),
        new(l["Решает"], CellKind.Text, 20, r => r.State == Domain.Approvals.ApprovalRequestState.Pending ? l[r.Level.Russian()].Value : null),
        new(l["Статус"], CellKind.Text, 16, r => l[r.State.Russian()].Value),
        new(l["Решён"], CellKind.DateTime, 17, r => r.DecidedAt is { } d ? TimeZoneInfo.ConvertTimeFromUtc(d, zone) : null),
    ];

    private static async Task<IResult> LeadsAsync(IStringLocalizer<SharedResource> l, LookupService lookups, HttpContext http, LeadService leads, IUserContext users, SecurityLog audit, CrmOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var q = http.Request.Query;
        var query = LeadListAddress.Read(key => q[key].ToString(), options.TimeZone);
        return await SendGridAsync(http, l, l["Лиды"], await CaptionAsync(l, lookups, l["Лиды"], user, http, options, time, http.RequestAborted), LeadColumns(l, options.TimeZone, await lookups.ProductsAsync(ct)), leads.ExportAsync(query, ct), "leads",
            async rows => await audit.ExportedAsync(user.Actor, "leads", http.Request.QueryString.Value ?? "", rows, ct), time, ct);
    }

    /// <summary>What a lead filter of the diagnostics shows, in words.</summary>
    public static string LeadEvidenceText(LeadEvidence evidence) => evidence switch
    {
        LeadEvidence.Contacted => "лиды с контактом",
        LeadEvidence.NotContacted => "лиды без контакта",
        LeadEvidence.LostBeforeContact => "потеряны до контакта",
        LeadEvidence.NoSource => "без метки источника",
        LeadEvidence.Repeated => "с повторными обращениями",
        _ => "все",
    };

    private static async Task<IResult> ApprovalsAsync(IStringLocalizer<SharedResource> l, LookupService lookups, HttpContext http, ApprovalService approvals, IUserContext users, SecurityLog audit, CrmOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var view = http.Request.Query["view"].ToString() switch { "mine" => ApprovalView.ForMe, "decided" => ApprovalView.Decided, _ => ApprovalView.Pending };
        var rows = await approvals.ListAsync(view, ct);
        return await SendGridAsync(http, l, l["Согласования"], await CaptionAsync(l, lookups, l["Согласования"], user, http, options, time, http.RequestAborted), ApprovalColumns(l, options.TimeZone), rows.ToAsyncEnumerable(),
            "approvals", async count => await audit.ExportedAsync(user.Actor, "approvals", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    public static IReadOnlyList<GridColumn<ClientRow>> ClientColumns(IStringLocalizer<SharedResource> l) =>
    [
        new(l["№"], CellKind.Integer, 8, r => r.Id),
        new(l["Клиент"], CellKind.Text, 38, r => r.Name),
        new(l["ИНН"], CellKind.Text, 14, r => r.Inn),
        new(l["ИНН верен"], CellKind.Text, 10, r => r.InnValid ? l["да"].Value : l["нет"].Value),
        new(l["Отрасль"], CellKind.Text, 22, r => r.Industry),
        new(l["Регион"], CellKind.Text, 22, r => r.Region),
        new(l["Сегмент"], CellKind.Text, 12, r => l[Texts.Segment(r.Segment)].Value),
        new(l["Ответственный"], CellKind.Text, 28, r => r.OwnerName),
        new(l["Риск"], CellKind.Text, 10, r => l[Texts.Risk(r.Risk)].Value),
        new(l["Ключевой"], CellKind.Text, 10, r => r.IsKeyClient ? l["да"].Value : ""),
    ];

    private static async Task<IResult> ClientsAsync(IStringLocalizer<SharedResource> l, LookupService lookups, HttpContext http, ClientService clients, IUserContext users, SecurityLog audit, CrmOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var q = http.Request.Query;
        var query = ClientListAddress.Read(key => q[key].ToString());
        return await SendGridAsync(http, l, l["Клиенты"], await CaptionAsync(l, lookups, l["Клиенты"], user, http, options, time, http.RequestAborted), ClientColumns(l), clients.ExportAsync(query, ct), "clients",
            async rows => await audit.ExportedAsync(user.Actor, "clients", http.Request.QueryString.Value ?? "", rows, ct), time, ct);
    }

    public static IReadOnlyList<GridColumn<RenewalRow>> RenewalColumns(IStringLocalizer<SharedResource> l, IReadOnlyList<StageInfo> stages) =>
    [
        new(l["№ договора"], CellKind.Text, 16, r => r.Number),
        new(l["Клиент"], CellKind.Text, 36, r => r.ClientName),
        new(l["Продукт"], CellKind.Text, 26, r => r.ProductName),
        new(l["Премия"], CellKind.Money, 18, r => r.PremiumKopecks),
        new(l["Ответственный"], CellKind.Text, 28, r => r.OwnerName),
        new(l["Окончание"], CellKind.Date, 13, r => r.EndDate.Date),
        new(l["Осталось дней"], CellKind.Integer, 10, r => r.DaysLeft),
        new(l["Сделка пролонгации"], CellKind.Integer, 12, r => r.RenewalDealId),
        new(l["Этап"], CellKind.Text, 18, r => r.RenewalStage is { } st ? Texts.StageName(l, st, stages) : null),
        new(l["Задача"], CellKind.Text, 16, r => r.TaskStatus switch
        {
            RenewalTaskStatus.Open => l["в работе"].Value, RenewalTaskStatus.Overdue => l["просрочена"].Value, RenewalTaskStatus.Done => l["выполнена"].Value,
            _ => l["нет"].Value,
        }),
        new(l["Риск оттока"], CellKind.Integer, 10, r => r.Churn.Score),
        new(l["Красная зона"], CellKind.Text, 10, r => r.Churn.RedZone ? l["да"].Value : ""),
        new(l["Факторы"], CellKind.Text, 50, r => string.Join(", ", r.Churn.Factors.Select(f => l["{0} +{1}", l[f.Factor.Russian()].Value, f.Points].Value))),
    ];

    private static async Task<IResult> RenewalsAsync(IStringLocalizer<SharedResource> l, HttpContext http, RenewalService renewals, LookupService lookups, IUserContext users, SecurityLog audit,
        CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var days = QueryValue.Int(http.Request.Query["days"]) ?? 30;
        IReadOnlyList<RenewalRow> rows;
        try
        {
            rows = await renewals.ListAsync(days, ct);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        return await SendGridAsync(http, l, l["Пролонгации"], await CaptionAsync(l, lookups, l["Пролонгации"], user, http, options, time, http.RequestAborted), RenewalColumns(l, await lookups.StagesAsync(ct)), rows.ToAsyncEnumerable(), "renewals",
            async count => await audit.ExportedAsync(user.Actor, "renewals", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    public static IReadOnlyList<GridColumn<SalesCrm.Data.Diagnostics.BeforeAfterRow>> DiagnosticsColumns(IStringLocalizer<SharedResource> l, string before, string after) =>
    [
        new(l["Блок"], CellKind.Integer, 7, r => r.Trigger.Block),
        new(l["Признак"], CellKind.Text, 40, r => l[r.Trigger.Title].Value),
        // Values are numbers in the unit of the trigger, so the sheet can be sorted and charted.
        new(l["Единица"], CellKind.Text, 10, r => l[UnitText(r.Trigger.Unit)].Value),
        new(l["Было: {0}", before], CellKind.Integer, 14, r => Number(r.Trigger.Unit, r.Before)),
        new(l["Стало: {0}", after], CellKind.Integer, 14, r => Number(r.Trigger.Unit, r.After)),
        new(l["Порог"], CellKind.Integer, 10, r => Number(r.Trigger.Unit, r.Threshold)),
        new(l["Срабатывает"], CellKind.Text, 14, r => l[r.Trigger.Direction == SalesCrm.Domain.Diagnostics.TriggerDirection.Above ? "выше порога" : "ниже порога"].Value),
        new(l["Статус: было"], CellKind.Text, 16, r => l[StatusText(r.BeforeStatus)].Value),
        new(l["Статус: стало"], CellKind.Text, 16, r => l[StatusText(r.AfterStatus)].Value),
        new(l["Динамика"], CellKind.Text, 12, r => l[r.Better switch { true => "лучше", false => "хуже", _ => "без изменений" }].Value),
        new(l["Как считается"], CellKind.Text, 60, r => l[r.Trigger.Definition].Value),
    ];

    /// <summary>A trigger's value as a number in its unit: a share in percent, minutes, days (none when it never happened), a count.</summary>
    private static double? Number(SalesCrm.Domain.Diagnostics.TriggerUnit unit, double? value) => value is not { } v ? null : unit switch
    {
        SalesCrm.Domain.Diagnostics.TriggerUnit.Share => Math.Round(v * 100, 1),
        SalesCrm.Domain.Diagnostics.TriggerUnit.Minutes => Math.Round(v, 1),
        SalesCrm.Domain.Diagnostics.TriggerUnit.Days => v >= 999 ? null : Math.Round(v),
        _ => v,
    };

    private static string UnitText(SalesCrm.Domain.Diagnostics.TriggerUnit unit) => unit switch
    {
        SalesCrm.Domain.Diagnostics.TriggerUnit.Share => "%",
        SalesCrm.Domain.Diagnostics.TriggerUnit.Minutes => "мин",
        SalesCrm.Domain.Diagnostics.TriggerUnit.Days => "дней",
        _ => "шт.",
    };

    private static string StatusText(SalesCrm.Domain.Diagnostics.DiagnosticStatus status) => status switch
    {
        SalesCrm.Domain.Diagnostics.DiagnosticStatus.Triggered => "сработал",
        SalesCrm.Domain.Diagnostics.DiagnosticStatus.Warning => "близко к порогу",
        SalesCrm.Domain.Diagnostics.DiagnosticStatus.Ok => "в норме",
        _ => "нет данных",
    };

    private static async Task<IResult> DiagnosticsAsync(IStringLocalizer<SharedResource> l, LookupService lookups, HttpContext http, SalesCrm.Data.Diagnostics.DiagnosticsService diagnostics, IUserContext users,
        SecurityLog audit, CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        static DateOnly? Month(string? raw) =>
            DateOnly.TryParseExact(raw + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) ? m : null;
        if (Month(http.Request.Query["before"]) is not { } before || Month(http.Request.Query["after"]) is not { } after)
            return Results.Problem(l["Укажите месяцы сравнения: before и after в виде ГГГГ-ММ."], statusCode: StatusCodes.Status400BadRequest);
        int? team = QueryValue.Int(http.Request.Query["team"]);
        SalesCrm.Data.Diagnostics.BeforeAfter compare;
        try
        {
            compare = await diagnostics.CompareAsync(team, before, after, ct);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        return await SendGridAsync(http, l, l["Было-стало"], await CaptionAsync(l, lookups, l["Диагностика отдела продаж: было/стало · {0}", compare.TeamName], user, http, options, time, http.RequestAborted),
            DiagnosticsColumns(l, $"{before:MM.yyyy}", $"{after:MM.yyyy}"), compare.Rows.ToAsyncEnumerable(), "diagnostics",
            async count => await audit.ExportedAsync(user.Actor, "diagnostics", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    /// <summary>
    /// The first row of an export: what it is, who made it and when, and the filters it was made with, in words and names
    /// (a stage, a manager, a product by name, not by the ids of the address).
    /// </summary>
    private static async Task<string> CaptionAsync(IStringLocalizer<SharedResource> l, LookupService lookups, string what, CurrentUser user, HttpContext http,
        CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var caption = $"{what} · {user.FullName} · {TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, options.TimeZone):dd.MM.yyyy HH:mm}";
        var filters = await FiltersAsync(l, lookups, http.Request.Query, options.Thresholds, ct);
        return filters.Count == 0 ? caption : caption + l[" · фильтры: {0}", string.Join("; ", filters)];
    }

    private static async Task<List<string>> FiltersAsync(IStringLocalizer<SharedResource> l, LookupService lookups, IQueryCollection q, ThresholdOptions thresholds,
        CancellationToken ct)
    {
        var stages = await lookups.StagesAsync(ct);
        var products = await lookups.ProductsAsync(ct);
        var managers = await lookups.VisibleManagersAsync(ct);
        var teams = await lookups.TeamsAsync(ct);
        string Name<T>(IEnumerable<T> items, Func<T, int> id, Func<T, string> name, string raw) =>
            QueryValue.Int(raw) is { } n && items.FirstOrDefault(x => id(x) == n) is { } found ? name(found) : raw;
        var parts = new List<string>();
        foreach (var (key, values) in q)
        {
            var v = values.ToString();
            if (v.Length == 0 || key is "sort" or "desc" or "culture" or "date" or "page") continue;
            if (key == "kind")
            {
                // /reports' week or month is in the caption's title; a task's kind is a filter.
                if (Components.Pages.Tasks.TasksAddress.Kind(v) is { } taskKind) parts.Add(l["вид задачи: {0}", l[taskKind.Russian()]]);
                continue;
            }
            parts.Add(key switch
            {
                "q" => l["поиск «{0}»", v],
                "stage" => l["этап: {0}", Enum.TryParse<StageCode>(v, out var stage) ? Texts.StageName(l, stage, stages) : v],
                "owner" or "assignee" => l["ответственный: {0}", Name(managers, m => m.Id, m => m.FullName, v)],
                "product" => l["продукт: {0}", Name(products, p => p.Id, p => p.Name, v)],
                "team" => l["команда: {0}", Name(teams, t => t.Id, t => t.Name, v)],
                "open" => l["только открытые"],
                "nostep" => l["без следующего шага"],
                "stuck" => l["застрявшие"],
                "rule" => l["правило: {0}", Enum.TryParse<Domain.Quality.QualityRule>(v, out var rule) && Enum.IsDefined(rule)
                    ? l[Domain.Quality.QualityCatalogue.Of(rule).Title] : v],
                "signal" => l["сигнал: {0}", Components.Pages.Pipeline.KanbanCardView.Badges.FirstOrDefault(b => b.Signal.ToString() == v).Text is { } signal ? l[signal] : v],
                "attention" => l["требуют внимания: {0}", string.Join(", ", Texts.AttentionFlags.Where(f => DealListAddress.Attention(v).HasFlag(f))
                    .Select(f => Texts.Attention(l, f, thresholds)))],
                "view" => l["вид: {0}", l[v switch
                {
                    "queue" => "очередь", "mine" => "мои", "all" => "все", "pending" => "ждут решения", "decided" => "решённые",
                    "open" => "открытые", "overdue" => "просроченные", "done" => "закрытые за 30 дней", _ => v,
                }]],
                "status" => l["статус: {0}", Enum.TryParse<LeadStatus>(v, out var status) ? l[status.Russian()] : v],
                "risk" => l["риск: {0}", Enum.TryParse<RiskLevel>(v, out var risk) ? l[Texts.Risk(risk)] : v],
                "days" => l["горизонт: {0} дн.", v],
                "month" => l["месяц: {0}", v],
                "only" => l["только: {0}", Enum.TryParse<LeadEvidence>(v, true, out var only) ? l[LeadEvidenceText(only)] : v],
                "before" => l["было: {0}", v],
                "after" => l["стало: {0}", v],
                _ => $"{key}={v}",
            });
        }
        return parts;
    }

    public static IReadOnlyList<GridColumn<Data.Tasks.TaskRow>> TaskColumns(IStringLocalizer<SharedResource> l, TimeZoneInfo zone) =>
    [
        new(l["№"], CellKind.Integer, 8, r => r.Id),
        new(l["Срок"], CellKind.DateTime, 17, r => TimeZoneInfo.ConvertTimeFromUtc(r.DueAt, zone)),
        new(l["Просрочена"], CellKind.Text, 11, r => r.IsOverdue ? l["да"].Value : ""),
        new(l["Задача"], CellKind.Text, 40, r => r.Title),
        new(l["Вид задачи"], CellKind.Text, 20, r => l[r.Kind.Russian()].Value),
        new(l["Комментарий"], CellKind.Text, 40, r => r.Comment),
        new(l["№ сделки"], CellKind.Integer, 10, r => r.DealId),
        new(l["Сделка"], CellKind.Text, 36, r => r.DealTitle),
        new(l["Клиент"], CellKind.Text, 30, r => r.ClientName),
        new(l["Исполнитель"], CellKind.Text, 28, r => r.AssigneeName),
        new(l["Поставил"], CellKind.Text, 28, r => r.AuthorName),
        new(l["Статус"], CellKind.Text, 14, r => l[r.Status.Russian()].Value),
        new(l["Закрыта"], CellKind.DateTime, 17, r => r.CompletedAt is { } at ? TimeZoneInfo.ConvertTimeFromUtc(at, zone) : null),
    ];

    private static async Task<IResult> TasksAsync(IStringLocalizer<SharedResource> l, HttpContext http, Data.Tasks.TaskService tasks, LookupService lookups,
        IUserContext users, SecurityLog audit, CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var query = Components.Pages.Tasks.TasksAddress.Read(key => http.Request.Query[key].ToString());
        if (query.AssigneeId is { } asked && asked != user.ManagerId && !user.CanSeeOwner(asked))
        {
            await audit.AccessDeniedAsync(user.Actor, "Task", "", $"export tasks of manager {asked}", ct);
            return Results.Problem(l["Можно смотреть только свои задачи и задачи своей команды."], statusCode: StatusCodes.Status403Forbidden);
        }
        return await SendGridAsync(http, l, l["Задачи"], await CaptionAsync(l, lookups, l["Задачи"], user, http, options, time, http.RequestAborted),
            TaskColumns(l, options.TimeZone), tasks.ExportAsync(query, ct), "tasks",
            async rows => await audit.ExportedAsync(user.Actor, "tasks", http.Request.QueryString.Value ?? "", rows, ct), time, ct);
    }

    public static IReadOnlyList<GridColumn<Data.Pipeline.KanbanCard>> PipelineColumns(IStringLocalizer<SharedResource> l, IReadOnlyList<StageInfo> stages,
        TimeZoneInfo zone) =>
    [
        new(l["Этап"], CellKind.Text, 20, r => Texts.StageName(l, r.Stage, stages)),
        new(l["№"], CellKind.Integer, 8, r => r.DealId),
        new(l["Клиент"], CellKind.Text, 36, r => r.ClientName),
        new(l["Продукт"], CellKind.Text, 28, r => r.ProductName),
        new(l["Ответственный"], CellKind.Text, 28, r => r.OwnerName),
        new(l["Премия"], CellKind.Money, 18, r => r.PremiumKopecks),
        new(l["Вероятность"], CellKind.Percent, 12, r => r.Probability / 100.0),
        new(l["Дней на этапе"], CellKind.Integer, 10, r => r.DaysInStage),
        new(l["Следующий шаг"], CellKind.Text, 34, r => r.NextStepTitle),
        new(l["Срок шага"], CellKind.DateTime, 17, r => r.NextStepDueAt is { } due ? TimeZoneInfo.ConvertTimeFromUtc(due, zone) : null),
        new(l["КП до"], CellKind.Date, 13, r => r.ProposalValidUntil?.Date),
        new(l["Согласование"], CellKind.Text, 16, r => l[Texts.Approval(r.ApprovalState)].Value),
        new(l["Риск клиента"], CellKind.Text, 12, r => l[Texts.Risk(r.ClientRisk)].Value),
        new(l["Сигналы"], CellKind.Text, 40, r => string.Join(", ", Components.Pages.Pipeline.KanbanCardView.Badges
            .Where(b => r.Signals.HasFlag(b.Signal)).Select(b => l[b.Text].Value))),
    ];

    private static async Task<IResult> PipelineAsync(IStringLocalizer<SharedResource> l, HttpContext http, Data.Pipeline.PipelineService pipeline,
        LookupService lookups, IUserContext users, SecurityLog audit, CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        Data.Pipeline.PipelineBoardData board;
        try
        {
            // The export has every card the board can hold, whichever page of cards the screen shows.
            board = await pipeline.LoadAsync(Components.Pages.Pipeline.PipelinePage.Read(key => http.Request.Query[key].ToString())
                with { Cards = SalesCrm.Data.Pipeline.PipelineService.MaxCardsPerColumn }, ct);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        var cards = board.Columns.SelectMany(c => c.Cards).ToList();
        return await SendGridAsync(http, l, l["Воронка продаж"], await CaptionAsync(l, lookups, l["Воронка продаж"], user, http, options, time, http.RequestAborted),
            PipelineColumns(l, await lookups.StagesAsync(ct), options.TimeZone), cards.ToAsyncEnumerable(), "pipeline",
            async count => await audit.ExportedAsync(user.Actor, "pipeline", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    /// <summary>The team's scorecards: each figure of <see cref="Components.Pages.Team.ScorecardMetrics"/> for the period and for its baseline.</summary>
    public static IReadOnlyList<GridColumn<(string Name, Domain.Teams.ScorecardFigures Now, Domain.Teams.ScorecardFigures Before)>> TeamColumns(
        IStringLocalizer<SharedResource> l, string baseline)
    {
        var columns = new List<GridColumn<(string Name, Domain.Teams.ScorecardFigures Now, Domain.Teams.ScorecardFigures Before)>>
        {
            new(l["Менеджер"], CellKind.Text, 30, r => r.Name),
        };
        foreach (var metric in Components.Pages.Team.ScorecardMetrics.All)
        {
            var percent = metric.Format == Components.Pages.Team.ScorecardMetrics.Pct;
            object? Number(Domain.Teams.ScorecardFigures f) => metric.Value(f) is { } v ? percent ? v : Math.Round(v, 1) : null;
            var kind = percent ? CellKind.Percent : CellKind.Integer;
            columns.Add(new(l[metric.Title], kind, 14, r => Number(r.Now)));
            columns.Add(new(l["{0}: {1}", l[metric.Title].Value, baseline], kind, 14, r => Number(r.Before)));
        }
        return columns;
    }

    private static async Task<IResult> TeamAsync(IStringLocalizer<SharedResource> l, HttpContext http, Data.Coaching.CoachingService coaching,
        LookupService lookups, IUserContext users, SecurityLog audit, CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var q = http.Request.Query;
        var period = Components.Pages.Team.ScorecardMetrics.Period(q["kind"], q["date"], time.GetUtcNow().UtcDateTime, options.TimeZone);
        Data.Coaching.TeamCoaching team;
        try
        {
            team = await coaching.TeamAsync(QueryValue.Int(q["team"]), period, ct);
        }
        catch (Exception ex) when (ex is AccessDeniedException or NotFoundException)
        {
            return Results.Problem(l.For(ex), statusCode: ex is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
        }
        var rows = team.Managers.Select(m => (m.Manager.FullName, m.Current, m.Previous))
            .Append((l["Среднее по команде"].Value, team.TeamAverage, team.PreviousTeamAverage)).ToList();
        var what = l["Команда: развитие менеджеров"] + $" · {team.TeamName} · {Texts.Period(l, period)}";
        return await SendGridAsync(http, l, l["Команда"], await CaptionAsync(l, lookups, what, user, http, options, time, http.RequestAborted),
            TeamColumns(l, Texts.Period(l, team.PreviousPeriod)), rows.ToAsyncEnumerable(), "team",
            async count => await audit.ExportedAsync(user.Actor, "team", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    public static IReadOnlyList<GridColumn<Data.Quality.QualityFinding>> QualityColumns(IStringLocalizer<SharedResource> l) =>
    [
        new(l["Правило"], CellKind.Text, 36, r => l[Domain.Quality.QualityCatalogue.Of(r.Rule).Title].Value),
        new(l["Запись"], CellKind.Text, 10, r => r.Subject == Domain.Quality.QualitySubject.Deal ? l["Сделка"].Value : l["Клиент"].Value),
        new(l["№"], CellKind.Integer, 8, r => r.RecordId),
        new(l["Название"], CellKind.Text, 40, r => r.Title),
        new(l["Ответственный"], CellKind.Text, 28, r => r.OwnerName),
        new(l["Замечание"], CellKind.Text, 50, r => r.Detail),
    ];

    private static async Task<IResult> QualityAsync(IStringLocalizer<SharedResource> l, HttpContext http, Data.Quality.QualityService quality,
        LookupService lookups, IUserContext users, SecurityLog audit, CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var q = http.Request.Query;
        Data.Quality.QualityReport report;
        try
        {
            report = await quality.ReportAsync(QueryValue.Int(q["team"]), ct);
        }
        catch (Exception ex) when (ex is AccessDeniedException or NotFoundException)
        {
            return Results.Problem(l.For(ex), statusCode: ex is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
        }
        Domain.Quality.QualityRule? only = Enum.TryParse<Domain.Quality.QualityRule>(q["rule"], out var rule) && Enum.IsDefined(rule) ? rule : null;
        var rows = report.Findings.Where(f => only is null || f.Rule == only).ToList();
        return await SendGridAsync(http, l, l["Качество данных"], await CaptionAsync(l, lookups, l["Качество данных"], user, http, options, time, http.RequestAborted),
            QualityColumns(l), rows.ToAsyncEnumerable(), "quality",
            async count => await audit.ExportedAsync(user.Actor, "quality", http.Request.QueryString.Value ?? "", count, ct), time, ct);
    }

    private static async Task<IResult> DealsAsync(IStringLocalizer<SharedResource> l, HttpContext http, DealService deals, LookupService lookups, IUserContext users, SecurityLog audit,
        CrmOptions options, TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var query = DealQuery(http.Request.Query);
        var stages = await lookups.StagesAsync(ct);
        return await SendGridAsync(http, l, l["Сделки"], await CaptionAsync(l, lookups, l["Сделки"], user, http, options, time, http.RequestAborted), DealColumns(l, stages, options.TimeZone), deals.ExportAsync(query, ct), "deals",
            async rows => await audit.ExportedAsync(user.Actor, "deals", http.Request.QueryString.Value ?? "", rows, ct), time, ct);
    }

    private static async Task<IResult> ReportAsync(IStringLocalizer<SharedResource> l, HttpContext http, ReportService reports, IUserContext users, SecurityLog audit, CrmOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        var period = Period(http.Request.Query, time.GetUtcNow().UtcDateTime, options.TimeZone);
        int? team = QueryValue.Int(http.Request.Query["team"]);
        try
        {
            var pack = await reports.BuildAsync(team, period, ct);
            var bytes = ReportWorkbook.Build(pack, options.TimeZone, l);
            await audit.ExportedAsync(user.Actor, "report", $"team={pack.Scope.TeamId}; {period.FirstDay:yyyy-MM-dd}..{period.LastDay:yyyy-MM-dd}", pack.Plan.Count, ct);
            return Results.File(bytes, XlsxType, $"planerka-{period.FirstDay:yyyy-MM-dd}.xlsx");
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
    }

    private static async Task<IResult> ArchivedAsync(IStringLocalizer<SharedResource> l, int id, ReportService reports, IUserContext users, SecurityLog audit, CancellationToken ct)
    {
        try
        {
            var (name, content) = await reports.ArchivedFileAsync(id, ct);
            await audit.ExportedAsync((await users.RequireAsync(ct)).Actor, "report-archive", id.ToString(CultureInfo.InvariantCulture), 1, ct);
            return Results.File(content, XlsxType, name);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>
    /// The period of /reports from its URL: kind (week or month) and a day inside it. By default the last complete week
    /// (the Monday meeting looks back at it) or the current month.
    /// </summary>
    public static ReportingPeriod Period(IQueryCollection q, DateTime utcNow, TimeZoneInfo zone)
    {
        var kind = q["kind"] == "month" ? PeriodKind.Month : PeriodKind.Week;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone));
        var day = DateOnly.TryParseExact(q["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : kind == PeriodKind.Week ? today.AddDays(-7) : today;
        return kind == PeriodKind.Month ? ReportingPeriod.Month(day.Year, day.Month, zone) : ReportingPeriod.Week(day, zone);
    }

    private static async Task<IResult> SendGridAsync<T>(HttpContext http, IStringLocalizer<SharedResource> l, string sheet, string caption, IReadOnlyList<GridColumn<T>> columns,
        IAsyncEnumerable<T> rows, string fileName, Func<int, Task> audited, TimeProvider time, CancellationToken ct)
    {
        var path = Path.GetTempFileName();
        try
        {
            int count;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                count = await XlsxWriter.WriteAsync(file, sheet, caption, columns, rows, ct);
            await audited(count);
            http.Response.ContentType = XlsxType;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.xlsx\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}-{time.GetUtcNow().UtcDateTime:yyyy-MM-dd}.xlsx";
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
                await file.CopyToAsync(http.Response.Body, ct);
            return Results.Empty;
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

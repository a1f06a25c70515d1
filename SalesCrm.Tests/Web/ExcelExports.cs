using System.Globalization;
using System.Net;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>The Excel downloads through the real app in memory: what the page shows is what the file holds.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ExcelExports(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(client, email)).StatusCode);
        return client;
    }

    private static async Task<XLWorkbook> WorkbookAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, (await response.Content.ReadAsStringAsync())[..Math.Min(3000, (int)(response.Content.Headers.ContentLength ?? 3000))]);
        Assert.Equal(ExportEndpoints.XlsxType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new XLWorkbook(new MemoryStream(bytes));
    }

    [Fact]
    public async Task TheBeforeAfterComparisonExportsEveryTriggerAndOnlyToALeader()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        var today = app.Services.GetRequiredService<CrmOptions>().Today(DateTime.UtcNow);
        var after = new DateOnly(today.Year, today.Month, 1);
        var before = after.AddMonths(-1);
        using var book = await WorkbookAsync(await client.GetAsync($"/export/diagnostics.xlsx?before={before:yyyy-MM}&after={after:yyyy-MM}"));
        var sheet = book.Worksheet("Было-стало");
        var titles = Enumerable.Range(4, SalesCrm.Domain.Diagnostics.DiagnosticCatalogue.Triggers.Count).Select(r => sheet.Cell(r, 2).GetString()).ToList();
        Assert.Equal(SalesCrm.Domain.Diagnostics.DiagnosticCatalogue.Triggers.Select(t => t.Title), titles);
        // Thresholds are numbers in the trigger's unit (a share in percent), not text.
        var contact = titles.IndexOf("Доля связавшихся") + 4;
        Assert.Equal(XLDataType.Number, sheet.Cell(contact, 6).DataType);
        Assert.Equal("%", sheet.Cell(contact, 3).GetString());
        Assert.Equal(60, sheet.Cell(contact, 6).GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/export/diagnostics.xlsx?before=2026-13")).StatusCode);

        var manager = await SignedInAsync("m1@demo.salescrm");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/export/diagnostics.xlsx?before={before:yyyy-MM}&after={after:yyyy-MM}")).StatusCode);
    }

    [Fact]
    public async Task TheDealGridExportHoldsExactlyTheFilteredRowsInTheGridsOrder()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        var response = await client.GetAsync("/export/deals.xlsx?stage=Negotiation&open=1&sort=Premium&desc=1");
        using var book = await WorkbookAsync(response);
        var sheet = book.Worksheet(1);
        Assert.Equal("Премия", sheet.Cell(3, 7).GetString());
        Assert.Equal(3, sheet.SheetView.SplitRow);
        // The first row names the filters in words, not the raw address with its ids.
        var caption = sheet.Cell(1, 1).GetString();
        Assert.Contains("этап: Переговоры", caption, StringComparison.Ordinal);
        Assert.Contains("только открытые", caption, StringComparison.Ordinal);
        Assert.DoesNotContain("stage=", caption, StringComparison.Ordinal);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var team = await db.Managers.Where(m => m.Email == "lead@demo.salescrm").Select(m => m.TeamId).SingleAsync();
        var expected = await db.Deals.Where(d => d.Stage == StageCode.Negotiation && d.Owner!.TeamId == team)
            .OrderByDescending(d => d.PremiumKopecks).ThenByDescending(d => d.Id).Select(d => new { d.Id, d.PremiumKopecks }).ToListAsync();
        var rows = sheet.RowsUsed().Where(r => r.RowNumber() > 3).ToList();
        Assert.Equal(expected.Select(e => e.Id), rows.Select(r => (int)r.Cell(1).GetDouble()));
        Assert.Equal(expected.Select(e => e.PremiumKopecks / 100m), rows.Select(r => (decimal)r.Cell(7).GetDouble()));
        Assert.Contains("₽", rows[0].Cell(7).Style.NumberFormat.Format);
        Assert.Equal(XLDataType.DateTime, rows[0].Cell(9).DataType);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "Export" && a.EntityId == "deals" && a.NewValue!.StartsWith(rows.Count + ";")));
    }

    [Fact]
    public async Task AManagersExportHoldsOnlyTheirOwnDealsAndAStrangerGetsNothing()
    {
        var client = await SignedInAsync("m1@demo.salescrm");
        using var book = await WorkbookAsync(await client.GetAsync("/export/deals.xlsx"));
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var mine = (await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm").Select(d => d.Id).ToListAsync()).ToHashSet();
        var ids = book.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(1).GetDouble()).ToList();
        Assert.Equal(mine.Count, ids.Count);
        Assert.All(ids, id => Assert.Contains(id, mine));

        var anonymous = await app.NewClient().GetAsync("/export/deals.xlsx");
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        var report = await client.GetAsync("/export/report.xlsx");
        Assert.Equal(HttpStatusCode.Forbidden, report.StatusCode);
    }

    [Fact]
    public async Task TheTaskExportHoldsTheWholeViewOfThePageAndNotAStrangersTasks()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        using var book = await WorkbookAsync(await client.GetAsync("/export/tasks.xlsx?view=open"));
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var lead = await db.Managers.SingleAsync(m => m.Email == "lead@demo.salescrm");
        var team = await db.Managers.Where(m => m.TeamId == lead.TeamId).Select(m => m.Id).ToListAsync();
        var expected = await db.Tasks.Where(t => team.Contains(t.AssigneeId) && t.Status == SalesCrm.Domain.Tasks.TaskState.Open)
            .OrderBy(t => t.DueAt).ThenBy(t => t.Id).Select(t => t.Id).ToListAsync();
        Assert.True(expected.Count > 50, "more open tasks than one page");
        Assert.Equal(expected, book.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(1).GetDouble()));
        Assert.Contains("открытые", book.Worksheet(1).Cell(1, 1).GetString());

        var stranger = await db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/export/tasks.xlsx?assignee={stranger}")).StatusCode);
    }

    [Fact]
    public async Task ThePipelineExportHoldsTheBoardsCardsForTheSameFilters()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var before = clock.GetUtcNow().UtcDateTime;
        using var book = await WorkbookAsync(await client.GetAsync("/export/pipeline.xlsx?signal=Stuck"));
        var after = clock.GetUtcNow().UtcDateTime;
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var lead = await db.Managers.SingleAsync(m => m.Email == "lead@demo.salescrm");
        var team = await db.Managers.Where(m => m.TeamId == lead.TeamId).Select(m => m.Id).ToListAsync();
        var thresholds = await db.Stages.ToDictionaryAsync(s => s.Code, s => s.StuckAfterDays);
        var open = await db.Deals.Where(d => team.Contains(d.OwnerId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .Select(d => new { d.Id, d.Stage, d.StageEnteredAt }).ToListAsync();
        List<int> StuckAt(DateTime at) =>
            open.Where(d => SalesCrm.Domain.Deals.PipelineFigures.IsStuck(d.Stage, d.StageEnteredAt, thresholds[d.Stage], at)).Select(d => d.Id).ToList();
        // Read on the app's clock before and after the export: a deal crossing its threshold in between may be in either.
        var (surely, atMost) = (StuckAt(before), StuckAt(after));
        Assert.NotEmpty(surely);
        var ids = book.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(2).GetDouble()).ToList();
        Assert.Subset(atMost.ToHashSet(), ids.ToHashSet());
        Assert.Superset(surely.ToHashSet(), ids.ToHashSet());
        Assert.Contains("сигнал", book.Worksheet(1).Cell(1, 1).GetString());
    }

    [Fact]
    public async Task TheTeamScorecardsAndTheQualityFindingsExportWhatThePagesShow()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        await using var scope = app.Services.CreateAsyncScope();
        var lead = await new TestUser { Contexts = scope.ServiceProvider.GetRequiredService<SalesCrm.Data.IProviderContextFactory>() }.SignInAsAsync("lead@demo.salescrm");
        var options = app.Services.GetRequiredService<CrmOptions>();

        using var team = await WorkbookAsync(await client.GetAsync("/export/team.xlsx"));
        var sheet = team.Worksheet(1);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var sellers = await db.Managers.CountAsync(m => m.TeamId == lead.TeamId && m.IsActive && m.Role == SalesCrm.Domain.Teams.StaffRole.Manager);
        var rows = sheet.RowsUsed().Where(r => r.RowNumber() > 3).ToList();
        Assert.Equal(sellers + 1, rows.Count); // every manager and the team average
        Assert.Equal("Среднее по команде", rows[^1].Cell(1).GetString());
        Assert.Equal(1 + 2 * SalesCrm.Web.Components.Pages.Team.ScorecardMetrics.All.Count, sheet.Row(3).CellsUsed().Count());

        using var quality = await WorkbookAsync(await client.GetAsync("/export/quality.xlsx?rule=DealNoNextStep"));
        var report = await new SalesCrm.Data.Quality.QualityService(
            scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<SalesCrm.Data.CrmDbContext>>(), new FixedUser(lead),
            app.Services.GetRequiredService<TimeProvider>(), options, scope.ServiceProvider.GetRequiredService<SecurityLog>()).ReportAsync(null);
        var expected = report.Findings.Where(f => f.Rule == SalesCrm.Domain.Quality.QualityRule.DealNoNextStep).Select(f => f.RecordId).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, quality.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(3).GetDouble()).Order());
    }

    [Fact]
    public async Task LeadAndApprovalExportsHoldWhatTheUserSees()
    {
        var client = await SignedInAsync("m1@demo.salescrm");
        using var leads = await WorkbookAsync(await client.GetAsync("/export/leads.xlsx?view=all"));
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var m1 = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync();
        var mine = await db.Leads.Where(l => l.AssigneeId == m1).OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Select(l => l.Id).ToListAsync();
        Assert.Equal(mine, leads.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(1).GetDouble()));
        // Products by name, as people know them, never by catalogue code.
        var codes = await db.Products.Select(p => p.Code).ToListAsync();
        Assert.DoesNotContain(leads.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => r.Cell(9).GetString()), codes.Contains);

        using var clients = await WorkbookAsync(await client.GetAsync("/export/clients.xlsx?sort=Name"));
        var clientIds = clients.Worksheet(1).RowsUsed().Where(r => r.RowNumber() > 3).Select(r => (int)r.Cell(1).GetDouble()).ToList();
        Assert.NotEmpty(clientIds);
        var seen = await db.Clients.Where(c => clientIds.Contains(c.Id))
            .CountAsync(c => c.OwnerId == m1 || db.Deals.Any(d => d.ClientId == c.Id && d.OwnerId == m1));
        Assert.Equal(clientIds.Count, seen);
        Assert.Equal(clientIds.Count, await db.Clients.CountAsync(c => c.OwnerId == m1 || db.Deals.Any(d => d.ClientId == c.Id && d.OwnerId == m1)));

        using var renewals = await WorkbookAsync(await client.GetAsync("/export/renewals.xlsx?days=90"));
        var today = app.Services.GetRequiredService<CrmOptions>().Today(DateTime.UtcNow);   // the department's date, as the page counts
        var ending = await db.Contracts.CountAsync(c => c.OwnerId == m1 && c.State == SalesCrm.Domain.Contracts.ContractState.Active
            && c.EndDate >= today.AddDays(-1) && c.EndDate <= today.AddDays(90));
        Assert.InRange(renewals.Worksheet(1).RowsUsed().Count(r => r.RowNumber() > 3), ending - 1, ending);

        var lead = await SignedInAsync("lead@demo.salescrm");
        using var approvals = await WorkbookAsync(await lead.GetAsync("/export/approvals.xlsx?view=pending"));
        var team = await db.Managers.Where(m => m.Email == "lead@demo.salescrm").Select(m => m.TeamId).SingleAsync();
        var pending = await db.ApprovalRequests.CountAsync(a => a.State == SalesCrm.Domain.Approvals.ApprovalRequestState.Pending
            && db.Deals.Any(d => d.Id == a.DealId && d.Owner!.TeamId == team));
        Assert.Equal(Math.Min(200, pending), approvals.Worksheet(1).RowsUsed().Count(r => r.RowNumber() > 3));
    }

    /// <summary>A reader of the English interface gets the exports in English: sheets, headers, stages, statuses.</summary>
    [Fact]
    public async Task ExportsAreWrittenInTheReadersLanguage()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        using var deals = await WorkbookAsync(await client.GetAsync("/export/deals.xlsx?stage=Negotiation&culture=en-US"));
        var sheet = deals.Worksheet(1);
        Assert.Equal("Deals", sheet.Name);
        Assert.Equal("Premium", sheet.Cell(3, 7).GetString());
        Assert.Equal("Negotiation", sheet.Cell(4, 6).GetString());
        Assert.DoesNotMatch("\\p{IsCyrillic}", string.Join(" ", sheet.Row(3).CellsUsed().Select(c => c.GetString())));

        using var pack = await WorkbookAsync(await client.GetAsync("/export/report.xlsx?culture=en-US"));
        Assert.Equal("Summary", pack.Worksheet(1).Name);
        Assert.All(pack.Worksheets, w => Assert.DoesNotMatch("\\p{IsCyrillic}",
            w.Name + " " + string.Join(" ", w.Rows(1, 2).SelectMany(r => r.CellsUsed()).Select(c => c.GetString()))));

        using var russian = await WorkbookAsync(await client.GetAsync("/export/deals.xlsx?stage=Negotiation"));
        Assert.Equal("Премия", russian.Worksheet(1).Cell(3, 7).GetString());
    }

    [Fact]
    public async Task TheManagementPackWorkbookHoldsThePagesFigures()
    {
        var client = await SignedInAsync("lead@demo.salescrm");
        var options = app.Services.GetRequiredService<CrmOptions>();
        var period = ReportingPeriod.Containing(PeriodKind.Month, DateTime.UtcNow, options.TimeZone);
        using var book = await WorkbookAsync(await client.GetAsync($"/export/report.xlsx?kind=month&date={period.FirstDay:yyyy-MM-dd}"));

        // The same pack, as the page builds it for the same user and period.
        await using var scope = app.Services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<SalesCrm.Data.CrmDbContext>>();
        var lead = await new TestUser { Contexts = scope.ServiceProvider.GetRequiredService<SalesCrm.Data.IProviderContextFactory>() }.SignInAsAsync("lead@demo.salescrm");
        var reports = new ReportService(factory, new FixedUser(lead), TimeProvider.System, options, scope.ServiceProvider.GetRequiredService<LookupService>(),
            scope.ServiceProvider.GetRequiredService<SecurityLog>(), scope.ServiceProvider.GetRequiredService<SalesCrm.Data.Diagnostics.RitualLog>());
        var pack = await reports.BuildAsync(null, period);

        var summary = book.Worksheet("Сводка");
        Assert.Equal(pack.Scope.Name, summary.Cell(3, 2).GetString());
        Assert.Equal(pack.PlanKopecks / 100m, (decimal)summary.Cell(8, 2).GetDouble());
        Assert.Equal(pack.WonMonthKopecks / 100m, (decimal)summary.Cell(9, 2).GetDouble());
        Assert.Equal(pack.MonthForecast.ForecastKopecks / 100m, (decimal)summary.Cell(11, 2).GetDouble());

        // Each figure of the summary says what period it is of; each sheet states its period in its first row, headers in the second.
        Assert.Equal(summary.Cell(8, 3).GetString(), summary.Cell(9, 3).GetString());
        Assert.False(string.IsNullOrEmpty(summary.Cell(11, 3).GetString()));
        Assert.All(book.Worksheets.Skip(1), w => Assert.False(string.IsNullOrWhiteSpace(w.Cell(1, 1).GetString())));
        Assert.Contains(period.FirstDay.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture), book.Worksheet("Причины проигрыша").Cell(1, 1).GetString());

        var plan = book.Worksheet("План");
        Assert.Equal(pack.Plan.Count, plan.RowsUsed().Count() - 2);
        for (var i = 0; i < pack.Plan.Count; i++)
        {
            Assert.Equal(pack.Plan[i].Name, plan.Cell(i + 3, 1).GetString());
            Assert.Equal(pack.Plan[i].WonMonthKopecks / 100m, (decimal)plan.Cell(i + 3, 3).GetDouble());
        }
        var funnel = book.Worksheet("Воронка");
        Assert.Equal(pack.Funnel.Select(f => (double)f.Count), funnel.RowsUsed().Skip(2).Select(r => r.Cell(2).GetDouble()));
        var burning = book.Worksheet("Горящие сделки");
        Assert.Equal(pack.Burning.Select(b => (double)b.DealId), burning.RowsUsed().Skip(2).Select(r => r.Cell(1).GetDouble()));
        Assert.Equal(pack.LossesByProduct.Count + pack.LossesByIndustry.Count, book.Worksheet("Причины проигрыша").RowsUsed().Count() - 2);
        Assert.Equal(pack.Team.Count, book.Worksheet("Команда").RowsUsed().Count() - 2);
        Assert.True(plan.SheetView.SplitRow == 2);
        Assert.NotNull(plan.AutoFilter);
    }

    private sealed class FixedUser(CurrentUser user) : IUserContext
    {
        public CurrentUser? Cached => user;

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult<CurrentUser?>(user);
    }
}

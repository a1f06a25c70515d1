using ClosedXML.Excel;
using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>The team lead downloads the weekly pack from /reports and the workbook holds what the page shows.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class ReportsInBrowser(RunningApp app)
{
    [Fact]
    public async Task ExportXlsxDownloadsTheWorkbookWithThePagesFigures()
    {
        var lead = await app.SignedInPageAsync("lead@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(lead, "/reports?kind=month");
        await Expect(lead.GetByTestId("report-plan")).ToBeVisibleAsync();
        var shownPlan = await lead.Locator("[data-testid=plan-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.managerId + ':' + r.dataset.won)");
        var negotiation = await lead.Locator("[data-testid=report-funnel-stage][data-stage=Negotiation]").GetAttributeAsync("data-count");

        var download = await lead.RunAndWaitForDownloadAsync(() => lead.GetByTestId("export-xlsx").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var path = await download.PathAsync();
        using var book = new XLWorkbook(new MemoryStream(await File.ReadAllBytesAsync(path)));
        var funnel = book.Worksheet("Воронка");
        var row = funnel.RowsUsed().Single(r => r.Cell(1).GetString() == "Переговоры");
        Assert.Equal(negotiation, ((int)row.Cell(2).GetDouble()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var plan = book.Worksheet("План");
        var wonInBook = plan.RowsUsed().Skip(2).Select(r => (long)Math.Round(r.Cell(3).GetDouble() * 100)).Order().ToList();
        Assert.Equal(shownPlan.Select(s => long.Parse(s.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList(), wonInBook);
        Assert.Equal("Отчёт для планёрки", book.Worksheet("Сводка").Cell(1, 1).GetString());
        await lead.Context.CloseAsync();
    }
}

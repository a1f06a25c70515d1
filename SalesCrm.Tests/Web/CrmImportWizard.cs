using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Imports;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Pages.Admin;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The import wizard as the head uses it: files added, recognised and listed, what the files need mapped shown with the
/// first guesses, the dry run's counts, the import started, its progress arriving live, and the same files then shown as
/// already imported.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class CrmImportWizard : CrmComponentTest
{
    private static readonly Encoding Windows1251 = CodePages();

    private static Encoding CodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1251);
    }

    [Fact]
    public async Task TheHeadSeesTheDryRunImportsAndWatchesItEndLive()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.FullName).SingleAsync());
        var tag = Guid.NewGuid().ToString("N")[..6];
        var deals = Windows1251.GetBytes($"""
            "ID";"Название сделки";"Стадия сделки";"Сумма";"Валюта";"Ответственный";"Дата создания";"Компания";"Товар";
            "1";"Склад";"Новая";"100 000";"RUB";"{m1}";"01.12.2026";"ООО «Мастер {tag}»";"Грузы";
            "2";"Офис";"Сделка успешна";"250 000";"RUB";"{m1}";"02.12.2026";"ООО «Мастер {tag}»";"Грузы";
            "3";"Доллары";"Новая";"5 000";"USD";"{m1}";"02.12.2026";"ООО «Мастер {tag}»";"Грузы";
            """.ReplaceLineEndings("\r\n"));

        var cut = RenderInLayout<ImportSection>(_ => { });
        cut.WaitForElement("[data-testid=crm-import]");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(deals, "DEAL_20261207.csv"));

        cut.WaitForElement("[data-testid=crm-import-summary]");
        Assert.Equal("Deals", cut.Find("[data-testid=crm-import-file]").GetAttribute("data-kind"));
        // Every value guessed: the stages by Bitrix24's names, the manager by name, the product by ours.
        Assert.Empty(cut.FindAll("[data-testid=crm-import-unanswered]"));
        Assert.Contains(cut.FindAll("[data-testid=crm-import-mapping-row]"), r => r.GetAttribute("data-external") == "Сделка успешна");
        var deal = cut.Find("[data-testid=crm-import-summary-row][data-kind=Deal]");
        Assert.Equal("2", deal.QuerySelector("[data-outcome=New]")!.TextContent);
        Assert.Equal("1", deal.QuerySelector("[data-outcome=Refused]")!.TextContent);
        Assert.Contains(cut.FindAll("[data-testid=crm-import-row][data-outcome=Refused]"), r => r.TextContent.Contains("USD"));

        cut.Find("[data-testid=crm-import-start]").Click();
        cut.WaitForElement("[data-testid=crm-import-run]");
        var runId = (await H.Get<CrmImportService>().RunsAsync()).First().Id;

        // The worker of the app does this; the page follows it through the live notifier.
        await new CrmImportJob(H.Get<IProviderContextFactory>(), new CrmExportReader(), H.Events, H.Time, NullLogger<CrmImportJob>.Instance).RunAsync(runId);

        cut.WaitForAssertion(() => Assert.Equal("Completed", cut.Find("[data-testid=crm-import-run]").GetAttribute("data-state")));
        // The dry run of the same files is made again: everything is already here.
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=crm-import-summary-row][data-kind=Deal] [data-outcome=Imported]").TextContent));
        Assert.Equal("1", cut.Find("[data-testid=crm-import-summary-row][data-kind=Company] [data-outcome=Imported]").TextContent);
        Assert.True(cut.Find("[data-testid=crm-import-start]").HasAttribute("disabled"));
        Assert.Equal(2, await H.QueryAsync(db => db.Deals.CountAsync(d => d.Client!.Name == $"ООО «Мастер {tag}»")));
    }

    [Fact]
    public async Task AManagerIsToldTheImportIsNotTheirs()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var cut = Render<ImportSection>();
        cut.WaitForElement("[data-testid=access-denied]");
        Assert.Empty(cut.FindAll("[data-testid=crm-import-files]"));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The embeddable form on a company's site — another origin, served here by a stand-in web server on 127.0.0.1 — drawn by the
/// app's script, filled in Chromium and sent across origins: the lead arrives with the visit's UTM tags and the page.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class WebsiteFormInBrowser(RunningApp app)
{
    [Fact]
    public async Task AVisitorsSendingFromTheCompanysSiteBecomesALeadWithItsUtmTags()
    {
        WebForm form;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            form = new WebForm("Лендинг КАСКО (e2e)", RunningApp.Clock.GetUtcNow().UtcDateTime);
            db.WebForms.Add(form);
            await db.SaveChangesAsync();
        }
        await using var site = StandInServer.New();
        site.MapGet("/kasko", () => Results.Content($"""
            <!doctype html><html lang="ru"><head><meta charset="utf-8"><title>КАСКО</title></head>
            <body><h1>Рассчитать КАСКО</h1><script src="{app.BaseUrl}/forms/{form.PublicKey}.js" async></script></body></html>
            """, "text/html; charset=utf-8"));
        await site.StartAsync();

        var phone = "7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Urls.First() + "/kasko?utm_source=yandex&utm_campaign=fleet");
        var visitorForm = page.Locator("form.salescrm-form");
        await visitorForm.Locator("input[name=name]").FillAsync("Пётр Сидоров");
        await visitorForm.Locator("button[type=submit]").ClickAsync();
        await Expect(visitorForm.Locator("[role=status]")).ToHaveTextAsync("Укажите телефон или e-mail.");
        await visitorForm.Locator("input[name=phone]").FillAsync("+" + phone);
        await visitorForm.Locator("input[name=company]").FillAsync("ООО «Автопарк»");
        await visitorForm.Locator("button[type=submit]").ClickAsync();
        await Expect(visitorForm.Locator("[role=status]")).ToContainTextAsync("Спасибо");

        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.PhoneNormalized == phone);
            Assert.Equal(("Пётр Сидоров", "ООО «Автопарк»", LeadChannel.Website), (lead.ContactName, lead.CompanyName, lead.Channel));
            Assert.Equal("yandex", lead.SourceTags["utm_source"]);
            Assert.Equal("fleet", lead.SourceTags["utm_campaign"]);
            Assert.Equal(form.Name, lead.SourceTags["form"]);
            Assert.StartsWith(site.Urls.First() + "/kasko", lead.SourceTags["page"]);
        }
        await context.CloseAsync();
    }
}

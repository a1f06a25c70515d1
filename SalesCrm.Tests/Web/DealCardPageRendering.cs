using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals;
using SalesCrm.Web.Live;
using SalesCrm.Web.Services;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class DealCardPageRendering : CrmComponentTest
{
    private Task<Deal> DealAsync(string owner, StageCode stage) => H.DealAtAsync(owner, stage);

    [Fact]
    public async Task ShowsTheDealInRussianWithItsStageAndTheReachableMoves()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");

        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));

        page.WaitForAssertion(() => Assert.Equal("Qualification", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        Assert.Contains(deal.Client!.Name, page.Markup);
        Assert.Contains("Перевести на этап", page.Markup);
        Assert.Contains("Следующий шаг", page.Markup);
        var moves = page.FindAll("[data-testid=move-stage]").Select(b => b.GetAttribute("data-stage")).ToList();
        Assert.Contains("NeedsAnalysis", moves);
        Assert.Contains("Lost", moves);
        Assert.DoesNotContain("Qualification", moves);
        Assert.NotEmpty(page.FindAll("[data-testid=timeline-item][data-kind=stage]"));
    }

    [Fact]
    public async Task MovingAStageFromTheCardSavesItAndShowsTheNewStage()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=move-stage][data-stage=NeedsAnalysis]");

        await page.Find("[data-testid=move-stage][data-stage=NeedsAnalysis]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("NeedsAnalysis", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(StageCode.NeedsAnalysis, stored.Stage);
    }

    [Fact]
    public async Task AChangeSavedElsewhereReRendersTheOpenCard()
    {
        var deal = await DealAsync("m2@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=deal-stage][data-stage=NeedsAnalysis]");
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));

        // Another session (same data layer, another scope) moves the deal; the notifier delivers it after the commit.
        await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost, LossReason.NoBudget);

        page.WaitForAssertion(() => Assert.Equal("Lost", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        Assert.Contains("Нет бюджета", page.Markup);
    }

    [Fact]
    public async Task DisposingTheCardRemovesItsSubscription()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=deal-stage]");
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));
    }

    [Fact]
    public async Task AForeignDealShowsAccessDeniedAndNotTheDeal()
    {
        var foreign = await DealAsync("m5@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");

        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, foreign.Id));

        page.WaitForElement("[data-testid=access-denied]");
        Assert.Empty(page.FindAll("[data-testid=deal-stage]"));
        Assert.DoesNotContain(foreign.Client!.Name, page.Markup);
    }

    [Fact]
    public async Task MovingToLostAsksForTheReasonFirst()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=move-stage][data-stage=Lost]");

        await page.Find("[data-testid=move-stage][data-stage=Lost]").ClickAsync(new());
        Providers.WaitForAssertion(() => Assert.Contains("Причина проигрыша обязательна", Providers.Markup));
        await Providers.Find("[data-testid=dialog-save]").ClickAsync(new());

        Providers.WaitForAssertion(() => Assert.Contains("Укажите причину проигрыша", Providers.Markup));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(StageCode.NeedsAnalysis, stored.Stage);
    }

    [Fact]
    public async Task AnEditTypedWhileSomeoneElseSavedBecomesAConflictNotAnOverwrite()
    {
        var deal = await DealAsync("m2@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=edit-terms]");

        // The team lead opens the terms dialog…
        await page.Find("[data-testid=edit-terms]").ClickAsync(new());
        Providers.WaitForElement("[data-testid=terms-premium]");

        // …meanwhile the owner saves another premium; the card behind the dialog refreshes live.
        // Both raise the premium (lowering it needs an approved discount), whatever premium the demo gave the deal.
        var owners = deal.PremiumKopecks / 100 + 500_000;
        var leads = deal.PremiumKopecks / 100 + 700_000;
        await H.Get<DealService>().UpdateTermsAsync(deal.Id, deal.Version, owners * 100, deal.ExpectedCloseDate);
        page.WaitForAssertion(() => Assert.Equal(owners.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Concat(page.Find("[data-testid=deal-premium]").TextContent.Where(char.IsAsciiDigit))));

        // The lead's save is checked against the version they saw when they opened the dialog.
        await Providers.Find("[data-testid=terms-premium]").ChangeAsync(new() { Value = leads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var save = Providers.Find("[data-testid=dialog-save]").ClickAsync(new()); // completes once the user answers the conflict

        Providers.WaitForElement("[data-testid=concurrency-conflict]");
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(owners * 100, stored.PremiumKopecks);

        // "Apply my changes": the lead's value goes in on top of the version now shown.
        await Providers.Find("[data-testid=conflict-reapply]").ClickAsync(new());
        await save;
        stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(leads * 100, stored.PremiumKopecks);
    }

    [Fact]
    public async Task AColleaguesChangeOfTheTextBeingTypedIsShownBesideTheUsersOwn()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("textarea[data-testid=deal-strategy]");

        // The save button is always clickable (one click saves even when it also leaves the field); with nothing typed it
        // saves nothing. Then the manager types (not saved yet)…
        Assert.False(page.Find("[data-testid=save-notes]").HasAttribute("disabled"));
        var version = (await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).Version;
        await page.Find("[data-testid=save-notes]").ClickAsync(new());
        Assert.Equal(version, (await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).Version);
        await page.Find("textarea[data-testid=deal-strategy]").InputAsync(new() { Value = "Мой вариант стратегии" });

        // …and the team lead saves another strategy; the card reloads live.
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new(deal.NegotiationStrategy, "Вариант руководителя"), new(deal.Agreements, deal.Agreements));
        await H.User.SignInAsAsync("m1@demo.salescrm");

        page.WaitForAssertion(() => Assert.Contains("Вариант руководителя", page.Find("[data-testid=deal-strategy-theirs]").TextContent));
        Assert.Equal("Мой вариант стратегии", page.Find("textarea[data-testid=deal-strategy]").GetAttribute("value") ?? page.Find("textarea[data-testid=deal-strategy]").TextContent);
        Assert.True(page.Find("[data-testid=save-notes]").HasAttribute("disabled"));

        // The manager keeps their own text, knowingly, and saves it.
        await page.Find("[data-testid=deal-strategy-keep-mine]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=save-notes]").HasAttribute("disabled")));
        await page.Find("[data-testid=save-notes]").ClickAsync(new());
        Assert.Equal("Мой вариант стратегии", (await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).NegotiationStrategy);
    }

    [Fact]
    public async Task ALiveUpdateRendersInTheUsersLanguageNotInTheCommittingThreads()
    {
        var deal = await DealAsync("m2@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = new("en-US");
        try
        {
            var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
            page.WaitForElement("[data-testid=deal-stage][data-stage=NeedsAnalysis]");
            Assert.Contains("Negotiation", page.Markup);

            // Someone working in Russian moves the deal; the event is delivered from their thread.
            await Task.Run(async () =>
            {
                System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = new("ru-RU");
                await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost, LossReason.NoBudget);
            }, Xunit.TestContext.Current.CancellationToken);

            page.WaitForAssertion(() => Assert.Equal("Lost", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
            Assert.DoesNotContain("Переговоры", page.Markup);
            Assert.Contains("Negotiation", page.Markup);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }
}

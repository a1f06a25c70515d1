using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Layout;

namespace SalesCrm.Tests.Web;

/// <summary>The screen-pop as the manager sees it: a call at their extension shows the caller's card live, in Russian.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ScreenPopRendering : CrmComponentTest
{
    [Fact]
    public async Task ARingingCallShowsTheClientAndTheirDealAndGoesAwayWhenAnsweredElsewhere()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(ConnectionString, "m1@demo.salescrm");
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var client = await H.QueryAsync(db => db.Deals.Where(d => d.Id == dealId).Select(d => d.Client!.Name).SingleAsync());
        var colleague = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync());
        var pop = Render<ScreenPop>(p => p.Add(x => x.ManagerId, me.ManagerId));
        var now = H.Time.GetUtcNow().UtcDateTime;

        // A colleague's phone rings: nothing here.
        await Live.PublishAsync([new CallLegChanged(colleague, "mango:other", Phone.Normalize(phone), CallLegState.Ringing, now)], default);
        await Live.PublishAsync([new CallLegChanged(me.ManagerId, "mango:mine", Phone.Normalize(phone), CallLegState.Ringing, now)], default);
        pop.WaitForAssertion(() => Assert.Equal("Client", pop.Find("[data-testid=screen-pop]").GetAttribute("data-kind")));
        Assert.Single(pop.FindAll("[data-testid=screen-pop]"));
        Assert.Equal("mango:mine", pop.Find("[data-testid=screen-pop]").GetAttribute("data-call-id"));
        Assert.Contains("Входящий звонок", pop.Markup);
        Assert.Contains(client, pop.Markup);
        Assert.Equal($"/deals/{dealId}", pop.Find("[data-testid=screen-pop-open]").GetAttribute("href"));

        // Ended without being answered here: it goes away.
        await Live.PublishAsync([new CallLegChanged(me.ManagerId, "mango:mine", Phone.Normalize(phone), CallLegState.Ended, now.AddSeconds(20))], default);
        pop.WaitForAssertion(() => Assert.Empty(pop.FindAll("[data-testid=screen-pop]")));

        // A stranger answered here stays, marked ended, until closed.
        await Live.PublishAsync([new CallLegChanged(me.ManagerId, "zadarma:2", "79990001122", CallLegState.Talking, now.AddMinutes(1))], default);
        pop.WaitForAssertion(() => Assert.Equal("Unknown", pop.Find("[data-testid=screen-pop]").GetAttribute("data-kind")));
        Assert.Contains("после звонка он станет лидом", pop.Markup);
        await Live.PublishAsync([new CallLegChanged(me.ManagerId, "zadarma:2", "79990001122", CallLegState.Ended, now.AddMinutes(2))], default);
        pop.WaitForAssertion(() => Assert.Equal("Ended", pop.Find("[data-testid=screen-pop]").GetAttribute("data-state")));
        await pop.Find("[data-testid=screen-pop-close]").ClickAsync(new());
        pop.WaitForAssertion(() => Assert.Empty(pop.FindAll("[data-testid=screen-pop]")));
    }
}

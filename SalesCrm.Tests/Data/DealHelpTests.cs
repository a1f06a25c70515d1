using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>"Needs help": the owner escalates a deal to the team lead, who is notified; the request is in the timeline.</summary>
public sealed class DealHelpRequest : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheOwnerAsksTheTeamLeadIsNotifiedAndOthersCannotAsk()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var lead = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "lead@demo.salescrm").Select(m => m.Id).SingleAsync());
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var card = await H.Get<DealService>().AskForHelpAsync(deal.Id, HelpReason.AggressiveObjections, "Конкурент демпингует на 30 %");
        Assert.Contains(card.Timeline, t => t.Kind == TimelineKind.Activity && (t.Text ?? "").Contains("Жёсткие возражения: Конкурент демпингует"));
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == lead && n.Kind == NotificationKind.Escalation
            && n.Link == $"/deals/{deal.Id}" && n.Body!.Contains("Конкурент демпингует"))));

        await H.User.SignInAsAsync("lead@demo.salescrm"); // sees the deal but is not its owner
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<DealService>().AskForHelpAsync(deal.Id, HelpReason.VipClient, null));
        await H.User.SignInAsAsync("m2@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<DealService>().AskForHelpAsync(deal.Id, HelpReason.VipClient, null));
        Assert.Equal(1, await H.QueryAsync(db => db.Activities.CountAsync(a => a.DealId == deal.Id && a.Kind == ActivityKind.Note && a.Outcome == "Нужна помощь руководителя")));
    }
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>"Needs help": the owner escalates a deal to the team lead, who is notified; the request is in the timeline.</summary>
[Trait(TestKind.Key, TestKind.Data)]
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

/// <summary>"After the meeting": the meeting, the agreements, the stage and the follow-ups in one save, all or nothing.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class AfterMeetingForm : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<(int Meetings, int Tasks, string? Agreements, StageCode Stage)> StateAsync(int dealId) => H.QueryAsync(async db => (
        await db.Activities.CountAsync(a => a.DealId == dealId && a.Kind == ActivityKind.Meeting),
        await db.Tasks.CountAsync(t => t.DealId == dealId),
        await db.Deals.Where(d => d.Id == dealId).Select(d => d.Agreements).SingleAsync(),
        await db.Deals.Where(d => d.Id == dealId).Select(d => d.Stage).SingleAsync()));

    [Fact]
    public async Task ARefusedPartLeavesTheDealAsItWasAndAGoodFormSavesEverything()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var deals = H.Get<DealService>();
        var card = await deals.GetCardAsync(deal.Id);
        var before = await StateAsync(deal.Id);
        var now = H.Time.GetUtcNow().UtcDateTime;
        (string, DateTime)[] followUps = [("Отправить расчёт", now.AddDays(2)), ("Созвониться с юристом", now.AddDays(4))];

        // "Contract signing" needs a proposal the deal does not have: nothing of the form is saved.
        await Assert.ThrowsAsync<DomainException>(() => deals.AfterMeetingAsync(deal.Id, card.Version,
            new AfterMeetingInput("Клиент готов подписывать", 60, "Франшиза 50 000 ₽", StageCode.ContractSigning, null, null, followUps)));
        Assert.Equal(before, await StateAsync(deal.Id));
        // A follow-up in the past: nothing saved either.
        await Assert.ThrowsAsync<DomainException>(() => deals.AfterMeetingAsync(deal.Id, card.Version,
            new AfterMeetingInput("Встретились", 30, "Франшиза 50 000 ₽", StageCode.NeedsAnalysis, null, null, [("Вчерашняя задача", now.AddDays(-1))])));
        Assert.Equal(before, await StateAsync(deal.Id));

        var saved = await deals.AfterMeetingAsync(deal.Id, card.Version,
            new AfterMeetingInput("Обсудили объекты и франшизу, ЛПР за", 60, "Франшиза 50 000 ₽, оплата в два транша", StageCode.NeedsAnalysis, null, null, followUps));
        var after = await StateAsync(deal.Id);
        Assert.Equal(before.Meetings + 1, after.Meetings);
        Assert.Equal(before.Tasks + 2, after.Tasks);
        Assert.Equal("Франшиза 50 000 ₽, оплата в два транша", after.Agreements);
        Assert.Equal(StageCode.NeedsAnalysis, after.Stage);
        Assert.Equal(StageCode.NeedsAnalysis, saved.Stage);

        // A stale version is a conflict, not an overwrite.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => deals.AfterMeetingAsync(deal.Id, card.Version,
            new AfterMeetingInput("Ещё встреча", 30, null, null, null, null, [])));
    }

    [Fact]
    public async Task TheTeamLeadsFollowUpsReplaceTheOverdueStepAndTheOwnerIsTold()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        var m1 = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm"));
        var now = H.Time.GetUtcNow().UtcDateTime;
        int overdueId;
        await using (var db = H.Db())
        {
            var overdue = new TaskItem(TaskKind.FollowUp, "Позвонить после встречи", m1.Id, m1.Id, now.AddDays(-2), deal.Id, deal.ClientId, null, now.AddDays(-5));
            db.Tasks.Add(overdue);
            await db.SaveChangesAsync();
            overdueId = overdue.Id;
        }
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var deals = H.Get<DealService>();
        var card = await deals.GetCardAsync(deal.Id);
        var saved = await deals.AfterMeetingAsync(deal.Id, card.Version,
            new AfterMeetingInput("Встретились вместе с клиентом", 60, null, null, null, null, [("Подготовить КП на два варианта", now.AddDays(1))]));

        Assert.Equal("Подготовить КП на два варианта", saved.NextStep?.Title);
        Assert.NotEqual(TaskState.Open, await H.QueryAsync(db => db.Tasks.Where(t => t.Id == overdueId).Select(t => t.Status).SingleAsync()));
        var told = await H.QueryAsync(db => db.Notifications.Where(n => n.RecipientId == m1.Id && n.Link == $"/deals/{deal.Id}").OrderByDescending(n => n.Id).FirstAsync());
        Assert.Contains("Подготовить КП на два варианта", told.Body);
    }
}

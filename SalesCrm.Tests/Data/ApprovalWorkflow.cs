using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>Approvals through the services on the demo data: routing, the deal's rules while pending, decisions, SLA, access.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ApprovalWorkflow : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<int> IdOfAsync(string email) => H.QueryAsync(db => db.Managers.Where(m => m.Email == email).Select(m => m.Id).SingleAsync());

    /// <summary>m1 asks for <paramref name="percent"/> off one of their open deals.</summary>
    private async Task<(Deal Deal, int RequestId)> RequestAsync(decimal percent)
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var requested = deal.PremiumKopecks - (long)Math.Round(deal.PremiumKopecks * percent / 100m);
        var id = await H.Get<ApprovalService>().RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, requested,
            "Конкурент предложил дешевле", null));
        return (deal, id);
    }

    private Task<ApprovalRequest> LoadAsync(int id) => H.QueryAsync(db => db.ApprovalRequests.AsNoTracking().Include(a => a.Decisions).SingleAsync(a => a.Id == id));

    [Fact]
    public async Task ARequestRoutesByTheMatrixFreezesThePremiumAndBlocksSendingTheProposal()
    {
        var (deal, id) = await RequestAsync(5);
        var request = await LoadAsync(id);
        Assert.Equal(ApprovalLevel.TeamLead, request.Level);
        var lead = await IdOfAsync("lead@demo.salescrm");
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == lead && n.Kind == NotificationKind.Approval && n.Link == $"/approvals?id={id}")));

        var deals = H.Get<DealService>();
        var card = await deals.GetCardAsync(deal.Id);
        Assert.Equal(ApprovalState.Pending, card.ApprovalState);
        var frozen = await Assert.ThrowsAsync<DomainException>(() => deals.UpdateTermsAsync(deal.Id, card.Version, card.PremiumKopecks - 100, card.ExpectedCloseDate));
        Assert.Contains("согласован", frozen.Message);
        Assert.Contains(card.Moves, m => m.Stage == StageCode.ProposalSent && m.BlockedReason is not null);

        // A second request while one is pending, a request on someone else's deal, nonsense numbers: refused.
        var approvals = H.Get<ApprovalService>();
        await Assert.ThrowsAsync<DomainException>(() => approvals.RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, 90_00, "Ещё", null)));
        var other = await H.DealAtAsync("m2@demo.salescrm", StageCode.NeedsAnalysis);
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.RequestAsync(other.Id, new ApprovalInput(ApprovalKind.Discount, 90_00, "Чужая", null)));
        var fresh = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<DomainException>(() => approvals.RequestAsync(fresh.Id, new ApprovalInput(ApprovalKind.Discount, fresh.PremiumKopecks + 100, "Больше базы", null)));
        await Assert.ThrowsAsync<DomainException>(() => approvals.RequestAsync(fresh.Id, new ApprovalInput(ApprovalKind.Discount, 90_00, " ", null)));
    }

    [Fact]
    public async Task FifteenPercentGoesToTheHeadWhoseApprovalAppliesThePremiumAndTellsTheRequester()
    {
        var (deal, id) = await RequestAsync(15);
        Assert.Equal(ApprovalLevel.Head, (await LoadAsync(id)).Level);
        var m1 = await IdOfAsync("m1@demo.salescrm");

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var asLead = H.Get<ApprovalService>();
        var pending = await asLead.ListAsync(ApprovalView.Pending);
        // The request that just arrived heads the inbox; the rest follow newest first.
        Assert.Equal(id, pending[0].Id);
        Assert.Equal(pending.Select(r => r.LevelSince).OrderDescending(), pending.Select(r => r.LevelSince));
        Assert.DoesNotContain(await asLead.ListAsync(ApprovalView.ForMe), r => r.Id == id);
        var version = (await asLead.DetailAsync(id)).Version;
        await Assert.ThrowsAsync<AccessDeniedException>(() => asLead.ApproveAsync(id, version, null));
        await asLead.EscalateAsync(id, version, ApprovalLevel.Head, "Поддерживаю, клиент с филиалами");

        await H.User.SignInAsAsync("head@demo.salescrm");
        var asHead = H.Get<ApprovalService>();
        var detail = await asHead.DetailAsync(id);
        Assert.Contains(detail.Thread, m => m.Kind == DecisionKind.Escalate && m.Comment == "Поддерживаю, клиент с филиалами");
        await asHead.ApproveAsync(id, detail.Version, null);

        var after = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        var request = await LoadAsync(id);
        Assert.Equal(ApprovalRequestState.Approved, request.State);
        Assert.Equal(ApprovalState.Approved, after.ApprovalState);
        Assert.Equal(request.RequestedPremiumKopecks, after.PremiumKopecks);
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == m1 && n.Title.StartsWith("Согласовано"))));
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == nameof(ApprovalRequest) && a.EntityId == id.ToString())));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var timeline = (await H.Get<DealService>().GetCardAsync(deal.Id)).Timeline;
        Assert.Contains(timeline, t => t.Kind == TimelineKind.Approval && t.Subject == "Approve");
    }

    [Fact]
    public async Task RejectingNeedsACommentAndFreesThePremium()
    {
        var (deal, id) = await RequestAsync(5);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var approvals = H.Get<ApprovalService>();
        var version = (await approvals.DetailAsync(id)).Version;
        await Assert.ThrowsAsync<DomainException>(() => approvals.RejectAsync(id, version, "  "));
        await approvals.RejectAsync(id, version, "Убыточность клиента выше 70 %");
        Assert.Equal(ApprovalState.Rejected, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.ApprovalState).SingleAsync()));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var card = await H.Get<DealService>().GetCardAsync(deal.Id);
        // The premium is free again: raised without anyone (lowering it is another request).
        await H.Get<DealService>().UpdateTermsAsync(deal.Id, card.Version, card.PremiumKopecks + 100, card.ExpectedCloseDate);
    }

    [Fact]
    public async Task AManagerCannotDecideAndAnUnderwriterSeesOnlyWhatWasEscalatedToUnderwriting()
    {
        var (_, toLead) = await RequestAsync(5);
        var (_, toUnderwriting) = await RequestAsync(8);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var asManager = H.Get<ApprovalService>();
        var version = (await asManager.DetailAsync(toLead)).Version;
        await Assert.ThrowsAsync<AccessDeniedException>(() => asManager.ApproveAsync(toLead, version, null));

        await H.User.SignInAsAsync("m5@demo.salescrm"); // another team's manager
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ApprovalService>().DetailAsync(toLead));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var asLead = H.Get<ApprovalService>();
        await asLead.EscalateAsync(toUnderwriting, (await asLead.DetailAsync(toUnderwriting)).Version, ApprovalLevel.Underwriting, "Проверьте риск");

        await H.User.SignInAsAsync("uw@demo.salescrm");
        var asUnderwriter = H.Get<ApprovalService>();
        var visible = (await asUnderwriter.ListAsync(ApprovalView.Pending)).Select(r => r.Id).ToList();
        Assert.Contains(toUnderwriting, visible);
        Assert.DoesNotContain(toLead, visible);
        Assert.All(await asUnderwriter.ListAsync(ApprovalView.Decided), r => Assert.True(H.QueryAsync(db => db.ApprovalRequests.AnyAsync(a => a.Id == r.Id && a.InvolvesUnderwriting)).Result));
        await Assert.ThrowsAsync<AccessDeniedException>(() => asUnderwriter.DetailAsync(toLead));
        var detail = await asUnderwriter.DetailAsync(toUnderwriting);
        Assert.True(detail.Row.CanDecide);
        await asUnderwriter.ApproveAsync(toUnderwriting, detail.Version, "Риск приемлемый");
        Assert.Equal(ApprovalRequestState.Approved, (await LoadAsync(toUnderwriting)).State);
    }

    [Fact]
    public async Task AfterTheSlaTheScannerEscalatesToTheHeadOnceAndTellsEveryone()
    {
        // Three working days in a row (by the production calendar) from 10:00 in Moscow: the 24-hour SLA counts the rest of
        // the first working day, the whole second one and runs out during the third.
        var calendar = await H.Get<SalesCrm.Data.Calendar.WorkingCalendarSource>().CurrentAsync();
        var hours = calendar.Hours(null);
        var day = H.Time.GetUtcNow().UtcDateTime.Date.AddDays(1);
        while (!Enumerable.Range(0, 3).All(i => calendar.IsWorkingDay(DateOnly.FromDateTime(day.AddDays(i))))) day = day.AddDays(1);
        var due = hours.Start.ToTimeSpan() + TimeSpan.FromHours(24) - (hours.End.ToTimeSpan() - TimeSpan.FromHours(10)) - (hours.End - hours.Start);
        H.Time.SetUtcNow(day.AddHours(10 - 3));
        var (_, id) = await RequestAsync(5);
        var scanner = H.Get<ApprovalSlaScanner>();
        H.Time.Advance(TimeSpan.FromHours(25)); // a day on the clock, a few working hours: not late
        await scanner.ScanAsync();
        Assert.Equal(ApprovalLevel.TeamLead, (await LoadAsync(id)).Level);
        H.Time.SetUtcNow(day.AddDays(2).Add(due).AddHours(-3).AddMinutes(-1)); // a minute before it runs out, on the third day
        await scanner.ScanAsync(); // the demo's older requests may escalate; this one may not
        Assert.Equal(ApprovalLevel.TeamLead, (await LoadAsync(id)).Level);

        H.Time.Advance(TimeSpan.FromMinutes(2));
        await scanner.ScanAsync();
        await scanner.ScanAsync();
        var request = await LoadAsync(id);
        Assert.Equal(ApprovalLevel.Head, request.Level);
        Assert.Single(request.Decisions, d => d.Kind == DecisionKind.Escalate && d.DeciderId is null);
        var head = await IdOfAsync("head@demo.salescrm");
        var m1 = await IdOfAsync("m1@demo.salescrm");
        Assert.Equal(1, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.RecipientId == head && n.Kind == NotificationKind.Escalation && n.Link == $"/approvals?id={id}")));
        Assert.Equal(1, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.RecipientId == m1 && n.Kind == NotificationKind.Escalation && n.Link == $"/approvals?id={id}")));

        // The head changes the SLA in settings; a team lead cannot.
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ApprovalService>().SavePolicyAsync(15, 25, 4));
        await H.User.SignInAsAsync("head@demo.salescrm");
        await H.Get<ApprovalService>().SavePolicyAsync(15, 25, 4);
        var policy = await H.Get<ApprovalService>().PolicyAsync();
        Assert.Equal((15m, 25m, 4), (policy.TeamLeadPercent, policy.HeadPercent, policy.SlaHours));
        var (_, twelve) = await RequestAsync(12);
        Assert.Equal(ApprovalLevel.TeamLead, (await LoadAsync(twelve)).Level); // within the new 15 % limit
    }
}

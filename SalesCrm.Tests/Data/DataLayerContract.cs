using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// What every database provider must do, run against each real database: migrations apply,
/// every change is audited, concurrent edits are detected, events go out only after a commit,
/// and record-level access holds. Subclasses supply the database.
/// </summary>
public abstract class DataLayerContract : IAsyncLifetime
{
    protected ServiceHarness H { get; private set; } = default!;

    protected abstract Task<(string ConnectionString, DatabaseProvider Provider)> DatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        var (connection, provider) = await DatabaseAsync();
        H = await ServiceHarness.CreateAsync(connection, provider);
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<Deal> OpenDealOfAsync(string email, StageCode stage) => H.DealAtAsync(email, stage);

    [Fact]
    public async Task ANulCharacterIsRefusedInRussianOnEveryProvider()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var refused = await Assert.ThrowsAsync<DomainException>(async () =>
            await H.Get<ClientService>().ListAsync(new ClientListQuery { Text = "Ром\0ашка" }));
        Assert.Equal(SalesCrm.Data.Interceptors.NulCharacterGuard.Message, refused.Message);
        Assert.NotEmpty((await H.Get<ClientService>().ListAsync(new ClientListQuery())).Items);
    }

    [Fact]
    public async Task MigrationsLeaveNothingPending()
    {
        await using var db = H.Db();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(8, await db.Stages.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AStageMoveIsAuditedFieldByFieldWithTheActor()
    {
        var deal = await OpenDealOfAsync("m1@demo.salescrm", StageCode.Qualification);
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var card = await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.NeedsAnalysis);

        Assert.Equal(StageCode.NeedsAnalysis, card.Stage);
        Assert.Equal(deal.Version + 1, card.Version);
        var key = deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var audit = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == "Deal" && a.EntityId == key).ToListAsync());
        var stage = Assert.Single(audit, a => a.Field == "Stage");
        Assert.Equal("Qualification", stage.OldValue);
        Assert.Equal("NeedsAnalysis", stage.NewValue);
        Assert.Equal(me.ManagerId, stage.ActorId);
        Assert.Equal(me.FullName, stage.ActorName);
        Assert.Contains(audit, a => a.Field == "Probability");
        var history = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == "DealStageChange" && a.Action == AuditAction.Created).ToListAsync());
        Assert.Contains(history, a => a.NewValue!.Contains($"DealId={deal.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACreatedRecordIsAuditedWithItsNewKey()
    {
        await H.User.SignInAsAsync("m2@demo.salescrm");
        var id = await H.Get<ClientService>().CreateAsync(new ClientInput("ООО «Проверка Аудита»", Inn.Complete("772000001"), null,
            "IT", "Москва", ClientSegment.Small, "+7 495 000-00-01", "audit@example.ru", null, 0, false));
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await H.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.EntityType == "Client" && a.EntityId == key && a.Action == AuditAction.Created));
        Assert.Contains("Проверка Аудита", created.NewValue);
    }

    [Fact]
    public async Task TheSecondOfTwoConcurrentEditsIsRefusedWithTheCurrentValues()
    {
        var deal = await OpenDealOfAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var first = H.Get<DealService>();
        var second = H.Get<DealService>();
        var seen = await first.GetCardAsync(deal.Id);

        // Both raise the premium (lowering it needs an approved discount), whatever premium the demo gave the deal.
        var mine = seen.PremiumKopecks + 100_000_00;
        var theirs = seen.PremiumKopecks + 200_000_00;
        await first.UpdateTermsAsync(deal.Id, seen.Version, mine, seen.ExpectedCloseDate);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            second.UpdateTermsAsync(deal.Id, seen.Version, theirs, seen.ExpectedCloseDate));

        var current = Assert.IsType<DealCard>(conflict.Current);
        Assert.Equal(mine, current.PremiumKopecks);
        Assert.Contains(conflict.Changes, c => c.Field == "PremiumKopecks" && c.NewValue == mine.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(mine, stored.PremiumKopecks);

        // Re-applying on the version the user now sees works.
        var reapplied = await second.UpdateTermsAsync(deal.Id, current.Version, theirs, seen.ExpectedCloseDate);
        Assert.Equal(theirs, reapplied.PremiumKopecks);
    }

    [Fact]
    public async Task TheDatabaseRefusesAStaleVersionEvenWhenTheLoadWasCurrent()
    {
        var deal = await OpenDealOfAsync("m2@demo.salescrm", StageCode.Negotiation);
        await using var a = H.Db();
        await using var b = H.Db();
        var mine = await a.Deals.SingleAsync(d => d.Id == deal.Id);
        var theirs = await b.Deals.SingleAsync(d => d.Id == deal.Id);
        theirs.SetProbability(77, H.Time.GetUtcNow().UtcDateTime);
        await b.SaveChangesAsync();

        mine.SetProbability(33, H.Time.GetUtcNow().UtcDateTime);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => a.SaveChangesAsync());
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(77, stored.Probability);
    }

    [Fact]
    public async Task EventsArePublishedAfterTheCommitAndNotForARefusedSave()
    {
        var deal = await OpenDealOfAsync("m3@demo.salescrm", StageCode.New);
        await H.User.SignInAsAsync("m3@demo.salescrm");
        H.Events.Clear();
        var deals = H.Get<DealService>();
        await deals.MoveStageAsync(deal.Id, deal.Version, StageCode.Qualification);
        var changed = Assert.Single(H.Events.Published.OfType<DealStageChanged>());
        Assert.Equal(deal.Id, changed.DealId);

        H.Events.Clear();
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => deals.MoveStageAsync(deal.Id, deal.Version, StageCode.NeedsAnalysis));
        Assert.Empty(H.Events.Published);
    }

    [Fact]
    public async Task ARefusedMoveSavesNothing()
    {
        var deal = await OpenDealOfAsync("m5@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m5@demo.salescrm");
        var key = deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = await H.QueryAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == key && a.EntityType == "Deal"));
        var ex = await Assert.ThrowsAsync<DomainException>(() => H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost));
        Assert.Contains("причину", ex.Message);
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(StageCode.Qualification, stored.Stage);
        Assert.Equal(deal.Version, stored.Version);
        Assert.Equal(before, await H.QueryAsync(db => db.AuditEntries.CountAsync(a => a.EntityId == key && a.EntityType == "Deal")));
    }

    [Fact]
    public async Task AManagerSeesOnlyOwnDealsAndIsDeniedOthersWithALogEntry()
    {
        var foreign = await OpenDealOfAsync("m5@demo.salescrm", StageCode.Qualification);
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var deals = H.Get<DealService>();
        var page = await deals.ListAsync(new DealListQuery { PageSize = 500 });
        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, r => Assert.Equal(me.ManagerId, r.OwnerId));

        await Assert.ThrowsAsync<AccessDeniedException>(() => deals.GetCardAsync(foreign.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => deals.MoveStageAsync(foreign.Id, foreign.Version, StageCode.NeedsAnalysis));
        var key = foreign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var denied = await H.QueryAsync(db => db.AuditEntries.Where(a => a.Action == AuditAction.AccessDenied && a.EntityId == key).ToListAsync());
        Assert.Equal(2, denied.Count);
        Assert.All(denied, d => Assert.Equal(me.ManagerId, d.ActorId));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == foreign.Id));
        Assert.Equal(StageCode.Qualification, stored.Stage);
    }

    [Fact]
    public async Task ATeamLeadSeesTheTeamAndTheHeadSeesEveryone()
    {
        var total = await H.QueryAsync(db => db.Deals.CountAsync());
        var team1 = await H.QueryAsync(db => db.Deals.CountAsync(d => d.Owner!.Team!.Name == "Команда 1"));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.Equal(team1, (await H.Get<DealService>().ListAsync(new DealListQuery())).Total);
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Equal(total, (await H.Get<DealService>().ListAsync(new DealListQuery())).Total);
        Assert.True(team1 > 0 && team1 < total);
    }

    [Fact]
    public async Task AnInvalidInnIsRefusedOnTheFieldAndNothingIsSaved()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var before = await H.QueryAsync(db => db.Clients.CountAsync());
        var ex = await Assert.ThrowsAsync<DomainException>(() => H.Get<ClientService>().CreateAsync(
            new ClientInput("ООО «Ошибка»", "7707083894", null, "IT", "Москва", ClientSegment.Small, null, null, null, 0, false)));
        Assert.Equal("Inn", ex.Field);
        Assert.Equal(before, await H.QueryAsync(db => db.Clients.CountAsync()));
    }

    [Fact]
    public async Task TheDealListFiltersSortsAndPagesOnTheServer()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var deals = H.Get<DealService>();
        var proposals = await deals.ListAsync(new DealListQuery { Stage = StageCode.ProposalSent, PageSize = 10, Sort = DealSort.Premium, Descending = true });
        Assert.All(proposals.Items, r => Assert.Equal(StageCode.ProposalSent, r.Stage));
        Assert.Equal(proposals.Items.OrderByDescending(r => r.PremiumKopecks).Select(r => r.Id), proposals.Items.Select(r => r.Id));
        Assert.True(proposals.Total >= proposals.Items.Count);

        var anyClient = proposals.Items[0];
        var word = anyClient.ClientName.Split('«', '»', ' ').First(w => w.Length > 3).ToUpperInvariant();
        var byText = await deals.ListAsync(new DealListQuery { Text = word, PageSize = 200 });
        Assert.Contains(byText.Items, r => r.Id == anyClient.Id);

        var noStep = await deals.ListAsync(new DealListQuery { WithoutNextStep = true, PageSize = 500 });
        var now = H.Time.GetUtcNow().UtcDateTime;
        Assert.NotEmpty(noStep.Items);
        Assert.All(noStep.Items, r => Assert.True(r.NextStepDueAt is null || r.NextStepDueAt < now));

        // The home tile «Застрявшие сделки» opens exactly its number of deals: the list's stuck filter and the summary share one rule.
        var stuck = await deals.ListAsync(new DealListQuery { StuckOnly = true, PageSize = 500 });
        var summary = await deals.SummaryAsync();
        Assert.True(stuck.Total > 0);
        Assert.Equal(summary.Stuck, stuck.Total);
        var thresholds = await H.QueryAsync(db => db.Stages.ToDictionaryAsync(x => x.Code, x => x.StuckAfterDays));
        Assert.All(stuck.Items, r => Assert.True(SalesCrm.Domain.Deals.PipelineFigures.IsStuck(r.Stage, r.StageEnteredAt, thresholds[r.Stage], now)));

        // The dashboard's "need attention" list opens in full on /deals: the same deals for the same flags and team.
        var options = H.Get<CrmOptions>();
        var team1 = await H.QueryAsync(db => db.Teams.Where(t => t.Name == "Команда 1").Select(t => t.Id).SingleAsync());
        var owners = await H.QueryAsync(db => db.Managers.Where(m => m.TeamId == team1).Select(m => m.Id).ToListAsync());
        foreach (var flags in new[] { AttentionFilter.NoActivity, AttentionFilter.HighRiskClient | AttentionFilter.NoActivity, AttentionFilter.ProposalExpiring })
        {
            var expected = await H.QueryAsync(db => DashboardQueries.Attention(db, owners, flags, now, options.Today(now), options.Thresholds)
                .Select(d => d.Id).OrderBy(id => id).ToListAsync());
            var listed = await deals.ExportAsync(new DealListQuery { Attention = flags, TeamId = team1 }).Select(r => r.Id).ToListAsync();
            Assert.Equal(expected, listed.Order());
        }
        var teamDeals = await deals.ListAsync(new DealListQuery { TeamId = team1, PageSize = 1 });
        Assert.Equal(await H.QueryAsync(db => db.Deals.CountAsync(d => owners.Contains(d.OwnerId))), teamDeals.Total);

        var second = await deals.ListAsync(new DealListQuery { Page = 1, PageSize = 5 });
        var first = await deals.ListAsync(new DealListQuery { Page = 0, PageSize = 5 });
        Assert.Empty(first.Items.Select(r => r.Id).Intersect(second.Items.Select(r => r.Id)));
    }
    [Fact]
    public async Task TwoApproversAtTheSameMomentRecordExactlyOneDecision()
    {
        var deal = await OpenDealOfAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var id = await H.Get<SalesCrm.Data.Approvals.ApprovalService>().RequestAsync(deal.Id, new SalesCrm.Data.Approvals.ApprovalInput(SalesCrm.Domain.Approvals.ApprovalKind.Discount,
            deal.PremiumKopecks - deal.PremiumKopecks / 20, "Тендер, конкурент дешевле", null));
        await H.User.SignInAsAsync("head@demo.salescrm");
        var version = (await H.Get<SalesCrm.Data.Approvals.ApprovalService>().DetailAsync(id)).Version;
        var first = H.Get<SalesCrm.Data.Approvals.ApprovalService>();
        var second = H.Get<SalesCrm.Data.Approvals.ApprovalService>();

        static async Task<Exception?> Try(Func<Task> decide)
        {
            try
            {
                await decide();
                return null;
            }
            catch (DomainException ex)
            {
                return ex;
            }
        }
        var outcomes = await Task.WhenAll(Try(() => first.ApproveAsync(id, version, null)), Try(() => second.RejectAsync(id, version, "Убыточность высокая")));

        Assert.Single(outcomes, o => o is null);
        Assert.Contains("уже решён", Assert.Single(outcomes, o => o is not null)!.Message);
        await using var db = H.Db();
        var request = await db.ApprovalRequests.AsNoTracking().Include(a => a.Decisions).SingleAsync(a => a.Id == id);
        var decision = Assert.Single(request.Decisions, d => d.Kind is SalesCrm.Domain.Approvals.DecisionKind.Approve or SalesCrm.Domain.Approvals.DecisionKind.Reject);
        Assert.Equal(decision.Kind == SalesCrm.Domain.Approvals.DecisionKind.Approve ? SalesCrm.Domain.Approvals.ApprovalRequestState.Approved : SalesCrm.Domain.Approvals.ApprovalRequestState.Rejected,
            request.State);
        var dealState = await db.Deals.Where(d => d.Id == deal.Id).Select(d => d.ApprovalState).SingleAsync();
        Assert.Equal(request.State == SalesCrm.Domain.Approvals.ApprovalRequestState.Approved ? ApprovalState.Approved : ApprovalState.Rejected, dealState);
    }

    // ---------------------------------------------------------------- dashboard figures, computed in SQL

    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    private async Task<(List<Deal> Deals, List<int> Team1)> TeamOneAsync()
    {
        await using var db = H.Db();
        var team1 = await db.Managers.Where(m => m.Team!.Name == "Команда 1").Select(m => m.Id).ToListAsync();
        var deals = await db.Deals.AsNoTracking().Where(d => team1.Contains(d.OwnerId)).ToListAsync();
        return (deals, team1);
    }

    [Fact]
    public async Task TheFunnelTotalsAreTheDealsInEachStage()
    {
        var (deals, team1) = await TeamOneAsync();
        var month = ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, Moscow);
        await using var db = H.Db();
        var totals = await DashboardQueries.StageTotalsAsync(db, team1, month, TestContext.Current.CancellationToken);
        foreach (var stage in StageCodes.Open)
        {
            var expected = deals.Where(d => d.Stage == stage).ToList();
            totals.TryGetValue(stage, out var got);
            Assert.Equal(expected.Count, got.Count);
            Assert.Equal(expected.Sum(d => d.PremiumKopecks), got.Premium);
            Assert.Equal(expected.Sum(d => d.PremiumKopecks * d.Probability) / 100, got.Weighted);
        }
        var won = deals.Where(d => d.Stage == StageCode.Won && month.Contains(d.ClosedAt!.Value)).ToList();
        totals.TryGetValue(StageCode.Won, out var gotWon);
        Assert.Equal(won.Count, gotWon.Count);
        Assert.Equal(won.Sum(d => d.PremiumKopecks), gotWon.Premium);
    }

    [Fact]
    public async Task StageConversionInSqlEqualsTheDefinition()
    {
        var (deals, team1) = await TeamOneAsync();
        var ids = deals.Select(d => d.Id).ToHashSet();
        await using var db = H.Db();
        var history = (await db.DealStageChanges.AsNoTracking().ToListAsync())
            .Where(c => ids.Contains(c.DealId)).Select(c => new StageEntry(c.DealId, c.To, c.At)).ToList();
        var now = H.Time.GetUtcNow().UtcDateTime;
        // The month running now may be minutes old (nothing entered yet); the month and the quarter before always hold entries.
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, Moscow);
        foreach (var (period, complete) in new[] { (month, false), (month.Previous(Moscow), true), (ReportingPeriod.Containing(PeriodKind.Quarter, now, Moscow).Previous(Moscow), true) })
        {
            var expected = PipelineFigures.Conversion(history, period);
            var got = await DashboardQueries.ConversionAsync(db, team1, period, TestContext.Current.CancellationToken);
            foreach (var stage in StageCodes.Open)
            {
                got.TryGetValue(stage, out var g);
                Assert.Equal(expected[stage], g);
            }
            if (complete) Assert.Contains(expected.Values, v => v.Entered > 0);

            // The like-for-like baseline: the period before, cut to the same elapsed time, its moves counted up to the same age.
            var comparison = PeriodComparison.Of(period, now, Moscow);
            var expectedBaseline = PipelineFigures.Conversion(history, comparison.Baseline, comparison.BaselineMeasuredAt);
            var gotBaseline = await DashboardQueries.ConversionAsync(db, team1, comparison.Baseline, TestContext.Current.CancellationToken,
                comparison.BaselineMeasuredAt);
            foreach (var stage in StageCodes.Open)
            {
                gotBaseline.TryGetValue(stage, out var g);
                Assert.Equal(expectedBaseline[stage], g);
            }
        }
    }

    [Fact]
    public async Task AnEndedPeriodsFunnelCountsTheStagesAsTheyStoodAtItsEnd()
    {
        var (deals, team1) = await TeamOneAsync();
        var ids = deals.Select(d => d.Id).ToHashSet();
        await using var db = H.Db();
        var history = (await db.DealStageChanges.AsNoTracking().ToListAsync())
            .Where(c => ids.Contains(c.DealId)).ToList();
        var now = H.Time.GetUtcNow().UtcDateTime;
        var week = ReportingPeriod.Week(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Moscow)).AddDays(-14), Moscow);
        var end = week.ToUtc;
        var stages = await db.Stages.AsNoTracking().ToListAsync();
        var stood = deals.Where(d => d.CreatedAt < end && (d.ClosedAt == null || d.ClosedAt >= end))
            .Select(d => (Deal: d, Stage: history.Where(c => c.DealId == d.Id && c.At < end).OrderBy(c => c.At).ThenBy(c => c.Id).LastOrDefault()?.To))
            .Where(x => x.Stage is { } s && !s.IsClosed()).ToList();
        Assert.NotEmpty(stood);
        var got = await DashboardQueries.StageTotalsAsOfAsync(db, team1, week,
            stages.Select(s => new SalesCrm.Data.Common.StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToList(),
            TestContext.Current.CancellationToken);
        foreach (var stage in StageCodes.Open)
        {
            var expected = stood.Where(x => x.Stage == stage).ToList();
            got.TryGetValue(stage, out var g);
            Assert.Equal(expected.Count, g.Count);
            Assert.Equal(expected.Sum(x => x.Deal.PremiumKopecks), g.Premium);
        }
    }

    [Fact]
    public async Task TheForecastInSqlEqualsTheDefinitionAndTheTeamPlan()
    {
        var (deals, team1) = await TeamOneAsync();
        var now = H.Time.GetUtcNow().UtcDateTime;
        await using var db = H.Db();
        foreach (var kind in new[] { PeriodKind.Month, PeriodKind.Quarter })
        {
            var period = ReportingPeriod.Containing(kind, now, Moscow);
            var got = await DashboardQueries.ForecastAsync(db, team1, period, TestContext.Current.CancellationToken);
            var rows = deals.Select(d => new ForecastDeal(d.Stage, d.PremiumKopecks, d.Probability, d.ExpectedCloseDate, d.ClosedAt)).ToList();
            Assert.Equal(PipelineFigures.WeightedForecast(rows, period), got.ForecastKopecks);
            Assert.Equal(PipelineFigures.WonPremium(rows, period), got.WonKopecks);
            var months = period.Months().ToList();
            var plans = await db.Plans.AsNoTracking().ToListAsync();
            Assert.Equal(plans.Where(p => team1.Contains(p.ManagerId) && months.Contains((p.Year, p.Month))).Sum(p => p.TargetKopecks), got.PlanKopecks);
            Assert.True(got.PlanKopecks > 0);
        }
    }

    [Fact]
    public async Task TheStuckListInSqlEqualsTheDefinition()
    {
        var (deals, team1) = await TeamOneAsync();
        var now = H.Time.GetUtcNow().UtcDateTime;
        await using var db = H.Db();
        var stages = await db.Stages.AsNoTracking().Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync();
        var threshold = stages.ToDictionary(s => s.Code, s => s.StuckAfterDays);
        var expected = deals.Where(d => PipelineFigures.IsStuck(d.Stage, d.StageEnteredAt, threshold[d.Stage], now))
            .OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Select(d => d.Id).ToList();
        var (rows, total) = await DashboardQueries.StuckAsync(db, team1, stages, now, 1000, TestContext.Current.CancellationToken);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, total);
        Assert.Equal(expected, rows.Select(r => r.DealId).ToList());
        Assert.All(rows, r => Assert.True(r.DaysInStage > r.ThresholdDays));
    }

    [Fact]
    public async Task TheQuickFiltersCombineAndMatchTheirDefinitions()
    {
        var (deals, team1) = await TeamOneAsync();
        var now = H.Time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Moscow)).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var thresholds = new ThresholdOptions();
        await using var db = H.Db();
        var risky = (await db.Clients.AsNoTracking().Where(c => c.Risk == RiskLevel.High).Select(c => c.Id).ToListAsync()).ToHashSet();
        var open = deals.Where(d => !d.IsClosed).ToList();
        bool Expiring(Deal d) => d.Proposal is { } p && p.ValidUntil >= today && p.ValidUntil < today.AddDays(3);
        bool Quiet(Deal d) => (d.LastActivityAt ?? d.CreatedAt) < now.AddDays(-7);
        async Task<List<int>> Ids(AttentionFilter f) =>
            await DashboardQueries.Attention(db, team1, f, now, today, thresholds).Select(d => d.Id).OrderBy(x => x).ToListAsync();

        Assert.Equal(open.Where(Expiring).Select(d => d.Id).Order(), await Ids(AttentionFilter.ProposalExpiring));
        Assert.Equal(open.Where(Quiet).Select(d => d.Id).Order(), await Ids(AttentionFilter.NoActivity));
        Assert.Equal(open.Where(d => risky.Contains(d.ClientId)).Select(d => d.Id).Order(), await Ids(AttentionFilter.HighRiskClient));
        Assert.Equal(open.Where(d => Quiet(d) && risky.Contains(d.ClientId)).Select(d => d.Id).Order(),
            await Ids(AttentionFilter.NoActivity | AttentionFilter.HighRiskClient));
        Assert.Contains(open, Expiring);
        Assert.Contains(open, Quiet);
    }

}

/// <summary>The contract on SQLite, the embedded default (a temp file per test).</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SqliteDataLayer : DataLayerContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync() => (await TestDatabase.CopyAsync(), DatabaseProvider.Sqlite);

    [Fact]
    public async Task ADatabaseFromAnotherBuildIsRefusedWithWhatToDoAndLeftAsItIs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = H.Db();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261123010924_Initial', '10.0.0')", ct);
        var refused = await Assert.ThrowsAsync<UnknownMigrationsException>(() => CrmDatabase.MigrateAsync(db, ct));
        Assert.Contains("20261123010924_Initial", refused.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await db.Database.GetAppliedMigrationsAsync(ct)).Count());
    }

    [Fact]
    public async Task UsesWriteAheadLogging()
    {
        await using var db = H.Db();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}

/// <summary>The contract on a real PostgreSQL server started for the tests, with its own demo data.</summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class PostgreSqlDataLayer(PostgresServer server) : DataLayerContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync()
    {
        return (await server.CreateDemoDatabaseAsync(clients: 80, deals: 240), DatabaseProvider.PostgreSql);
    }
}

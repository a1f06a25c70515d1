using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>Deals and their history: the stages walked, proposals, competitor offers, activities, tasks, contracts.</summary>
public sealed partial class DemoDataGenerator
{
    /// <summary>
    /// The recording every demo call links to: a short ringback served by the app itself (wwwroot/demo), so the players on
    /// the deal card and the coaching pages play in the demo. Real calls link to their PBX's file.
    /// </summary>
    public const string DemoRecording = "/demo/call-recording.wav";

    private sealed class DealPlan
    {
        public required Deal Deal { get; init; }
        public bool Stuck { get; init; }
        public ApprovalShape Approval { get; set; }
        public DateTime? ProposalSentAt { get; set; }
        public List<(DateTime At, ActivityKind Kind, ActivityDirection Direction, int Minutes, bool Missed, string? Comment, string[] Tags, int Author)> Activities { get; } = [];
        public List<Func<int, CrmDbContext, object?>> After { get; } = [];
    }

    private async Task CreateDealsAsync(DemoScale scale, CancellationToken ct)
    {
        var made = 0;
        while (made < scale.Deals)
        {
            var count = Math.Min(scale.ChunkSize, scale.Deals - made);
            var plans = new List<DealPlan>();
            for (var i = 0; i < count; i++, made++) plans.Add(MakeDeal(scale));
            await SaveDealsAsync(plans, ct);
        }
        // A random sample can miss a case on some day; what the pages, the figures and the walkthroughs need is then added.
        var shapes = MissingShapes();
        for (var i = 0; i < shapes.Count; i += scale.ChunkSize)
            await SaveDealsAsync(shapes.Skip(i).Take(scale.ChunkSize).Select(shape => MakeDeal(scale, shape)).ToList(), ct);
    }

    /// <summary>
    /// The deals the demo must hold whatever the day it is generated (each one is added only when the random sample lacks it):
    /// for every seller, two open deals in every open stage that wait for no approval, a stuck deal, and a deal won last
    /// month from a proposal sent last month; for every team, requests waiting for the team lead and for the head, one
    /// approved through underwriting, and one proposal sent before its approval came back.
    /// </summary>
    private List<DealShape> MissingShapes()
    {
        var shapes = new List<DealShape>();
        var lastMonth = MonthStartUtc(-1);
        var thisMonth = MonthStartUtc(0);
        var byOwner = _deals.ToLookup(d => d.OwnerId);
        foreach (var seller in _sellers)
        {
            var own = byOwner[seller.Id].ToList();
            foreach (var stage in StageCodes.Open)
                for (var k = own.Count(d => d.Stage == stage && !d.Pending); k < 2; k++)
                    shapes.Add(new DealShape(seller, stage));
            if (!own.Any(d => d.Stuck)) shapes.Add(new DealShape(seller, StageCode.Negotiation, Stuck: true));
            if (!own.Any(d => d.Stage == StageCode.Won && d.ProposalSentAt >= lastMonth && d.ProposalSentAt < thisMonth))
                shapes.Add(new DealShape(seller, StageCode.Won, ClosedAt: lastMonth.AddDays(20).AddHours(9)));
        }
        foreach (var team in _sellers.GroupBy(s => s.TeamId))
        {
            var sellers = team.ToList();
            var deals = sellers.SelectMany(s => byOwner[s.Id]).ToList();
            var next = 0;
            foreach (var (approval, stage, wanted) in new[]
                     {
                         (ApprovalShape.PendingTeamLead, StageCode.NeedsAnalysis, 2), (ApprovalShape.PendingHead, StageCode.NeedsAnalysis, 1),
                         (ApprovalShape.ApprovedByUnderwriting, StageCode.Negotiation, 1), (ApprovalShape.SentBeforeApproval, StageCode.Negotiation, 1),
                     })
                for (var k = deals.Count(d => d.Approval == approval); k < wanted; k++)
                    shapes.Add(new DealShape(sellers[next++ % sellers.Count], stage, Approval: approval));
        }
        return shapes;
    }

    private async Task SaveDealsAsync(List<DealPlan> plans, CancellationToken ct)
    {
        await using var db = Open();
        db.Deals.AddRange(plans.Select(p => p.Deal));
        await SaveBulkAsync(db, ct);

        foreach (var plan in plans)
        {
            var deal = plan.Deal;
            _deals.Add(new DealRef(deal.Id, deal.OwnerId, deal.ClientId, deal.CreatedAt, deal.Stage, plan.Stuck,
                deal.ApprovalState == ApprovalState.Pending, plan.Approval, plan.ProposalSentAt));
            foreach (var a in plan.Activities)
            {
                Activity activity;
                if (a.Kind == ActivityKind.Call && a.Tags.Length == 0)
                {
                    var callId = $"demo-{++_callSeq:000000}";
                    activity = Activity.FromCall(callId, a.Direction, a.At, a.Minutes * 60, a.Missed,
                        a.Missed ? null : $"{DemoRecording}?call={callId}", a.Author, deal.Id, deal.ClientId, null, a.At,
                        a.Comment);
                }
                else
                {
                    activity = new Activity(a.Kind, a.At, a.Author, deal.Id, deal.ClientId, null, a.Direction, a.Minutes,
                        null, a.Comment, a.Tags, a.At);
                }
                db.Activities.Add(activity);
            }
            foreach (var after in plan.After)
            {
                switch (after(deal.Id, db))
                {
                    case TaskItem task: db.Tasks.Add(task); break;
                    case ApprovalRequest request: db.ApprovalRequests.Add(request); break;
                    case Contract contract: db.Contracts.Add(contract); break;
                }
            }
        }
        await SaveBulkAsync(db, ct);
    }

    private static readonly (StageCode Stage, int MinDays, int MaxDays)[] StageDurations =
    [
        (StageCode.New, 1, 4), (StageCode.Qualification, 2, 10), (StageCode.NeedsAnalysis, 3, 14),
        (StageCode.ProposalSent, 4, 20), (StageCode.Negotiation, 5, 25), (StageCode.ContractSigning, 2, 12),
    ];

    /// <summary>
    /// A deal being made: who and what it is for, where it ends up, the stages it went through and when (the entry into
    /// <see cref="Path"/>[i] at <see cref="Entries"/>[i]), and its plan so far.
    /// </summary>
    private sealed record DealCourse(DealShape? Shape, ClientRef Client, SellerInfo Owner, ProductRef Product, int TeamLead,
        StageCode Current, List<StageCode> Path, DateTime[] Entries, DateTime End, DealPlan Plan)
    {
        public Deal Deal => Plan.Deal;
        public DateTime CreatedAt => Entries[0];
        public DateTime LastEntry => Entries[^1];
        public ApprovalShape Approval => Shape?.Approval ?? ApprovalShape.None;
    }

    /// <summary>
    /// A deal of the random sample, or the one a <paramref name="shape"/> asks for. Every step draws from the seeded random
    /// stream, so the steps run in this order and no draw moves: the same seed makes the same dataset.
    /// </summary>
    private DealPlan MakeDeal(DemoScale scale, DealShape? shape = null)
    {
        var (client, owner, product, premiumRub) = PickDealParties(shape);
        // Decide where the deal ends up, then lay its stage entries out backwards from that moment.
        var (current, lastEntry, stuck) = DecideOutcome(shape);
        var path = StagePath(current);
        var entries = StageEntries(path, lastEntry, shape);
        var createdAt = entries[0];
        var end = current.IsClosed() ? lastEntry : _now;
        var deal = new Deal(client.Id, product.Id, owner.Id, Money.FromRubles(premiumRub), ExpectedClose(current, lastEntry, createdAt),
            _stages[StageCode.New], owner.Id, createdAt);
        var course = new DealCourse(shape, client, owner, product, _leadOfTeam[owner.TeamId], current, path, entries, end,
            new DealPlan { Deal = deal, Stuck = stuck });
        WalkStages(course);
        PlanActivities(course, scale);
        PlanNextStep(course);
        PlanDoneTasks(course);
        PlanContract(course);
        return course.Plan;
    }

    /// <summary>The client (mostly the owner's own), the owner (mostly the client's), the product (mostly one the owner knows) and the premium.</summary>
    private (ClientRef Client, SellerInfo Owner, ProductRef Product, decimal PremiumRub) PickDealParties(DealShape? shape)
    {
        var client = shape is null ? Pick(_clients) : Pick(_clients.Where(c => c.OwnerId == shape.Owner.Id).DefaultIfEmpty(_clients.First(c => c.TeamId == shape.Owner.TeamId)).ToList());
        var teamSellers = _sellersOfTeam[client.TeamId];
        var owner = shape?.Owner ?? (_rnd.NextDouble() < 0.9 ? _sellers.First(s => s.Id == client.OwnerId) : Pick(teamSellers));
        var product = _rnd.NextDouble() < 0.6
            ? _products.FirstOrDefault(p => p.Code == Pick(owner.Products)) ?? Pick(_products)
            : Pick(_products);
        var premiumRub = Math.Round((decimal)Math.Clamp(LogNormal(1_200_000, 0.9), 80_000, 60_000_000) / 1000m) * 1000m;
        if (product.IsComplex) premiumRub *= 2;
        return (client, owner, product, premiumRub);
    }

    /// <summary>Where the deal ends up (won, lost or an open stage, stuck there or not) and when it entered that stage.</summary>
    private (StageCode Current, DateTime LastEntry, bool Stuck) DecideOutcome(DealShape? shape)
    {
        var roll = _rnd.NextDouble();
        var outcome = shape is not null ? (shape.Stage.IsClosed() ? shape.Stage : null)
            : roll < 0.25 ? StageCode.Won : roll < 0.52 ? StageCode.Lost : (StageCode?)null;
        if (outcome is not null)
            // Closed evenly over the past eleven months, so every month has a comparable number of wins.
            return (outcome.Value, shape?.ClosedAt ?? _now.AddDays(-(1 + _rnd.NextDouble() * 334)).AddMinutes(-_rnd.Next(0, 600)), false);
        var current = shape?.Stage ?? WeightedStage();
        var threshold = _stages[current].StuckAfterDays;
        var stuck = shape?.Stuck ?? _rnd.NextDouble() < 0.12;
        var daysIn = stuck ? threshold + 1 + _rnd.Next(0, 45) : _rnd.NextDouble() * (threshold - 0.5);
        return (current, _now.AddDays(-daysIn), stuck);
    }

    /// <summary>The stages the deal went through, from New to <paramref name="current"/> (a lost deal was lost from any open stage).</summary>
    private List<StageCode> StagePath(StageCode current)
    {
        var path = new List<StageCode> { StageCode.New };
        var lastOpen = current switch
        {
            StageCode.Won => StageCode.ContractSigning,
            StageCode.Lost => StageCodes.Open[_rnd.Next(StageCodes.Open.Count)],
            _ => current,
        };
        foreach (var s in StageCodes.Open.Skip(1)) if (s <= lastOpen) path.Add(s);
        if (current.IsClosed()) path.Add(current);
        return path;
    }

    /// <summary>When the deal entered each stage of its <paramref name="path"/>, laid out backwards from <paramref name="lastEntry"/>.</summary>
    private DateTime[] StageEntries(List<StageCode> path, DateTime lastEntry, DealShape? shape)
    {
        var entries = new DateTime[path.Count];
        entries[^1] = lastEntry;
        for (var i = path.Count - 2; i >= 0; i--)
        {
            var d = StageDurations.First(x => x.Stage == path[i]);
            // A deal that must close at a given moment moves briskly, so that its proposal went out in the same month.
            var spread = shape?.ClosedAt is null ? d.MaxDays - d.MinDays : 1;
            entries[i] = entries[i + 1].AddDays(-(d.MinDays + _rnd.NextDouble() * spread)).AddMinutes(-_rnd.Next(0, 300));
        }
        return entries;
    }

    /// <summary>The close date the deal expects: about when a closed deal closed; mostly ahead for an open one, a few overdue.</summary>
    private DateTime ExpectedClose(StageCode current, DateTime lastEntry, DateTime createdAt)
    {
        var expectedClose = current.IsClosed()
            ? LocalDate(lastEntry).AddDays(_rnd.Next(-10, 15))
            : _rnd.NextDouble() < 0.05 ? _today.AddDays(-_rnd.Next(1, 20)) : _today.AddDays(_rnd.Next(10, 150));
        if (expectedClose < LocalDate(createdAt)) expectedClose = LocalDate(createdAt).AddDays(_rnd.Next(20, 60));
        return expectedClose;
    }

    /// <summary>
    /// Moves the deal along its path as its people did: a discount request during needs analysis (a pending one stops the
    /// deal there), the proposal, competitors' offers in negotiation, the reason of a loss.
    /// </summary>
    private void WalkStages(DealCourse c)
    {
        var deal = c.Deal;
        var requestAt = ApprovalRequestTime(c);
        for (var i = 1; i < c.Path.Count; i++)
        {
            var at = c.Entries[i];
            if (requestAt is { } ra && ra < at)
            {
                PlanApproval(c, ra, c.Path[i] != StageCode.Lost ? at : (DateTime?)null, c.Current == StageCode.NeedsAnalysis);
                requestAt = null;
            }
            if (deal.ApprovalState == ApprovalState.Pending) break;
            var stage = c.Path[i];
            if (stage.RequiresProposal() && deal.Proposal is null || stage == StageCode.ProposalSent) PlanProposal(c, at);
            if (stage == StageCode.Negotiation && _rnd.NextDouble() < 0.35) PlanCompetitorOffer(c, at);
            var (reason, lossComment) = stage == StageCode.Lost ? DrawLoss() : (null, null);
            var mover = _rnd.NextDouble() < 0.9 ? c.Owner.Id : c.TeamLead;
            deal.MoveToStage(_stages[stage], mover, at, reason, lossComment);
            if (stage == StageCode.ProposalSent) c.Plan.ProposalSentAt = at;
        }
        if (requestAt is { } late && c.Current == StageCode.NeedsAnalysis)
            PlanApproval(c, late, null, true);
    }

    /// <summary>When a discount is asked for, 30 % into needs analysis; null when the deal asks for none.</summary>
    private DateTime? ApprovalRequestTime(DealCourse c)
    {
        var needsIndex = c.Path.IndexOf(StageCode.NeedsAnalysis);
        var approvalRoll = _rnd.NextDouble();
        var wantsApproval = c.Shape is null
            ? needsIndex >= 0 && approvalRoll < (c.Current == StageCode.NeedsAnalysis ? 0.3 : 0.1)
            : c.Shape.Approval != ApprovalShape.None;
        if (!wantsApproval) return null;
        var windowEnd = needsIndex + 1 < c.Entries.Length ? c.Entries[needsIndex + 1] : _now;
        return c.Entries[needsIndex] + (windowEnd - c.Entries[needsIndex]) * 0.3;
    }

    /// <summary>The proposal, prepared a few hours before the deal entered the stage at <paramref name="at"/>.</summary>
    private void PlanProposal(DealCourse c, DateTime at)
    {
        var prepared = at.AddHours(-_rnd.Next(2, 30));
        if (prepared < c.CreatedAt) prepared = at;
        var validUntil = c.Current == StageCode.ProposalSent && _rnd.NextDouble() < 0.25
            ? _today.AddDays(_rnd.Next(0, 3))
            : LocalDate(at).AddDays(_rnd.Next(10, 35));
        if (validUntil < LocalDate(prepared)) validUntil = LocalDate(prepared).AddDays(14);
        // The proposal offers the deal's premium (rounded up to a thousand): a lower one is a discount and needs an approval.
        _ = _rnd.NextDouble(); // the sample's random stream stays as it was
        var proposalPremium = Math.Ceiling(c.Deal.Premium.Rubles / 1000m) * 1000m;
        c.Deal.PrepareProposal(validUntil, Money.FromRubles(proposalPremium), prepared);
    }

    /// <summary>A competitor's offer, 5–20 % below the deal's premium, noted the day before <paramref name="at"/>.</summary>
    private void PlanCompetitorOffer(DealCourse c, DateTime at)
    {
        var offer = Math.Round(c.Deal.Premium.Rubles * (decimal)(0.8 + _rnd.NextDouble() * 0.15) / 1000m) * 1000m;
        c.Deal.AddCompetitorOffer(Pick(Competitors), Money.FromRubles(offer),
            Pick(["Франшиза 100 000 ₽", "Без франшизы, рассрочка 4 платежа", "Расширенное покрытие, лимит выше на 20 %", "Тот же объём покрытия"]),
            c.Owner.Id, at.AddDays(-1) > c.CreatedAt ? at.AddDays(-1) : at);
    }

    /// <summary>Why a deal was lost, and sometimes a comment.</summary>
    private (LossReason? Reason, string? Comment) DrawLoss()
    {
        var reason = _rnd.NextDouble() switch
        {
            < 0.30 => LossReason.Price,
            < 0.50 => LossReason.CompetitorTerms,
            < 0.62 => LossReason.NoBudget,
            < 0.74 => LossReason.Postponed,
            < 0.80 => LossReason.UnderwritingDeclined,
            < 0.94 => LossReason.NoResponse,
            _ => LossReason.Other,
        };
        var comment = reason == LossReason.Other
            ? Pick(["Клиент продлил договор с текущим страховщиком по просьбе собственника", "Объект продан", "Тендер отменён"])
            : _rnd.NextDouble() < 0.5 ? Pick(["Конкурент дал скидку 20 %", "Бюджет перенесён на следующий год", "Не удалось выйти на ЛПР"]) : null;
        return (reason, comment);
    }

    /// <summary>Activities over the deal's life; some open deals have gone quiet for over a week.</summary>
    private void PlanActivities(DealCourse c, DemoScale scale)
    {
        var (deal, createdAt) = (c.Deal, c.CreatedAt);
        var quiet = !deal.IsClosed && _rnd.NextDouble() < 0.2;
        var activityEnd = quiet ? _now.AddDays(-_rnd.Next(8, 30)) : c.End;
        if (activityEnd < createdAt) activityEnd = createdAt.AddHours(1);
        var n = (int)Math.Round(scale.ActivitiesPerDeal * (0.4 + _rnd.NextDouble() * 1.2));
        for (var i = 0; i < n; i++) PlanActivity(c, activityEnd);
        if (deal.Stage == StageCode.Won && c.Product.IsComplex)
            c.Plan.Activities.Add((c.LastEntry.AddHours(-3) > createdAt ? c.LastEntry.AddHours(-3) : createdAt, ActivityKind.Meeting, ActivityDirection.None, 90, false,
                "Подписание: закрыли возражения по франшизе, клиент выбрал расширенное покрытие", [ActivityTags.SuccessStory], c.Owner.Id));
        foreach (var a in c.Plan.Activities.Where(a => a.Kind != ActivityKind.Note && !a.Missed)) deal.TouchActivity(a.At);
    }

    /// <summary>One activity at a working hour between the deal's creation and <paramref name="activityEnd"/>.</summary>
    private void PlanActivity(DealCourse c, DateTime activityEnd)
    {
        var at = WorkingHours(c.CreatedAt + (activityEnd - c.CreatedAt) * _rnd.NextDouble());
        if (at < c.CreatedAt) at = c.CreatedAt.AddMinutes(_rnd.Next(5, 240));
        if (at > _now) at = _now.AddMinutes(-_rnd.Next(5, 120));
        var kind = DrawActivityKind();
        var inbound = kind is ActivityKind.Call or ActivityKind.Email or ActivityKind.Message && _rnd.NextDouble() < 0.3;
        var missed = kind == ActivityKind.Call && inbound && _rnd.NextDouble() < 0.12;
        var minutes = kind switch
        {
            ActivityKind.Call => missed ? 0 : _rnd.Next(1, 20),
            ActivityKind.Meeting => _rnd.Next(30, 120),
            _ => 0,
        };
        var comment = kind switch
        {
            ActivityKind.Call => missed ? null : Pick(CallComments),
            ActivityKind.Meeting => Pick(MeetingComments),
            ActivityKind.Email => Pick(EmailComments),
            ActivityKind.Message => "Переписка в мессенджере: уточнение деталей",
            _ => "Клиент просит учесть сезонность при расчёте",
        };
        var tags = kind is ActivityKind.Call or ActivityKind.Meeting && !missed && _rnd.NextDouble() < 0.07
            ? new[] { ActivityTags.ObjectionHandled }
            : [];
        var author = kind == ActivityKind.Meeting && _rnd.NextDouble() < 0.15 ? c.TeamLead : c.Owner.Id;
        var direction = kind is ActivityKind.Meeting or ActivityKind.Note ? ActivityDirection.None
            : inbound ? ActivityDirection.Inbound : ActivityDirection.Outbound;
        c.Plan.Activities.Add((at, kind, direction, minutes, missed, comment, tags, author));
    }

    private ActivityKind DrawActivityKind() => _rnd.NextDouble() switch
    {
        < 0.5 => ActivityKind.Call,
        < 0.75 => ActivityKind.Email,
        < 0.87 => ActivityKind.Meeting,
        < 0.95 => ActivityKind.Message,
        _ => ActivityKind.Note,
    };

    /// <summary>The next step: most open deals have one; some are overdue; some have none at all.</summary>
    private void PlanNextStep(DealCourse c)
    {
        if (c.Deal.IsClosed) return;
        var (owner, client, createdAt) = (c.Owner, c.Client, c.CreatedAt);
        var r = _rnd.NextDouble();
        var title = Pick(NextSteps);
        if (r < 0.72)
        {
            var due = WorkingHours(_now.AddHours(_rnd.Next(2, 14 * 24)));
            if (due <= _now) due = _now.AddDays(1);
            var createdTask = _now.AddHours(-_rnd.Next(1, 72));
            if (createdTask < createdAt) createdTask = createdAt;
            // A meeting with the client is planned on the hour, for an hour and a half at the client's office (the calendar's blocks).
            if (title.StartsWith("Встреча", StringComparison.Ordinal) || title.StartsWith("Презентовать", StringComparison.Ordinal))
            {
                var at = due.AddTicks(-(due.Ticks % TimeSpan.TicksPerHour));
                c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.Meeting, title, owner.Id, owner.Id, at, id, client.Id, createdTask, null, 90,
                    "Офис клиента")); // not UI text: demo data
            }
            else c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, title, owner.Id, owner.Id, due, id, client.Id, createdTask, null));
        }
        else if (r < 0.85)
        {
            var due = _now.AddDays(-_rnd.Next(1, 20));
            if (due < createdAt) due = createdAt.AddHours(4);
            c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, title, owner.Id, owner.Id, due, id, client.Id, due.AddDays(-3) > createdAt ? due.AddDays(-3) : createdAt, null));
        }
    }

    /// <summary>Follow-ups done over the deal's life (their titles and completions are drawn when the deal is saved).</summary>
    private void PlanDoneTasks(DealCourse c)
    {
        var (owner, client, createdAt, end) = (c.Owner, c.Client, c.CreatedAt, c.End);
        var doneTasks = _rnd.Next(0, 3);
        for (var i = 0; i < doneTasks; i++)
        {
            var due = createdAt + (end - createdAt) * _rnd.NextDouble();
            c.Plan.After.Add((id, _) => TaskItem.FromHistory(TaskKind.FollowUp, Pick(NextSteps), owner.Id, owner.Id, due, id, client.Id, due.AddDays(-2) > createdAt ? due.AddDays(-2) : createdAt, due.AddHours(-_rnd.Next(0, 20))));
        }
    }

    /// <summary>A won deal becomes a one-year contract: these end over the next twelve months.</summary>
    private void PlanContract(DealCourse c)
    {
        if (c.Deal.Stage != StageCode.Won) return;
        var (client, product, owner) = (c.Client, c.Product, c.Owner);
        var start = LocalDate(c.Deal.ClosedAt!.Value).AddDays(_rnd.Next(1, 8));
        var number = $"СТР-{start.Year}-{++_contractSeq:000000}";
        var premium = c.Deal.Premium;
        c.Plan.After.Add((id, _) => new Contract(client.Id, product.Id, owner.Id, number, start, start.AddYears(1).AddDays(-1), premium, id));
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}

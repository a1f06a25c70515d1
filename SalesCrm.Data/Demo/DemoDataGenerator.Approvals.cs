using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>The discount requests of the deals, pending or decided.</summary>
public sealed partial class DemoDataGenerator
{
    /// <summary>What a deal's discount request asks for: from the premium <paramref name="Base"/> down to <paramref name="Requested"/>.</summary>
    private sealed record DiscountRequest(Money Base, Money Requested, string Justification, ApprovalRoute Route, DateTime At);

    /// <summary>
    /// A discount request asked at <paramref name="requestAt"/>: left waiting (when the deal may stay pending), or decided
    /// before <paramref name="decideBefore"/>, the deal's next stage entry.
    /// </summary>
    private void PlanApproval(DealCourse c, DateTime requestAt, DateTime? decideBefore, bool mayStayPending)
    {
        var shape = c.Approval;
        var discounts = shape switch
        {
            ApprovalShape.PendingTeamLead => [5, 8, 10],
            ApprovalShape.PendingHead => [12, 15, 18],
            ApprovalShape.ApprovedByUnderwriting => [25],
            _ => new[] { 5, 8, 10, 12, 15, 18, 25 },
        };
        var discount = Pick(discounts);
        var basePremium = c.Deal.Premium;
        var requested = new Money(basePremium.Kopecks - basePremium.Percent(discount).Kopecks);
        var justification = Pick(["Конкурент предложил премию ниже на 15 %", "Ключевой клиент, потенциал филиалов",
            "Хорошая история убытков за 3 года", "Кросс-продажа ДМС при согласовании скидки"]);
        var request = new DiscountRequest(basePremium, requested, justification, AuthorityMatrix.Default.RouteFor(basePremium, requested), requestAt);
        var pending = shape is ApprovalShape.PendingTeamLead or ApprovalShape.PendingHead
            || shape == ApprovalShape.None && mayStayPending && (decideBefore is null || _rnd.NextDouble() < 0.5);
        c.Deal.SetApprovalState(ApprovalState.Pending, null, requestAt);
        if (pending) PlanPendingApproval(c, request);
        else PlanDecidedApproval(c, request, decideBefore);
    }

    private void PlanPendingApproval(DealCourse c, DiscountRequest r)
    {
        var owner = c.Owner;
        // Most open requests are fresh (asked within the SLA of a day); about a quarter are older and show the
        // SLA escalation at work. Derived from the premium, so the random sequence of the dataset stays the same.
        var thousands = r.Base.Kopecks / 100_000;
        // A request the demo must show waiting is an hour old at most, so the SLA has not moved it on by the time anyone looks.
        var asked = c.Approval != ApprovalShape.None ? Max(r.At, _now.AddMinutes(-(30 + thousands % 60)))
            : thousands % 4 == 0 ? r.At : Max(r.At, _now.AddMinutes(-(30 + thousands % 1300)));
        // Only a request asked in the last two hours counts as one waiting for the team lead: an older one may be past the
        // SLA by the time the demo is looked at, and the SLA scan moves it on to the head.
        c.Plan.Approval = r.Route != ApprovalRoute.TeamLead ? ApprovalShape.PendingHead
            : asked >= _now.AddHours(-2) ? ApprovalShape.PendingTeamLead : ApprovalShape.Other;
        c.Plan.After.Add((id, _) => new ApprovalRequest(id, ApprovalKind.Discount, r.Base, r.Requested, r.Justification,
            null, owner.Id, AuthorityMatrix.Default, asked, owner.Role));
    }

    private void PlanDecidedApproval(DealCourse c, DiscountRequest r, DateTime? decideBefore)
    {
        var (owner, teamLead, shape, requestAt) = (c.Owner, c.TeamLead, c.Approval, r.At);
        var approved = shape is ApprovalShape.ApprovedByUnderwriting or ApprovalShape.SentBeforeApproval || _rnd.NextDouble() < 0.75;
        var decidedAt = requestAt.AddHours(_rnd.Next(1, 30));
        if (decideBefore is { } limit && decidedAt >= limit) decidedAt = requestAt + (limit - requestAt) / 2;
        // In about one approved request in ten the old process let the proposal go out before the approval came back: the
        // approval record is decided after the sending (the data-quality audit finds it in the history).
        var sentEarly = approved && decideBefore is not null
            && (shape == ApprovalShape.SentBeforeApproval || shape == ApprovalShape.None && r.Base.Kopecks / 100_000 % 10 == 7);
        var recordedDecision = sentEarly ? decideBefore!.Value.AddHours(3) : decidedAt;
        c.Plan.Approval = sentEarly ? ApprovalShape.SentBeforeApproval
            : approved && r.Route == ApprovalRoute.HeadAndUnderwriter ? ApprovalShape.ApprovedByUnderwriting
            : ApprovalShape.Other;
        c.Deal.SetApprovalState(approved ? ApprovalState.Approved : ApprovalState.Rejected, approved ? r.Requested : null, decidedAt);
        if (!approved) c.Deal.SetApprovalState(ApprovalState.NotRequired, null, decidedAt);
        c.Plan.After.Add((id, _) =>
        {
            var request = new ApprovalRequest(id, ApprovalKind.Discount, r.Base, r.Requested, r.Justification, null, owner.Id,
                AuthorityMatrix.Default, requestAt, owner.Role);
            if (!approved)
            {
                var role = request.Level == ApprovalLevel.TeamLead ? StaffRole.TeamLead : StaffRole.Head;
                request.Reject(role == StaffRole.TeamLead ? teamLead : _headId, role, "Убыточность клиента выше нормы, скидку не даём", decidedAt);
                return request;
            }
            if (request.Level == ApprovalLevel.TeamLead) request.Approve(teamLead, StaffRole.TeamLead, null, recordedDecision);
            else
            {
                request.Approve(_headId, StaffRole.Head, "Согласовано с учётом потенциала клиента", recordedDecision);
                if (request.IsPending) request.Approve(_underwriterId, StaffRole.Underwriter, "Риск приемлемый", recordedDecision);
            }
            return request;
        });
    }

    private StageCode WeightedStage() => _rnd.NextDouble() switch
    {
        < 0.10 => StageCode.New,
        < 0.30 => StageCode.Qualification,
        < 0.50 => StageCode.NeedsAnalysis,
        < 0.70 => StageCode.ProposalSent,
        < 0.88 => StageCode.Negotiation,
        _ => StageCode.ContractSigning,
    };
}

using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Domain.Approvals;

/// <summary>
/// A request to approve a discount, special terms or a retention bonus (согласование),
/// routed by the authority matrix, with its decisions and discussion.
/// </summary>
public sealed class ApprovalRequest : Entity, IVersioned
{
    private readonly List<ApprovalDecision> _decisions = [];

    private ApprovalRequest() { }

    public ApprovalRequest(int dealId, ApprovalKind kind, Money basePremium, Money requestedPremium,
        string justification, int? competitorOfferId, int requesterId, AuthorityMatrix matrix, DateTime now, StaffRole requesterRole = StaffRole.Manager)
    {
        if (!Enum.IsDefined(kind)) throw new DomainException("Выберите тип запроса.", nameof(Kind));
        if (!basePremium.IsPositive) throw new DomainException("Базовая премия должна быть больше нуля.", nameof(BasePremium));
        if (!requestedPremium.IsPositive)
            throw new DomainException("Запрошенная премия должна быть больше нуля.", nameof(RequestedPremium));
        if (requestedPremium > basePremium)
            throw new DomainException("Запрошенная премия больше базовой — согласование скидки не нужно.", nameof(RequestedPremium));
        if (kind == ApprovalKind.Discount && requestedPremium == basePremium)
            throw new DomainException("Скидка равна нулю — измените запрошенную премию.", nameof(RequestedPremium));
        DealId = dealId;
        Kind = kind;
        BasePremiumKopecks = basePremium.Kopecks;
        RequestedPremiumKopecks = requestedPremium.Kopecks;
        Justification = Guard.Required(justification, nameof(Justification), "Обоснование", 4000);
        CompetitorOfferId = competitorOfferId;
        RequesterId = requesterId;
        RequesterRole = Enum.IsDefined(requesterRole) ? requesterRole : throw new DomainException("Роль не из списка.", nameof(RequesterRole));
        Route = matrix.RouteFor(basePremium, requestedPremium);
        Level = ApprovalAuthority.StartLevel(Route, requesterRole);
        InvolvesUnderwriting = Level == ApprovalLevel.Underwriting;
        State = ApprovalRequestState.Pending;
        CreatedAt = now;
        LevelSince = now;
        Raise(new ApprovalRequested(this, now));
    }

    public int DealId { get; private set; }
    public ApprovalKind Kind { get; private set; }
    public long BasePremiumKopecks { get; private set; }
    public long RequestedPremiumKopecks { get; private set; }
    public Money BasePremium => new(BasePremiumKopecks);
    public Money RequestedPremium => new(RequestedPremiumKopecks);
    public decimal DiscountPercent => AuthorityMatrix.DiscountPercent(BasePremium, RequestedPremium);
    public string Justification { get; private set; } = "";
    public int? CompetitorOfferId { get; private set; }
    public int RequesterId { get; private set; }
    /// <summary>The requester's role when asking: their own level is skipped (<see cref="ApprovalAuthority.StartLevel"/>).</summary>
    public StaffRole RequesterRole { get; private set; } = StaffRole.Manager;
    public ApprovalRoute Route { get; private set; }
    /// <summary>Where it waits now.</summary>
    public ApprovalLevel Level { get; private set; }
    /// <summary>Since when it waits at <see cref="Level"/> (for the SLA).</summary>
    public DateTime LevelSince { get; private set; }
    /// <summary>Underwriting was involved (escalated or required): underwriters may see it.</summary>
    public bool InvolvesUnderwriting { get; private set; }
    public ApprovalRequestState State { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<ApprovalDecision> Decisions => _decisions;

    public bool IsPending => State == ApprovalRequestState.Pending;

    /// <summary>May a person of this role decide the request where it waits now?</summary>
    public bool CanDecide(int personId, StaffRole role) => IsPending && ApprovalAuthority.MayDecide(personId, role, Level, RequesterId);

    public void Approve(int deciderId, StaffRole role, string? comment, DateTime now)
    {
        EnsureCanDecide(deciderId, role);
        _decisions.Add(new ApprovalDecision(deciderId, role, DecisionKind.Approve, comment, now));
        var headApproved = ApprovalAuthority.SalesLineApproved(RequesterRole, _decisions);
        var underwriterApproved = _decisions.Any(d => d.Kind == DecisionKind.Approve && d.Role == StaffRole.Underwriter);
        var needsUnderwriter = Route == ApprovalRoute.HeadAndUnderwriter;
        if (needsUnderwriter && !underwriterApproved)
        {
            MoveTo(ApprovalLevel.Underwriting, now);
        }
        else if (needsUnderwriter && !headApproved)
        {
            MoveTo(ApprovalLevel.Head, now);
        }
        else
        {
            State = ApprovalRequestState.Approved;
            DecidedAt = now;
        }
        Raise(new ApprovalDecided(this, DecisionKind.Approve, deciderId, now));
    }

    public void Reject(int deciderId, StaffRole role, string comment, DateTime now)
    {
        EnsureCanDecide(deciderId, role);
        if (string.IsNullOrWhiteSpace(comment))
            throw new DomainException("При отказе напишите комментарий с обоснованием.", nameof(ApprovalDecision.Comment));
        _decisions.Add(new ApprovalDecision(deciderId, role, DecisionKind.Reject, comment, now));
        State = ApprovalRequestState.Rejected;
        DecidedAt = now;
        Raise(new ApprovalDecided(this, DecisionKind.Reject, deciderId, now));
    }

    /// <summary>
    /// Sends the request up: to the head, or to underwriting for the risk terms. A team lead may also escalate a
    /// request that already waits for the head (beyond the team lead's limit): the comment goes to the head as the
    /// team lead's position and the head is reminded, the request stays where it is.
    /// </summary>
    public void Escalate(int deciderId, StaffRole role, ApprovalLevel to, string comment, DateTime now)
    {
        if (!IsPending) throw new DomainException("Запрос уже решён — обновите страницу.");
        var endorsement = role == StaffRole.TeamLead && Level == ApprovalLevel.Head && to == ApprovalLevel.Head && deciderId != RequesterId;
        if (!endorsement) EnsureCanDecide(deciderId, role);
        if (!endorsement && to <= Level && !(to == ApprovalLevel.Underwriting && Level != ApprovalLevel.Underwriting))
            throw new DomainException("Эскалировать можно только на уровень выше.", nameof(Level));
        if (string.IsNullOrWhiteSpace(comment))
            throw new DomainException("Напишите, зачем нужна эскалация.", nameof(ApprovalDecision.Comment));
        _decisions.Add(new ApprovalDecision(deciderId, role, DecisionKind.Escalate, comment, now));
        if (!endorsement) MoveTo(to, now);
        Raise(new ApprovalDecided(this, DecisionKind.Escalate, deciderId, now));
    }

    /// <summary>The levels this role may escalate the request to now.</summary>
    public IReadOnlyList<ApprovalLevel> EscalationTargets(int personId, StaffRole role)
    {
        if (!IsPending || personId == RequesterId) return [];
        if (role == StaffRole.TeamLead && Level == ApprovalLevel.Head) return [ApprovalLevel.Head];
        if (!CanDecide(personId, role)) return [];
        return Level switch
        {
            ApprovalLevel.TeamLead => [ApprovalLevel.Head, ApprovalLevel.Underwriting],
            ApprovalLevel.Head => [ApprovalLevel.Underwriting],
            _ => [],
        };
    }

    /// <summary>
    /// No decision within the SLA: one level up, by itself — from the team lead to the head. The head is the top of the
    /// sales line (underwriting judges risk, not a late discount), so a request waiting there stays and shows as overdue.
    /// <paramref name="waited"/> is the time the request has had at its level in the team's working hours (the app counts
    /// it by the working calendar); without it, the clock time since the level began.
    /// </summary>
    public bool EscalateOverdue(TimeSpan sla, DateTime now, TimeSpan? waited = null)
    {
        if (!IsPending || (waited ?? now - LevelSince) < sla || Level != ApprovalLevel.TeamLead) return false;
        _decisions.Add(new ApprovalDecision(null, null, DecisionKind.Escalate, "Эскалация по истечении срока", now));
        MoveTo(ApprovalLevel.Head, now);
        Raise(new ApprovalDecided(this, DecisionKind.Escalate, null, now));
        return true;
    }

    /// <summary>A message in the discussion thread; anyone who can see the request may write.</summary>
    public ApprovalDecision Comment(int authorId, StaffRole role, string text, DateTime now)
    {
        var comment = new ApprovalDecision(authorId, role, DecisionKind.Comment,
            Guard.Required(text, nameof(ApprovalDecision.Comment), "Сообщение", 4000), now);
        _decisions.Add(comment);
        Raise(new ApprovalDecided(this, DecisionKind.Comment, authorId, now));
        return comment;
    }

    public void Cancel(int byId, DateTime now)
    {
        if (!IsPending) throw new DomainException("Запрос уже решён.");
        if (byId != RequesterId) throw new DomainException("Отозвать запрос может только его автор.");
        _decisions.Add(new ApprovalDecision(byId, RequesterRole, DecisionKind.Cancel, "Запрос отозван автором", now));
        State = ApprovalRequestState.Cancelled;
        DecidedAt = now;
        Raise(new ApprovalDecided(this, DecisionKind.Cancel, byId, now));
    }

    /// <summary>
    /// Follows a change of the deal while this request waits (the rule lives here, the data layer applies it in the
    /// same save as the change): a closed deal voids the request, with the reason in its thread and the deal freed from
    /// the pending state; a deal handed to another manager stays pending and says so in the thread — from then on it is
    /// decided at the same level, by the team lead of the new owner's team when it waits for a team lead.
    /// </summary>
    public void FollowDealChange(Deal deal, IDomainEvent change)
    {
        if (!IsPending || deal.Id != DealId) return;
        switch (change)
        {
            case DealStageChanged { To: StageCode.Won or StageCode.Lost } closed:
                var why = closed.To == StageCode.Won ? "Сделка выиграна" : "Сделка проиграна";
                _decisions.Add(new ApprovalDecision(null, null, DecisionKind.Cancel, $"{why} — запрос снят без решения.", closed.OccurredAt));
                State = ApprovalRequestState.Cancelled;
                DecidedAt = closed.OccurredAt;
                deal.FollowApproval(this, closed.OccurredAt);
                Raise(new ApprovalDecided(this, DecisionKind.Cancel, null, closed.OccurredAt));
                break;
            case DealReassigned moved:
                _decisions.Add(new ApprovalDecision(null, null, DecisionKind.Comment,
                    Level == ApprovalLevel.TeamLead
                        ? "Сделку передали другому менеджеру — запрос перешёл к руководителю его группы."
                        : "Сделку передали другому менеджеру — запрос остаётся на том же уровне.", moved.OccurredAt));
                Raise(new ApprovalDecided(this, DecisionKind.Comment, null, moved.OccurredAt));
                break;
        }
    }

    private void MoveTo(ApprovalLevel level, DateTime now)
    {
        Level = level;
        LevelSince = now;
        if (level == ApprovalLevel.Underwriting) InvolvesUnderwriting = true;
    }

    private void EnsureCanDecide(int personId, StaffRole role)
    {
        if (!IsPending) throw new DomainException("Запрос уже решён — обновите страницу.");
        if (personId == RequesterId) throw new DomainException("Свой запрос решает следующий уровень.");
        if (!CanDecide(personId, role)) throw new DomainException("Этот запрос вне ваших полномочий.");
    }
}

public enum ApprovalKind
{
    Discount = 1,
    SpecialTerms = 2,
    RetentionBonus = 3,
}

public enum ApprovalRequestState
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
    Cancelled = 4,
}

public enum DecisionKind
{
    Approve = 1,
    Reject = 2,
    Escalate = 3,
    Comment = 4,
    Cancel = 5,
}

/// <summary>A decision or a message on an approval request.</summary>
public sealed class ApprovalDecision
{
    private ApprovalDecision() { }

    internal ApprovalDecision(int? deciderId, StaffRole? role, DecisionKind kind, string? comment, DateTime at)
    {
        DeciderId = deciderId;
        Role = role;
        Kind = kind;
        Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 4000);
        At = at;
    }

    public int Id { get; private set; }
    public int ApprovalRequestId { get; private set; }
    /// <summary>Null for the system (SLA escalation).</summary>
    public int? DeciderId { get; private set; }
    public StaffRole? Role { get; private set; }
    public DecisionKind Kind { get; private set; }
    public string? Comment { get; private set; }
    public DateTime At { get; private set; }
}

public static class ApprovalTexts
{
    public static string Russian(this ApprovalKind kind) => kind switch
    {
        ApprovalKind.Discount => "Скидка",
        ApprovalKind.SpecialTerms => "Особые условия",
        ApprovalKind.RetentionBonus => "Бонус за удержание",
        _ => kind.ToString(),
    };

    public static string Russian(this ApprovalRequestState state) => state switch
    {
        ApprovalRequestState.Pending => "На согласовании",
        ApprovalRequestState.Approved => "Согласовано",
        ApprovalRequestState.Rejected => "Отклонено",
        ApprovalRequestState.Cancelled => "Отозвано",
        _ => state.ToString(),
    };

    /// <summary>Who must approve, as the decision panel and the request dialog say it.</summary>
    public static string Russian(this ApprovalRoute route) => route switch
    {
        ApprovalRoute.TeamLead => "старший менеджер",
        ApprovalRoute.Head => "начальник отдела",
        _ => "начальник отдела и андеррайтер",
    };

    public static string Russian(this ApprovalLevel level) => level switch
    {
        ApprovalLevel.TeamLead => "Старший менеджер",
        ApprovalLevel.Head => "Начальник отдела",
        ApprovalLevel.Underwriting => "Андеррайтинг",
        _ => level.ToString(),
    };
}

public sealed record ApprovalRequested(ApprovalRequest Request, DateTime OccurredAt) : IDomainEvent;

public sealed record ApprovalDecided(ApprovalRequest Request, DecisionKind Kind, int? DeciderId, DateTime OccurredAt)
    : IDomainEvent;

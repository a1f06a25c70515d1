using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Domain.Deals;

/// <summary>
/// A deal (сделка): one product for one client, owned by one manager, moving through the pipeline.
/// The stage rules live here: Lost needs a reason, "Proposal sent" needs a proposal that is not
/// waiting for approval, Won and Lost record the close.
/// </summary>
public sealed class Deal : Entity, IVersioned
{
    /// <summary>A single deal premium above 10 billion roubles is a typing error, not a deal.</summary>
    public static readonly Money MaxPremium = new(10_000_000_000_00);

    private readonly List<DealStageChange> _stageChanges = [];
    private readonly List<CompetitorOffer> _competitorOffers = [];
    private readonly List<DealParticipant> _participants = [];
    private readonly List<Assignment> _assignments = [];

    private Deal() { }

    public Deal(int clientId, int productId, int ownerId, Money premium, DateTime expectedCloseDate,
        PipelineStage firstStage, int createdById, DateTime now, int? leadId = null)
    {
        if (firstStage.IsClosed) throw new DomainException("Новая сделка не может быть сразу закрыта.", nameof(Stage));
        ClientId = clientId;
        ProductId = productId;
        OwnerId = ownerId;
        PremiumKopecks = CheckPremium(premium).Kopecks;
        ExpectedCloseDate = CheckCloseDate(expectedCloseDate, now);
        Stage = firstStage.Code;
        StageEnteredAt = now;
        Probability = firstStage.Probability;
        CreatedAt = now;
        LeadId = leadId;
        _stageChanges.Add(new DealStageChange(null, firstStage.Code, createdById, now));
        Raise(new DealCreated(this, now));
    }

    /// <summary>
    /// A deal carried over from the CRM a team left, as it stands there: its stage (a closed one too), premium (zero when the
    /// CRM had none), dates and owner. Its history there is not known: the stage is recorded as entered when the deal was
    /// closed, or — for an open deal — when it came to SalesCrm, so an old deal is not reported stuck on its first day here.
    /// Nothing is announced: an import is not a new deal for the board's counters.
    /// </summary>
    public static Deal FromImport(int clientId, int productId, int ownerId, Money premium, DateTime expectedCloseDate, PipelineStage stage,
        DateTime createdAt, DateTime? closedAt, string source, int byManagerId, DateTime now)
    {
        if (premium.Kopecks < 0) throw new DomainException("Премия не может быть отрицательной.", nameof(Premium));
        if (premium > MaxPremium) throw new DomainException("Премия больше 10 млрд ₽ — проверьте сумму.", nameof(Premium));
        var closed = stage.IsClosed ? closedAt ?? createdAt : (DateTime?)null;
        var entered = closed ?? now;
        var deal = new Deal
        {
            ClientId = clientId,
            ProductId = productId,
            OwnerId = ownerId,
            PremiumKopecks = premium.Kopecks,
            ExpectedCloseDate = DateTime.SpecifyKind(expectedCloseDate.Date, DateTimeKind.Utc),
            Stage = stage.Code,
            StageEnteredAt = entered < createdAt ? createdAt : entered,
            Probability = stage.Probability,
            CreatedAt = createdAt,
            ClosedAt = closed,
        };
        if (stage.Code == StageCode.Lost)
        {
            deal.LossReason = Deals.LossReason.Other;
            deal.LossComment = Guard.Optional($"Проиграна в {source}; причина там не указана.", // not UI text: a record of the deal, kept as written
                 nameof(LossComment), "Комментарий к причине", 2000);
        }
        deal._stageChanges.Add(new DealStageChange(null, stage.Code, byManagerId, deal.StageEnteredAt));
        return deal;
    }

    public int ClientId { get; private set; }
    public Clients.Client? Client { get; private set; }
    public int ProductId { get; private set; }
    public Product? Product { get; private set; }
    public int OwnerId { get; private set; }
    public Teams.Manager? Owner { get; private set; }
    public int? LeadId { get; private set; }

    public StageCode Stage { get; private set; }
    public DateTime StageEnteredAt { get; private set; }
    public long PremiumKopecks { get; private set; }
    public Money Premium => new(PremiumKopecks);
    /// <summary>Win probability in percent; follows the stage unless the owner overrides it.</summary>
    public int Probability { get; private set; }
    public DateTime ExpectedCloseDate { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    /// <summary>Time of the latest logged activity; drives the "no activity for 7 days" signal.</summary>
    public DateTime? LastActivityAt { get; private set; }

    public Proposal? Proposal { get; private set; }
    public ApprovalState ApprovalState { get; private set; } = ApprovalState.NotRequired;
    public LossReason? LossReason { get; private set; }
    public string? LossComment { get; private set; }
    public string? NegotiationStrategy { get; private set; }
    public string? Agreements { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<DealStageChange> StageChanges => _stageChanges;
    public IReadOnlyList<CompetitorOffer> CompetitorOffers => _competitorOffers;
    public IReadOnlyList<DealParticipant> Participants => _participants;
    public IReadOnlyList<Assignment> Assignments => _assignments;

    public bool IsClosed => Stage.IsClosed();

    /// <summary>The stages a user may move this deal to from where it is now.</summary>
    public IReadOnlyList<StageCode> ReachableStages() =>
        IsClosed ? [] : StageCodes.All.Where(s => s != Stage).ToList();

    /// <summary>Why a move to <paramref name="target"/> would be refused now, or null if it is allowed.</summary>
    public string? WhyCannotMoveTo(StageCode target, LossReason? reason = null, string? lossComment = null)
    {
        if (IsClosed) return "Сделка закрыта: этап больше не меняется.";
        if (target == Stage) return "Сделка уже на этом этапе.";
        if (target == StageCode.Lost)
        {
            if (reason is null) return "Укажите причину проигрыша.";
            if (!Enum.IsDefined(reason.Value)) return "Причина проигрыша не из справочника.";
            if (reason == Deals.LossReason.Other && string.IsNullOrWhiteSpace(lossComment))
                return "Для причины «Другое» опишите, почему сделка проиграна.";
        }
        if (target.RequiresProposal())
        {
            if (ApprovalState == ApprovalState.Pending) return "КП ждёт согласования — отправить его пока нельзя.";
            if (Proposal is null) return "Сначала подготовьте КП: срок действия и премию.";
            if (ApprovalState == ApprovalState.Rejected) return "Условия КП не согласованы — измените КП или запросите согласование заново.";
        }
        return null;
    }

    /// <summary>Moves the deal to another stage under the pipeline rules; records the history and the close.</summary>
    public void MoveToStage(PipelineStage target, int byManagerId, DateTime now, LossReason? reason = null,
        string? lossComment = null)
    {
        if (WhyCannotMoveTo(target.Code, reason, lossComment) is { } why) throw new DomainException(why, nameof(Stage));
        var (from, fromProbability, fromEnteredAt) = (Stage, Probability, StageEnteredAt);
        if (target.Code == StageCode.Lost)
        {
            LossReason = reason;
            LossComment = Guard.Optional(lossComment, nameof(LossComment), "Комментарий к причине", 2000);
        }
        if (target.Code == StageCode.ProposalSent && Proposal!.SentAt is null) Proposal = Proposal with { SentAt = now };
        Stage = target.Code;
        StageEnteredAt = now;
        Probability = target.Probability;
        ClosedAt = target.IsClosed ? now : null;
        if (target.Code != StageCode.Lost)
            foreach (var earlier in _stageChanges.Where(c => c.To < target.Code)) earlier.MarkProgressed();
        _stageChanges.Add(new DealStageChange(from, target.Code, byManagerId, now));
        Raise(new DealStageChanged(this, from, target.Code, now, fromProbability, fromEnteredAt));
    }

    /// <summary>
    /// Premium and expected close date. The premium is frozen while a discount is being approved, and is never lowered here:
    /// a lower premium is a discount, which only an approved request applies (the authority matrix decides who approves).
    /// </summary>
    public void UpdateTerms(Money premium, DateTime expectedCloseDate, DateTime now, int? probability = null)
    {
        EnsureOpen();
        CheckPremium(premium);
        var close = expectedCloseDate.Date != ExpectedCloseDate.Date ? CheckCloseDate(expectedCloseDate, now) : ExpectedCloseDate;
        if (probability is < 0 or > 100) throw new DomainException("Вероятность — от 0 до 100 %.", nameof(Probability));
        if (premium.Kopecks != PremiumKopecks)
        {
            if (ApprovalState == ApprovalState.Pending)
                throw new DomainException("Премию нельзя менять, пока запрос на согласование не решён.", nameof(Premium));
            if (premium.Kopecks < PremiumKopecks)
                throw new DomainException("Снизить премию можно только через согласование скидки — запросите её в карточке сделки.", nameof(Premium));
        }
        if (premium.Kopecks == PremiumKopecks && close == ExpectedCloseDate && (probability ?? Probability) == Probability) return;
        PremiumKopecks = premium.Kopecks;
        ExpectedCloseDate = close;
        Probability = probability ?? Probability;
        Raise(new DealUpdated(this, now));
    }

    public void SetProbability(int percent, DateTime now)
    {
        EnsureOpen();
        if (percent is < 0 or > 100) throw new DomainException("Вероятность — от 0 до 100 %.", nameof(Probability));
        if (percent == Probability) return;
        Probability = percent;
        Raise(new DealUpdated(this, now));
    }

    /// <summary>Prepares (or revises) the proposal (КП). It is stamped as sent when the deal moves to "Proposal sent".</summary>
    public void PrepareProposal(DateTime validUntil, Money premium, DateTime now)
    {
        EnsureOpen();
        if (validUntil.Date < now.Date) throw new DomainException("Срок действия КП уже прошёл.", nameof(Proposal.ValidUntil));
        if (validUntil.Date > now.Date.AddYears(1))
            throw new DomainException("Срок действия КП — не более года.", nameof(Proposal.ValidUntil));
        CheckPremium(premium, "ProposalPremium");
        if (ApprovalState == ApprovalState.Pending && premium.Kopecks != Proposal?.PremiumKopecks)
            throw new DomainException("Премию КП нельзя менять, пока запрос на согласование не решён.", "ProposalPremium");
        if (premium.Kopecks < PremiumKopecks)
            throw new DomainException("Премия КП ниже премии сделки — это скидка: запросите согласование в карточке сделки.", "ProposalPremium");
        Proposal = new Proposal(Stage.RequiresProposal() ? Proposal?.SentAt ?? now : null, validUntil.Date, premium.Kopecks);
        Raise(new DealUpdated(this, now));
    }

    /// <summary>
    /// A proposal document went to the client (<see cref="Proposals.ProposalDocument"/>): the proposal's sent date, validity and
    /// premium become that version's — facts, not what someone typed. The caller moves a deal that was before "Proposal sent" there.
    /// </summary>
    public void RecordProposalSent(DateTime validUntil, Money premium, DateTime now)
    {
        EnsureOpen();
        Proposal = new Proposal(now, DateTime.SpecifyKind(validUntil.Date, DateTimeKind.Utc), CheckPremium(premium, "ProposalPremium").Kopecks);
        Raise(new DealUpdated(this, now));
    }

    /// <summary>
    /// The approval workflow sets this (<see cref="FollowApproval"/>; the demo generator replays histories through it): a
    /// pending request freezes the premium and blocks sending the proposal; an approval applies the approved premium.
    /// Only the workflow's own moves are allowed: a request starts on an open deal that has none pending, is decided only
    /// while pending, and is cleared from pending (withdrawn, voided) or after a refusal.
    /// </summary>
    public void SetApprovalState(ApprovalState state, Money? approvedPremium, DateTime now)
    {
        var allowed = (ApprovalState, state) switch
        {
            (not ApprovalState.Pending, ApprovalState.Pending) => !IsClosed,
            (ApprovalState.Pending, ApprovalState.Approved) => approvedPremium is not null,
            (ApprovalState.Pending, ApprovalState.Rejected) => true,
            (ApprovalState.Pending or ApprovalState.Rejected, ApprovalState.NotRequired) => true,
            _ => false,
        };
        if (!allowed)
            throw new DomainException(ApprovalState == ApprovalState.Pending
                ? "По сделке уже есть запрос на согласовании — дождитесь решения или отзовите его."
                : IsClosed ? "Сделка закрыта: изменить её нельзя." : "Запрос на согласование уже решён — обновите страницу.");
        ApprovalState = state;
        if (state == ApprovalState.Approved && approvedPremium is { } p)
        {
            PremiumKopecks = CheckPremium(p).Kopecks;
            if (Proposal is not null) Proposal = Proposal with { PremiumKopecks = p.Kopecks };
        }
        Raise(new DealUpdated(this, now));
    }

    /// <summary>The deal's side of a request's decision: approved, rejected, or withdrawn/voided (nothing pending any more).</summary>
    public void FollowApproval(Approvals.ApprovalRequest request, DateTime now)
    {
        if (request.DealId != Id) throw new DomainException("Запрос относится к другой сделке.");
        switch (request.State)
        {
            case Approvals.ApprovalRequestState.Pending when ApprovalState != ApprovalState.Pending:
                SetApprovalState(ApprovalState.Pending, null, now);
                break;
            case Approvals.ApprovalRequestState.Approved:
                SetApprovalState(ApprovalState.Approved, request.RequestedPremium, now);
                break;
            case Approvals.ApprovalRequestState.Rejected:
                SetApprovalState(ApprovalState.Rejected, null, now);
                break;
            case Approvals.ApprovalRequestState.Cancelled when ApprovalState == ApprovalState.Pending:
                SetApprovalState(ApprovalState.NotRequired, null, now);
                break;
        }
    }

    public CompetitorOffer AddCompetitorOffer(string competitor, Money premium, string? terms, int byManagerId, DateTime now)
    {
        EnsureOpen();
        var offer = new CompetitorOffer(competitor, CheckPremium(premium, "CompetitorPremium"), terms, byManagerId, now);
        _competitorOffers.Add(offer);
        Raise(new DealUpdated(this, now));
        return offer;
    }

    public void SetNegotiationStrategy(string? note, DateTime now)
    {
        var text = Guard.Optional(note, nameof(NegotiationStrategy), "Стратегия переговоров", 4000);
        if (text == NegotiationStrategy) return;
        NegotiationStrategy = text;
        Raise(new DealUpdated(this, now));
    }

    public void RecordAgreements(string? text, DateTime now)
    {
        var agreements = Guard.Optional(text, nameof(Agreements), "Договорённости", 4000);
        if (agreements == Agreements) return;
        Agreements = agreements;
        Raise(new DealUpdated(this, now));
    }

    /// <summary>
    /// The negotiation notes typed on the card: each text the user changed goes in unless a colleague changed that
    /// same text meanwhile (see <see cref="TextEdit"/>); then nothing is written and the caller shows both texts.
    /// A text the user did not touch is left as it is now, so two people editing the two texts both keep their work.
    /// </summary>
    public bool TryEditNotes(TextEdit strategy, TextEdit agreements, DateTime now)
    {
        var newStrategy = Guard.Optional(strategy.Typed, nameof(NegotiationStrategy), "Стратегия переговоров", 4000);
        var newAgreements = Guard.Optional(agreements.Typed, nameof(Agreements), "Договорённости", 4000);
        if (strategy.CollidesWith(NegotiationStrategy) || agreements.CollidesWith(Agreements)) return false;
        if (strategy.Changes) SetNegotiationStrategy(newStrategy, now);
        if (agreements.Changes) RecordAgreements(newAgreements, now);
        return true;
    }

    /// <summary>A logged call, meeting or e-mail keeps the deal alive.</summary>
    public void TouchActivity(DateTime at)
    {
        if (LastActivityAt is null || at > LastActivityAt) LastActivityAt = at;
    }

    /// <summary>The team lead (or another colleague) joins the deal as a participant.</summary>
    public DealParticipant Join(int managerId, DateTime now)
    {
        if (managerId == OwnerId) throw new DomainException("Владелец сделки уже участвует в ней.");
        var existing = _participants.FirstOrDefault(p => p.ManagerId == managerId);
        if (existing is not null) return existing;
        var participant = new DealParticipant(managerId, now);
        _participants.Add(participant);
        Raise(new DealUpdated(this, now));
        return participant;
    }

    /// <summary>Hands the deal to another manager with a reason from the catalogue.</summary>
    public Assignment Reassign(int toManagerId, AssignmentReason reason, string? comment, int? byManagerId,
        string? rule, DateTime now)
    {
        EnsureOpen();
        if (toManagerId == OwnerId) throw new DomainException("Сделка уже у этого менеджера.", nameof(OwnerId));
        var assignment = Assignment.For(AssignmentSubject.Deal, OwnerId, toManagerId, reason, comment, byManagerId, rule, now);
        var from = OwnerId;
        OwnerId = toManagerId;
        _assignments.Add(assignment);
        Raise(new DealReassigned(this, from, toManagerId, now));
        return assignment;
    }

    private void EnsureOpen()
    {
        if (IsClosed) throw new DomainException("Сделка закрыта: изменить её нельзя.");
    }

    private static Money CheckPremium(Money premium, string field = nameof(Premium))
    {
        if (!premium.IsPositive) throw new DomainException("Премия должна быть больше нуля.", field);
        if (premium > MaxPremium) throw new DomainException("Премия больше 10 млрд ₽ — проверьте сумму.", field);
        return premium;
    }

    private DateTime CheckCloseDate(DateTime date, DateTime now)
    {
        if (date.Date < now.Date) throw new DomainException("Ожидаемая дата закрытия уже прошла.", nameof(ExpectedCloseDate));
        if (date.Date > now.Date.AddYears(3))
            throw new DomainException("Ожидаемая дата закрытия — не дальше трёх лет.", nameof(ExpectedCloseDate));
        return DateTime.SpecifyKind(date.Date, DateTimeKind.Utc);
    }
}

/// <summary>The proposal (КП): when it was sent, until when it is valid, and its premium.</summary>
public sealed record Proposal(DateTime? SentAt, DateTime ValidUntil, long PremiumKopecks)
{
    public Money Premium => new(PremiumKopecks);
}

/// <summary>Where the deal's discount / special-terms request stands.</summary>
public enum ApprovalState
{
    NotRequired = 0,
    Pending = 1,
    Approved = 2,
    Rejected = 3,
}

/// <summary>One move of a deal between stages (the first row is the creation, with no <see cref="From"/>).</summary>
public sealed class DealStageChange
{
    private DealStageChange() { }

    internal DealStageChange(StageCode? from, StageCode to, int byManagerId, DateTime at)
    {
        From = from;
        To = to;
        ByManagerId = byManagerId;
        At = at;
    }

    public long Id { get; private set; }
    public int DealId { get; private set; }
    public StageCode? From { get; private set; }
    public StageCode To { get; private set; }
    public int ByManagerId { get; private set; }
    public DateTime At { get; private set; }

    /// <summary>
    /// The deal later entered a stage after this one (won counts, lost does not): what stage conversion counts.
    /// Kept on the row so the conversion of a period is one indexed scan.
    /// </summary>
    public bool Progressed { get; private set; }

    internal void MarkProgressed() => Progressed = true;
}

/// <summary>An offer from a competing insurer that the manager recorded.</summary>
public sealed class CompetitorOffer
{
    private CompetitorOffer() { }

    internal CompetitorOffer(string competitor, Money premium, string? terms, int byManagerId, DateTime at)
    {
        Competitor = Guard.Required(competitor, nameof(Competitor), "Конкурент", 200);
        PremiumKopecks = premium.Kopecks;
        Terms = Guard.Optional(terms, nameof(Terms), "Условия", 2000);
        ByManagerId = byManagerId;
        RecordedAt = at;
    }

    public int Id { get; private set; }
    public int DealId { get; private set; }
    public string Competitor { get; private set; } = "";
    public long PremiumKopecks { get; private set; }
    public Money Premium => new(PremiumKopecks);
    public string? Terms { get; private set; }
    public int ByManagerId { get; private set; }
    public DateTime RecordedAt { get; private set; }
}

/// <summary>A colleague working on the deal besides its owner (e.g. the team lead who joined the negotiation).</summary>
public sealed class DealParticipant
{
    private DealParticipant() { }

    internal DealParticipant(int managerId, DateTime joinedAt)
    {
        ManagerId = managerId;
        JoinedAt = joinedAt;
    }

    public int Id { get; private set; }
    public int DealId { get; private set; }
    public int ManagerId { get; private set; }
    public DateTime JoinedAt { get; private set; }
}

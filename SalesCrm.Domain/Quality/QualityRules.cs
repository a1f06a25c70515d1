using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Domain.Quality;

/// <summary>The data-quality rules (use case 8; block 2 of the diagnostics). Codes are stable: they name findings in URLs and tasks.</summary>
public enum QualityRule
{
    ClientNoContact = 1,
    ClientNoDecisionMaker = 2,
    ClientNoPhoneOrEmail = 3,
    ClientInnInvalid = 4,
    ClientRequiredFieldsEmpty = 5,
    DealNoNextStep = 11,
    DealStageInconsistent = 12,
    DealLostWithoutReason = 13,
    DealCloseDatePassed = 14,
    ProposalSentWithoutApproval = 21,
    ReassignmentWithoutReason = 22,
    DuplicateClient = 31,
}

/// <summary>What a rule looks at: the record a finding links to and whose owner fixes it.</summary>
public enum QualitySubject
{
    Client = 1,
    Deal = 2,
}

/// <summary>The catalogue: each rule's subject, Russian title and what it checks.</summary>
public static class QualityCatalogue
{
    public sealed record Entry(QualityRule Rule, QualitySubject Subject, string Title, string Description);

    public static IReadOnlyList<Entry> All { get; } =
    [
        new(QualityRule.ClientNoContact, QualitySubject.Client, "Клиент без контактов", "В карточке клиента нет ни одного контактного лица."),
        new(QualityRule.ClientNoDecisionMaker, QualitySubject.Client, "Не указан ЛПР", "Среди контактов клиента никто не отмечен как лицо, принимающее решение."),
        new(QualityRule.ClientNoPhoneOrEmail, QualitySubject.Client, "Нет телефона и e-mail", "Ни у клиента, ни у его контактов нет телефона или e-mail."),
        new(QualityRule.ClientInnInvalid, QualitySubject.Client, "ИНН пуст или неверен", "ИНН не указан, неверной длины или не проходит проверку контрольных цифр."),
        new(QualityRule.ClientRequiredFieldsEmpty, QualitySubject.Client, "Не заполнены обязательные поля", "Пусто название, отрасль или регион клиента."),
        new(QualityRule.DealNoNextStep, QualitySubject.Deal, "Нет следующего шага", "Открытая сделка без открытой задачи со сроком в будущем: нет следующего шага — нет сделки."),
        new(QualityRule.DealStageInconsistent, QualitySubject.Deal, "Этап не соответствует данным",
            "«КП отправлено» и дальше без КП, либо подписание или выигрыш при несогласованных условиях."),
        new(QualityRule.DealLostWithoutReason, QualitySubject.Deal, "Проигрыш без причины", "Сделка проиграна без причины или с причиной «Другое» без комментария."),
        new(QualityRule.DealCloseDatePassed, QualitySubject.Deal, "Дата закрытия в прошлом", "Сделка открыта, а ожидаемая дата закрытия уже прошла."),
        new(QualityRule.ProposalSentWithoutApproval, QualitySubject.Deal, "КП отправлено без согласования",
            "По истории: КП отмечено отправленным, когда запрос на согласование скидки или особых условий ещё ждал решения."),
        new(QualityRule.ReassignmentWithoutReason, QualitySubject.Deal, "Передача без причины",
            "Сделка или клиент переданы другому менеджеру без причины: «Другое» без комментария или смена ответственного в обход передачи."),
        new(QualityRule.DuplicateClient, QualitySubject.Client, "Дубли клиентов", "Клиенты с одним ИНН, телефоном, e-mail или очень похожим названием."),
    ];

    public static Entry Of(QualityRule rule) => All.Single(e => e.Rule == rule);
}

/// <summary>What the client rules need of a client.</summary>
public sealed record ClientFacts(int Id, string? Name, string? Inn, string? Industry, string? Region, string? Phone, string? Email,
    int Contacts, bool HasDecisionMaker, bool ContactHasPhoneOrEmail);

/// <summary>What the deal rules need of a deal.</summary>
public sealed record DealFacts(int Id, StageCode Stage, bool HasProposal, ApprovalState ApprovalState, LossReason? LossReason, string? LossComment,
    DateTime ExpectedCloseDate, bool HasFutureOpenTask);

/// <summary>An arrival of a deal at "Proposal sent" and the deal's approval requests, for the history rule.</summary>
public sealed record ApprovalFact(int DealId, DateTime CreatedAt, ApprovalRequestState State, DateTime? DecidedAt);

/// <summary>A change of owner: an assignment row, or an owner change seen in the audit trail with no assignment row behind it.</summary>
public sealed record OwnerChangeFact(QualitySubject Subject, int RecordId, int? FromManagerId, AssignmentReason? Reason, string? Comment, bool HasAssignment);

/// <summary>The rules as pure functions: each returns the rules a record breaks.</summary>
public static class QualityRules
{
    public static IEnumerable<QualityRule> Check(ClientFacts c)
    {
        if (c.Contacts == 0) yield return QualityRule.ClientNoContact;
        else if (!c.HasDecisionMaker) yield return QualityRule.ClientNoDecisionMaker;
        if (string.IsNullOrWhiteSpace(c.Phone) && string.IsNullOrWhiteSpace(c.Email) && !c.ContactHasPhoneOrEmail)
            yield return QualityRule.ClientNoPhoneOrEmail;
        if (!Inn.IsValid(c.Inn)) yield return QualityRule.ClientInnInvalid;
        if (string.IsNullOrWhiteSpace(c.Name) || string.IsNullOrWhiteSpace(c.Industry) || string.IsNullOrWhiteSpace(c.Region))
            yield return QualityRule.ClientRequiredFieldsEmpty;
    }

    /// <summary>The deal rules; <paramref name="today"/> is today in the department's time zone, as calendar dates are stored (UTC midnight).</summary>
    public static IEnumerable<QualityRule> Check(DealFacts d, DateTime today)
    {
        var open = !d.Stage.IsClosed();
        if (open && !d.HasFutureOpenTask) yield return QualityRule.DealNoNextStep;
        if (StageInconsistent(d)) yield return QualityRule.DealStageInconsistent;
        if (d.Stage == StageCode.Lost && (d.LossReason is null || (d.LossReason == LossReason.Other && string.IsNullOrWhiteSpace(d.LossComment))))
            yield return QualityRule.DealLostWithoutReason;
        if (open && d.ExpectedCloseDate.Date < today.Date) yield return QualityRule.DealCloseDatePassed;
    }

    /// <summary>
    /// "Proposal sent" or later with no proposal; contract signing or won while the terms wait for approval or were
    /// refused (the approval is required and is not there).
    /// </summary>
    public static bool StageInconsistent(DealFacts d) =>
        (d.Stage != StageCode.Lost && d.Stage.RequiresProposal() && !d.HasProposal)
        || (d.Stage is StageCode.ContractSigning or StageCode.Won && d.ApprovalState is ApprovalState.Pending or ApprovalState.Rejected);

    /// <summary>
    /// The proposal was marked sent at <paramref name="sentAt"/> while an approval request of the deal was still waiting:
    /// created before, and decided (or cancelled) only after, or never. Sending after a refusal is not flagged: the
    /// manager may have gone back to terms that need no approval.
    /// </summary>
    public static bool SentWithoutApproval(DateTime sentAt, IEnumerable<ApprovalFact> requests) =>
        requests.Any(r => r.CreatedAt <= sentAt && (r.DecidedAt is null || r.DecidedAt > sentAt));

    /// <summary>
    /// A hand-over of existing work (it had an owner) whose reason is "Other" without a comment, or an owner change
    /// that did not go through a hand-over at all.
    /// </summary>
    public static bool WithoutReason(OwnerChangeFact change) =>
        !change.HasAssignment
        || (change.FromManagerId is not null && change.Reason == AssignmentReason.Other && string.IsNullOrWhiteSpace(change.Comment));

    /// <summary>The data quality score: the share of checked records passing every rule; null when nothing was checked.</summary>
    public static double? Score(int checkedRecords, int failingRecords) =>
        checkedRecords == 0 ? null : (double)(checkedRecords - failingRecords) / checkedRecords;
}

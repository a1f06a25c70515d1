using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Leads;

/// <summary>Catalogue of reasons for an assignment (docs/features.md); <see cref="Other"/> needs a comment.</summary>
public enum AssignmentReason
{
    NewClient = 1,
    ManagerOverloaded = 2,
    ProductSpecialization = 3,
    Territory = 4,
    Vacation = 5,
    Other = 99,
}

public enum AssignmentSubject
{
    Lead = 1,
    Client = 2,
    Deal = 3,
}

public static class AssignmentReasons
{
    public static string Russian(this AssignmentReason reason) => reason switch
    {
        AssignmentReason.NewClient => "Новый клиент",
        AssignmentReason.ManagerOverloaded => "Перегруз менеджера",
        AssignmentReason.ProductSpecialization => "Специализация по продукту",
        AssignmentReason.Territory => "Территория",
        AssignmentReason.Vacation => "Отпуск",
        AssignmentReason.Other => "Другое",
        _ => reason.ToString(),
    };
}

/// <summary>
/// One hand-over of a lead, client or deal: from whom, to whom, why, and which rule or person decided.
/// </summary>
public sealed class Assignment
{
    private Assignment() { }

    public static Assignment For(AssignmentSubject subject, int? fromManagerId, int toManagerId, AssignmentReason reason,
        string? comment, int? byManagerId, string? rule, DateTime at)
    {
        if (!Enum.IsDefined(reason)) throw new DomainException("Выберите причину назначения.", nameof(Reason));
        var note = Guard.Optional(comment, nameof(Comment), "Комментарий", 1000);
        if (reason == AssignmentReason.Other && note is null)
            throw new DomainException("Для причины «Другое» напишите комментарий.", nameof(Comment));
        if (byManagerId is null && string.IsNullOrWhiteSpace(rule))
            throw new DomainException("Назначение должно указывать правило или сотрудника.");
        return new Assignment
        {
            Subject = subject,
            FromManagerId = fromManagerId,
            ToManagerId = toManagerId,
            Reason = reason,
            Comment = note,
            ByManagerId = byManagerId,
            Rule = Guard.Optional(rule, nameof(Rule), "Правило", 500),
            At = at,
        };
    }

    /// <summary>
    /// A hand-over carried over from a legacy system as it was recorded there: no reason, no comment. Kept so that the
    /// data-quality audit finds it ("reassignment without reason"); the CRM itself never records one.
    /// </summary>
    public static Assignment FromLegacy(AssignmentSubject subject, int fromManagerId, int toManagerId, int byManagerId, DateTime at) => new()
    {
        Subject = subject,
        FromManagerId = fromManagerId,
        ToManagerId = toManagerId,
        Reason = AssignmentReason.Other,
        ByManagerId = byManagerId,
        At = at,
    };

    public long Id { get; private set; }
    public AssignmentSubject Subject { get; private set; }
    public int? LeadId { get; private set; }
    public int? ClientId { get; private set; }
    public int? DealId { get; private set; }
    public int? FromManagerId { get; private set; }
    public int ToManagerId { get; private set; }
    public AssignmentReason Reason { get; private set; }
    public string? Comment { get; private set; }
    /// <summary>The person who assigned by hand; null when a rule did.</summary>
    public int? ByManagerId { get; private set; }
    /// <summary>The rule and its explanation, e.g. "territory: Москва; load 12/20".</summary>
    public string? Rule { get; private set; }
    public DateTime At { get; private set; }
}

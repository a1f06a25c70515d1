using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Quality;

/// <summary>
/// The data quality score of one manager (or a whole team: <see cref="ManagerId"/> 0) on one day, kept so the page can
/// show the trend. One row per team, manager and day.
/// </summary>
public sealed class QualitySnapshot
{
    private QualitySnapshot() { }

    public QualitySnapshot(DateTime day, int teamId, int managerId, int checkedRecords, int failing)
    {
        if (checkedRecords < 0 || failing < 0 || failing > checkedRecords) throw new DomainException("Снимок качества данных не сходится.");
        Day = DateTime.SpecifyKind(day.Date, DateTimeKind.Utc);
        TeamId = teamId;
        ManagerId = managerId;
        Checked = checkedRecords;
        Failing = failing;
    }

    public long Id { get; private set; }
    public DateTime Day { get; private set; }
    public int TeamId { get; private set; }
    /// <summary>0 for the team as a whole.</summary>
    public int ManagerId { get; private set; }
    public int Checked { get; private set; }
    public int Failing { get; private set; }
    public double? Score => QualityRules.Score(Checked, Failing);
}

/// <summary>A sampling audit: the team lead draws client cards of a manager at random and marks each one.</summary>
public sealed class QualityAudit : Entity
{
    public const int MaxSample = 50;
    private readonly List<QualityAuditItem> _items = [];

    private QualityAudit() { }

    public QualityAudit(int managerId, int authorId, IReadOnlyCollection<int> clientIds, DateTime now)
    {
        if (clientIds.Count == 0) throw new DomainException("У менеджера нет клиентов — проверять нечего.");
        if (clientIds.Count > MaxSample) throw new DomainException(new UserText("За один раз можно проверить не больше {0} карточек.", MaxSample), "Size");
        ManagerId = managerId;
        AuthorId = authorId;
        CreatedAt = now;
        _items.AddRange(clientIds.Distinct().Select(id => new QualityAuditItem(id)));
    }

    public int ManagerId { get; private set; }
    public int AuthorId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public IReadOnlyList<QualityAuditItem> Items => _items;

    public void Mark(int itemId, AuditVerdict verdict, string? comment, DateTime now)
    {
        var item = _items.SingleOrDefault(i => i.Id == itemId) ?? throw new DomainException("Карточки нет в этой проверке.");
        if (verdict == AuditVerdict.Pending) throw new DomainException("Отметьте: проверено или требует исправления.");
        if (verdict == AuditVerdict.NeedsFix && string.IsNullOrWhiteSpace(comment))
            throw new DomainException("Напишите, что исправить в карточке.", "Comment");
        item.Mark(verdict, Guard.Optional(comment, "Comment", "Комментарий", 1000), now);
    }
}

public sealed class QualityAuditItem
{
    private QualityAuditItem() { }

    internal QualityAuditItem(int clientId) => ClientId = clientId;

    public int Id { get; private set; }
    public int QualityAuditId { get; private set; }
    public int ClientId { get; private set; }
    public AuditVerdict Verdict { get; private set; }
    public string? Comment { get; private set; }
    public DateTime? CheckedAt { get; private set; }

    internal void Mark(AuditVerdict verdict, string? comment, DateTime now)
    {
        Verdict = verdict;
        Comment = comment;
        CheckedAt = now;
    }
}

public enum AuditVerdict
{
    Pending = 0,
    Checked = 1,
    NeedsFix = 2,
}

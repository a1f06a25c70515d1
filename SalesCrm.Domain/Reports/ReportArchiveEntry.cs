using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Reports;

/// <summary>
/// A management pack kept in the report archive: the workbook as it was produced, for one team and one week. The
/// scheduled one is unique per team and week, which is what makes the Monday run happen once across restarts and nodes.
/// </summary>
public sealed class ReportArchiveEntry
{
    private ReportArchiveEntry() { }

    public ReportArchiveEntry(int teamId, DateTime periodStart, DateTime periodEnd, string fileName, byte[] content, DateTime now)
    {
        if (content.Length == 0) throw new DomainException("Пустой отчёт не сохраняется.");
        TeamId = teamId;
        PeriodStart = DateTime.SpecifyKind(periodStart.Date, DateTimeKind.Utc);
        PeriodEnd = DateTime.SpecifyKind(periodEnd.Date, DateTimeKind.Utc);
        FileName = Guard.Required(fileName, nameof(FileName), "Имя файла", 200);
        Content = content;
        CreatedAt = now;
    }

    public int Id { get; private set; }
    public int TeamId { get; private set; }
    /// <summary>First and last calendar day of the week (UTC midnight, as every calendar date here).</summary>
    public DateTime PeriodStart { get; private set; }
    public DateTime PeriodEnd { get; private set; }
    public string FileName { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    /// <summary>When it was mailed to the team lead and the head (null: not mailed, e.g. no SMTP configured).</summary>
    public DateTime? MailedAt { get; private set; }

    public void MarkMailed(DateTime now) => MailedAt = now;
}

namespace SalesCrm.Domain.Diagnostics;

/// <summary>
/// The value of one trigger for one team (<see cref="TeamId"/> 0: the whole department) and one month, as measured when the
/// month had ended: the "было" of the before/after comparison. One row per team, month and trigger.
/// </summary>
public sealed class DiagnosticSnapshot
{
    private DiagnosticSnapshot() { }

    public DiagnosticSnapshot(int teamId, DateTime month, string triggerCode, double? value, double threshold, DiagnosticStatus status, DateTime now)
    {
        TeamId = teamId;
        Month = new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        TriggerCode = triggerCode;
        Value = value;
        Threshold = threshold;
        Status = status;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public int TeamId { get; private set; }
    /// <summary>The first day of the month (a calendar date, UTC midnight).</summary>
    public DateTime Month { get; private set; }
    public string TriggerCode { get; private set; } = "";
    public double? Value { get; private set; }
    public double Threshold { get; private set; }
    public DiagnosticStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

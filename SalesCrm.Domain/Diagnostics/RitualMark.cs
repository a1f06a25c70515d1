namespace SalesCrm.Domain.Diagnostics;

/// <summary>A management ritual the diagnostics look for (block 6): was it used lately?</summary>
public enum RitualKind
{
    WeeklyPack = 1,
    Board = 2,
    Dashboard = 3,
    Reports = 4,
}

/// <summary>
/// One day on which a team used a ritual: the weekly pack was produced, the TV board was shown, the team lead opened the
/// dashboard or the reports. One row per team, kind and day, however often it happens.
/// </summary>
public sealed class RitualMark
{
    private RitualMark() { }

    public RitualMark(int teamId, RitualKind kind, DateTime day)
    {
        TeamId = teamId;
        Kind = kind;
        Day = DateTime.SpecifyKind(day.Date, DateTimeKind.Utc);
    }

    public long Id { get; private set; }
    public int TeamId { get; private set; }
    public RitualKind Kind { get; private set; }
    public DateTime Day { get; private set; }
}

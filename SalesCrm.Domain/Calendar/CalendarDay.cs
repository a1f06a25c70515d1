using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Calendar;

/// <summary>
/// The administrator's edit of one date of the department's calendar: worked or not, whatever the production calendar
/// and the weekday say (a corporate day off, a decree not yet in the app, a holiday the department works). Removing the
/// edit brings the default back.
/// </summary>
public sealed class CalendarDay : Entity
{
    private CalendarDay() { }

    public CalendarDay(DateOnly date, bool isWorking, string? name, int byId, DateTime now)
    {
        Date = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        Change(isWorking, name, byId, now);
    }

    /// <summary>The date, stored as UTC midnight like every calendar date of the app.</summary>
    public DateTime Date { get; private set; }

    public DateOnly Day => DateOnly.FromDateTime(Date);
    public bool IsWorking { get; private set; }
    public string? Name { get; private set; }
    public int ChangedById { get; private set; }
    public DateTime ChangedAt { get; private set; }

    public void Change(bool isWorking, string? name, int byId, DateTime now)
    {
        IsWorking = isWorking;
        Name = Guard.Optional(name, nameof(Name), "Название дня", 100);
        ChangedById = byId;
        ChangedAt = now;
    }
}

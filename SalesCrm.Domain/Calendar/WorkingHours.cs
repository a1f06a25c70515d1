namespace SalesCrm.Domain.Calendar;

/// <summary>
/// A team's working day (default Monday–Friday 09:00–19:00 local time): when it starts and ends and which weekdays are
/// working by default. Holidays and transferred working days come from the <see cref="WorkingCalendar"/>.
/// </summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End, IReadOnlySet<DayOfWeek> Days)
{
    public static WorkingHours Default { get; } = new(new TimeOnly(9, 0), new TimeOnly(19, 0), Weekdays);

    public static IReadOnlySet<DayOfWeek> Weekdays => new HashSet<DayOfWeek>
        { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

    /// <summary>Checks a team's hours as the administration page sends them.</summary>
    public static WorkingHours Create(TimeOnly start, TimeOnly end, IEnumerable<DayOfWeek> days)
    {
        var set = days.ToHashSet();
        if (end <= start) throw new Common.DomainException("Конец рабочего дня должен быть позже начала.", nameof(End));
        if (set.Count == 0) throw new Common.DomainException("Отметьте хотя бы один рабочий день недели.", nameof(Days));
        if (set.Any(d => !Enum.IsDefined(d))) throw new Common.DomainException("День недели не из списка.", nameof(Days));
        return new WorkingHours(start, end, set);
    }

    /// <summary>The weekdays as a bit mask (bit 0 = Sunday), the way a team stores them.</summary>
    public int DaysMask => Days.Aggregate(0, (mask, d) => mask | (1 << (int)d));

    public static IReadOnlySet<DayOfWeek> FromMask(int mask) =>
        Enum.GetValues<DayOfWeek>().Where(d => (mask & (1 << (int)d)) != 0).ToHashSet();
}

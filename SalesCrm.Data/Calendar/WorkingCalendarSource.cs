using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Calendar;

namespace SalesCrm.Data.Calendar;

/// <summary>
/// The department's <see cref="WorkingCalendar"/> as every figure and background check reads it: the Russian production
/// calendar for the years around now, the administrator's edits over it, the department's hours (Crm:WorkingHours) and
/// each team's own. Read from the database at most every <see cref="CacheFor"/> on each node; a change made on this node
/// is seen at once.
/// </summary>
public sealed class WorkingCalendarSource(IProviderContextFactory contexts, TimeProvider time, CrmOptions options)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private (WorkingCalendar Calendar, DateTime At)? _cached;

    public async Task<WorkingCalendar> CurrentAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_cached is { } c && now - c.At < CacheFor && now >= c.At) return c.Calendar;
        await using var db = contexts.Create();
        var calendar = await LoadAsync(db, now, ct);
        _cached = (calendar, now);
        return calendar;
    }

    /// <summary>Forgets the cached calendar (after an edit on this node).</summary>
    public void Forget() => _cached = null;

    internal async Task<WorkingCalendar> LoadAsync(CrmDbContext db, DateTime now, CancellationToken ct)
    {
        var edits = await db.CalendarDays.AsNoTracking().Select(d => new { d.Date, d.IsWorking }).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.WorkStartMinute != null).ToListAsync(ct);
        return new WorkingCalendar(options.TimeZone, options.WorkingHours,
            teams.Where(t => t.Hours is not null).ToDictionary(t => t.Id, t => t.Hours!),
            Exceptions(now.Year, edits.Select(e => (DateOnly.FromDateTime(e.Date), e.IsWorking))));
    }

    /// <summary>The production calendar from the year before last to the year after next, with the edits over it.</summary>
    public static Dictionary<DateOnly, bool> Exceptions(int year, IEnumerable<(DateOnly Date, bool IsWorking)> edits)
    {
        var days = new Dictionary<DateOnly, bool>();
        for (var y = year - 2; y <= year + 2; y++)
            foreach (var d in RussianProductionCalendar.Year(y)) days[d.Date] = d.IsWorking;
        foreach (var (date, working) in edits) days[date] = working;
        return days;
    }
}

using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>A sales team led by one team lead (старший менеджер).</summary>
public sealed class Team : Entity
{
    private Team() { }

    public Team(string name) => Rename(name);

    public string Name { get; private set; } = "";

    /// <summary>Lead distribution mode: assign on arrival, or queue the lead for the team lead.</summary>
    public bool AutoAssignLeads { get; private set; } = true;

    public void Rename(string name) => Name = Guard.Required(name, nameof(Name), "Название команды", 100);

    public void SetAutoAssign(bool enabled) => AutoAssignLeads = enabled;

    /// <summary>Start of the team's working day, minutes after local midnight; null — the department's hours.</summary>
    public int? WorkStartMinute { get; private set; }
    public int? WorkEndMinute { get; private set; }
    /// <summary>Working weekdays as a bit mask (bit 0 = Sunday).</summary>
    public int? WorkDaysMask { get; private set; }

    /// <summary>The team's own hours, or null when it works the department's.</summary>
    public Calendar.WorkingHours? Hours => WorkStartMinute is { } s && WorkEndMinute is { } e && WorkDaysMask is { } d
        ? new Calendar.WorkingHours(TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(s)), TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(e)), Calendar.WorkingHours.FromMask(d))
        : null;

    /// <summary>Sets the team's own hours (checked by <see cref="Calendar.WorkingHours.Create"/>), or null for the department's.</summary>
    public void SetHours(Calendar.WorkingHours? hours)
    {
        WorkStartMinute = hours is null ? null : (int)hours.Start.ToTimeSpan().TotalMinutes;
        WorkEndMinute = hours is null ? null : (int)hours.End.ToTimeSpan().TotalMinutes;
        WorkDaysMask = hours?.DaysMask;
    }
}

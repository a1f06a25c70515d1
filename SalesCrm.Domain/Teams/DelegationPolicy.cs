namespace SalesCrm.Domain.Teams;

/// <summary>
/// What the head of department lets team leads do on their own (one row): edit their team's monthly plans and working hours. Without it,
/// plans are set by the head or the administrator.
/// </summary>
public sealed class DelegationPolicy
{
    public const int SingletonId = 1;

    private DelegationPolicy() { }

    public static DelegationPolicy Default(DateTime now) => new() { Id = SingletonId, UpdatedAt = now };

    public int Id { get; private set; }
    public bool TeamLeadsEditPlans { get; private set; }
    /// <summary>Team leads set their own team's working hours.</summary>
    public bool TeamLeadsEditHours { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public int? UpdatedById { get; private set; }

    public void Change(bool teamLeadsEditPlans, int byId, DateTime now) => Change(teamLeadsEditPlans, TeamLeadsEditHours, byId, now);

    public void Change(bool teamLeadsEditPlans, bool teamLeadsEditHours, int byId, DateTime now)
    {
        TeamLeadsEditPlans = teamLeadsEditPlans;
        TeamLeadsEditHours = teamLeadsEditHours;
        UpdatedById = byId;
        UpdatedAt = now;
    }
}

using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Approvals;

/// <summary>
/// The department's approval settings (one row): the authority matrix and the SLA after which a pending request
/// goes one level up by itself.
/// </summary>
public sealed class ApprovalPolicy
{
    public const int SingletonId = 1;

    private ApprovalPolicy() { }

    public static ApprovalPolicy Default(DateTime now) => new()
    {
        Id = SingletonId,
        TeamLeadLimitBasisPoints = AuthorityMatrix.Default.TeamLeadLimitBasisPoints,
        HeadLimitBasisPoints = AuthorityMatrix.Default.HeadLimitBasisPoints,
        SlaHours = 24,
        UpdatedAt = now,
    };

    public int Id { get; private set; }
    public int TeamLeadLimitBasisPoints { get; private set; }
    public int HeadLimitBasisPoints { get; private set; }
    /// <summary>Hours a request may wait at one level before it escalates by itself.</summary>
    public int SlaHours { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public int? UpdatedById { get; private set; }

    public AuthorityMatrix Matrix => new(TeamLeadLimitBasisPoints, HeadLimitBasisPoints);
    public TimeSpan Sla => TimeSpan.FromHours(SlaHours);

    /// <summary>Limits in percent with up to two decimals (10 → 1000 basis points); the SLA in hours, 1 to 720.</summary>
    public void Change(decimal teamLeadPercent, decimal headPercent, int slaHours, int byId, DateTime now)
    {
        if (decimal.Round(teamLeadPercent, 2) != teamLeadPercent || decimal.Round(headPercent, 2) != headPercent)
            throw new DomainException("Лимиты — с точностью до сотых процента.", nameof(TeamLeadLimitBasisPoints));
        var matrix = new AuthorityMatrix((int)(teamLeadPercent * 100), (int)(headPercent * 100)).Validated();
        if (slaHours is < 1 or > 720) throw new DomainException("Срок решения — от 1 до 720 часов.", nameof(SlaHours));
        TeamLeadLimitBasisPoints = matrix.TeamLeadLimitBasisPoints;
        HeadLimitBasisPoints = matrix.HeadLimitBasisPoints;
        SlaHours = slaHours;
        UpdatedById = byId;
        UpdatedAt = now;
    }
}

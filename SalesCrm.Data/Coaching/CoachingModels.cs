using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Coaching;

public sealed record ManagerScore(Manager Manager, ScorecardFigures Current, ScorecardFigures Previous);

public sealed record TeamCoaching(int TeamId, string TeamName, ReportingPeriod Period, ReportingPeriod PreviousPeriod,
    IReadOnlyList<ManagerScore> Managers, ScorecardFigures TeamAverage, ScorecardFigures PreviousTeamAverage);

/// <summary>One month of the trend: the manager's figures and the team average of that month.</summary>
public sealed record TrendPoint(ReportingPeriod Month, ScorecardFigures Manager, ScorecardFigures Team);

public sealed record CallRecording(int ActivityId, DateTime At, ActivityDirection Direction, int DurationMinutes, string Url, string? Comment,
    int? DealId, int? ClientId, string? ClientName, IReadOnlyList<string> Tags);

public sealed record DevelopmentTask(int Id, string Title, string? Comment, DateTime DueAt, TaskState Status, DateTime? CompletedAt, int AuthorId)
{
    public string AuthorName { get; init; } = "";
}

public sealed record CoachingNoteInfo(int Id, string Text, DateTime CreatedAt, int AuthorId)
{
    public string AuthorName { get; init; } = "";
}

public sealed record WonExample(int DealId, int ClientId, string ClientName, string Industry, string ProductName, long PremiumKopecks,
    DateTime ClosedAt, string OwnerName, string? NegotiationStrategy, string? Agreements, bool Shared = false, bool Opens = true);

public sealed record ActivityExample(int Id, ActivityKind Kind, DateTime At, string AuthorName, string? Comment, IReadOnlyList<string> Tags,
    int? DealId, int? ClientId, string? ClientName, string? RecordingUrl, bool Shared = false, bool Opens = true);

/// <summary>The examples, and whether the reader may show or hide them for the team (a manager sees only the shared ones).</summary>
public sealed record CoachingExamples(IReadOnlyList<WonExample> Deals, IReadOnlyList<ActivityExample> Activities, bool CanShare = false, int? TeamId = null);

public sealed record ManagerCoaching
{
    public required int ManagerId { get; init; }
    public required string FullName { get; init; }
    public required string Email { get; init; }
    public required ExperienceLevel Experience { get; init; }
    public required DateTime HiredOn { get; init; }
    public required int TeamId { get; init; }
    public required string TeamName { get; init; }
    public required ReportingPeriod Period { get; init; }
    public required ReportingPeriod PreviousPeriod { get; init; }
    public required ScorecardFigures Current { get; init; }
    public required ScorecardFigures Previous { get; init; }
    public required ScorecardFigures TeamAverage { get; init; }
    public required IReadOnlyList<TrendPoint> Trend { get; init; }
    public required IReadOnlyList<CallRecording> Recordings { get; init; }
    public required IReadOnlyList<DevelopmentTask> DevelopmentTasks { get; init; }
    public required IReadOnlyList<CoachingNoteInfo> Notes { get; init; }
    /// <summary>The user may write recommendations and give development tasks here.</summary>
    public required bool CanCoach { get; init; }
}

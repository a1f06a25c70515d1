using SalesCrm.Domain.Quality;

namespace SalesCrm.Data.Quality;

/// <summary>
/// One record breaking one rule: the record (a client or a deal) and its owner, who fixes it; <see cref="ClientId"/> is the
/// client of the record, <see cref="OtherId"/> the other client of a duplicate pair.
/// </summary>
public sealed record QualityFinding(QualityRule Rule, QualitySubject Subject, int RecordId, string Title, int OwnerId, string Detail, int? ClientId,
    int? OtherId = null)
{
    public string OwnerName { get; init; } = "";
}

public sealed record DuplicateInfo(int FirstId, string FirstName, int SecondId, string SecondName, DuplicateReason Reason, double Similarity);

public sealed record QualityTrendPoint(DateTime Day, double? Score);

public sealed record ManagerQuality(int ManagerId, string Name, int Checked, int Failing, double? Score, IReadOnlyList<QualityTrendPoint> Trend);

public sealed record QualityReport
{
    public required int? TeamId { get; init; }
    public required string TeamName { get; init; }
    public required IReadOnlyList<QualityFinding> Findings { get; init; }
    public required IReadOnlyList<DuplicateInfo> Duplicates { get; init; }
    public required IReadOnlyList<ManagerQuality> Managers { get; init; }
    public required int Checked { get; init; }
    public required int Failing { get; init; }
    public double? Score => QualityRules.Score(Checked, Failing);
    public required IReadOnlyList<QualityTrendPoint> Trend { get; init; }
}

public sealed record FixTasksResult(int Created, int Skipped);

internal sealed record QualityRun(IReadOnlyList<QualityFinding> Findings, IReadOnlyList<DuplicateInfo> Duplicates,
    IReadOnlyDictionary<int, (int Checked, int Failing)> PerOwner);

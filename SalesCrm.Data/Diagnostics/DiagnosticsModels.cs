using SalesCrm.Domain.Common;
using SalesCrm.Domain.Diagnostics;

namespace SalesCrm.Data.Diagnostics;

/// <summary>One trigger measured: value (null: no data), threshold, status, what it counted, where its records are.</summary>
public sealed record TriggerResult(TriggerDefinition Trigger, double? Value, double Threshold, DiagnosticStatus Status, string? Note, string? Link);

public sealed record BlockResult(DiagnosticBlock Block, DiagnosticStatus Status, IReadOnlyList<TriggerResult> Triggers);

public sealed record DiagnosticsReport(int? TeamId, string TeamName, ReportingPeriod Period, DateTime MeasuredAt, IReadOnlyList<BlockResult> Blocks);

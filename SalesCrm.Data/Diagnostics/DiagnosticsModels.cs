using SalesCrm.Domain.Common;
using SalesCrm.Domain.Diagnostics;

namespace SalesCrm.Data.Diagnostics;

/// <summary>One trigger measured: value (null: no data), threshold, status, what it counted, where its records are.</summary>
public sealed record TriggerResult(TriggerDefinition Trigger, double? Value, double Threshold, DiagnosticStatus Status, UserText? Note, string? Link);

public sealed record BlockResult(DiagnosticBlock Block, DiagnosticStatus Status, IReadOnlyList<TriggerResult> Triggers);

public sealed record DiagnosticsReport(int? TeamId, string TeamName, ReportingPeriod Period, DateTime MeasuredAt, IReadOnlyList<BlockResult> Blocks);

/// <summary>One trigger in the two months compared; <see cref="Better"/> says whether it moved the right way.</summary>
public sealed record BeforeAfterRow(TriggerDefinition Trigger, double? Before, DiagnosticStatus BeforeStatus, double? After, DiagnosticStatus AfterStatus,
    double Threshold)
{
    public double? Change => Before is { } b && After is { } a ? a - b : null;

    public bool? Better => Change is not { } c || c == 0 ? null : (c < 0) == (Trigger.Direction == TriggerDirection.Above);
}

/// <summary>"Было/стало": a scope's triggers in two months, each from its stored snapshot or measured now.</summary>
public sealed record BeforeAfter(int? TeamId, string TeamName, DateOnly BeforeMonth, bool BeforeStored, DateOnly AfterMonth, bool AfterStored,
    IReadOnlyList<BeforeAfterRow> Rows);

using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Tasks;

namespace SalesCrm.Web.Components.Pages.Tasks;

/// <summary>The address of /tasks and of its Excel export: the same view, assignee and kind, read and written in one place.</summary>
public static class TasksAddress
{
    public static string Of(TaskView view, int? assignee, TaskKind? kind, int? team = null) =>
        $"?view={view.ToString().ToLowerInvariant()}{(assignee is { } a ? $"&assignee={a}" : "")}{(kind is { } k ? $"&kind={k}" : "")}{(team is { } t ? $"&team={t}" : "")}";

    public static TaskView View(string? raw) => Enum.TryParse<TaskView>(raw, true, out var v) && Enum.IsDefined(v) ? v : TaskView.Open;

    public static TaskKind? Kind(string? raw) => Enum.TryParse<TaskKind>(raw, true, out var k) && Enum.IsDefined(k) ? k : null;

    public static TaskListQuery Read(Func<string, string?> get) =>
        new(View(get("view")), Shared.QueryValue.Int(get("assignee")), Kind(get("kind")), TeamId: Shared.QueryValue.Int(get("team")));
}

using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;

namespace SalesCrm.Data.Deals;

/// <summary>
/// "No next step — no deal" in SQL: a deal's next step is an open task of a client-facing kind
/// (<see cref="TaskItem.NextStepKinds"/>) due after <c>now</c>. Every list, count, rule and trigger uses this one query.
/// </summary>
public static class NextSteps
{
    /// <summary>The open next-step tasks of deals (any due date), for picking a deal's nearest one.</summary>
    public static IQueryable<TaskItem> OpenSteps(this IQueryable<TaskItem> tasks) =>
        tasks.Where(t => t.Status == TaskState.Open && TaskItem.NextStepKinds.Contains(t.Kind));

    public static IQueryable<Deal> WithoutNextStep(this IQueryable<Deal> deals, IQueryable<TaskItem> tasks, DateTime now) =>
        deals.Where(d => !tasks.Any(t => t.DealId == d.Id && t.Status == TaskState.Open && t.DueAt > now && TaskItem.NextStepKinds.Contains(t.Kind)));
}

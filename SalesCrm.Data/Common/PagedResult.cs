namespace SalesCrm.Data.Common;

/// <summary>One page of a server-paged list and the total number of matching rows.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total);

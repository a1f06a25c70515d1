using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace SalesCrm.Web.Components.Shared;

/// <summary>
/// A list's sort lives in its address (<c>sort=</c>, <c>desc=</c>) like its filters, so a link or a saved view reproduces it.
/// The grid keeps its own sort state too (the header arrows); these keep the two the same: the columns start from the
/// address, and an address that changes under an open grid (another view chosen) is handed to it.
/// </summary>
public static class GridSort
{
    /// <summary>The column's initial direction: the address's, when the address sorts by this column.</summary>
    public static SortDirection Initial(bool sortsByThis, bool descending) =>
        !sortsByThis ? SortDirection.None : descending ? SortDirection.Descending : SortDirection.Ascending;

    /// <summary>Sorts the grid by the address's field unless it already is (the grid then reloads itself); true when it did.</summary>
    public static async Task<bool> FollowAsync<T>(MudDataGrid<T>? grid, string field, bool descending)
    {
        if (grid is null) return false;
        var current = grid.SortDefinitions.Values.FirstOrDefault();
        if (current is not null && current.SortBy == field && current.Descending == descending) return false;
        await grid.SetSortAsync(field, descending ? SortDirection.Descending : SortDirection.Ascending, _ => null!);
        return true;
    }

    /// <summary>
    /// Writes the grid's sort into the address after a header click (null: the list's default order), replacing the history
    /// entry, so a link, a reload or a saved view keeps the order.
    /// </summary>
    public static void Remember(NavigationManager navigation, string? sort, string? descending) =>
        navigation.NavigateTo(navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["sort"] = sort, ["desc"] = descending }),
            new NavigationOptions { ReplaceHistoryEntry = true });
}

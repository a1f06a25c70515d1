using SalesCrm.Domain.Views;

namespace SalesCrm.Web.Components.Shared;

/// <summary>A column the user may hide from a list (<see cref="ListViews"/>): its key in the address's <c>hide=</c> and its title.</summary>
public sealed record ListColumn(string Key, string Title)
{
    /// <summary>Whether the address's <c>hide=</c> text hides the column with this key (the grid's <c>Hidden</c>).</summary>
    public static bool IsHidden(string? hide, string key) => SavedViewAddress.SplitColumns(hide).Contains(key);
}

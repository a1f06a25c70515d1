using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Views;

/// <summary>The lists a view can be saved for.</summary>
public enum SavedList
{
    Deals = 1,
    Leads = 2,
    Clients = 3,
}

/// <summary>
/// A user's saved view of a list: the filters and the sort (the list's address) and the columns they hid, under a name, so
/// «Мои горящие сделки» is one click away. A view is a bookmark, not a grant: applying it is opening the list at that address,
/// and the list still shows only what its own access scope lets the user see.
/// </summary>
public sealed class SavedView : Entity, IVersioned
{
    public const int NameMaxLength = 60;

    /// <summary>
    /// Longer than any address the lists write; a view is refused rather than cut, since a cut filter would silently show
    /// other records than the ones the user saved.
    /// </summary>
    public const int QueryMaxLength = 1000;

    public const int ColumnsMaxLength = 300;

    private SavedView() { }

    public SavedView(int ownerId, SavedList list, string name, string? query, IEnumerable<string> hiddenColumns, DateTime now)
    {
        OwnerId = ownerId;
        List = Enum.IsDefined(list) ? list : throw new DomainException("Неизвестный список.", nameof(List));
        Rename(name, now);
        Change(query, hiddenColumns, now);
        CreatedAt = now;
    }

    public int OwnerId { get; private set; }
    public SavedList List { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The name lower-cased, for the «one name per user and list» rule whatever the case (a unique index).</summary>
    public string NameKey { get; private set; } = "";
    /// <summary>The filters and the sort, as the list's address writes them (only the list's own parameters, see <see cref="SavedViewAddress"/>).</summary>
    public string Query { get; private set; } = "";
    /// <summary>The hidden columns' keys, comma-separated: what is hidden is kept rather than what is shown, so a column added later shows up.</summary>
    public string HiddenColumns { get; private set; } = "";
    /// <summary>Opening the list with an empty address applies this view (at most one per user and list; the service keeps that).</summary>
    public bool IsDefault { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public int Version { get; set; }

    /// <summary>The address the list opens at: the filters and the sort, and the hidden columns as <c>hide=</c>.</summary>
    public string Address => SavedViewAddress.Compose(Query, SavedViewAddress.SplitColumns(HiddenColumns));

    public void Rename(string name, DateTime now)
    {
        Name = Guard.Required(name, nameof(Name), "Название вида", NameMaxLength);
        NameKey = KeyOf(Name);
        UpdatedAt = now;
    }

    /// <summary>Takes the list's current filters, sort and columns (saving over a view of the same name).</summary>
    public void Change(string? query, IEnumerable<string> hiddenColumns, DateTime now)
    {
        Query = SavedViewAddress.Normalize(List, query);
        var columns = string.Join(",", SavedViewAddress.KnownColumns(List, hiddenColumns));
        if (columns.Length > ColumnsMaxLength) throw new DomainException(new UserText("Слишком много скрытых столбцов (больше {0} символов).", ColumnsMaxLength), nameof(HiddenColumns));
        HiddenColumns = columns;
        UpdatedAt = now;
    }

    public void MakeDefault(bool isDefault, DateTime now)
    {
        if (IsDefault == isDefault) return;
        IsDefault = isDefault;
        UpdatedAt = now;
    }

    /// <summary>How names are compared: trimmed, any case, «ё» as «е».</summary>
    public static string KeyOf(string name) => name.Trim().ToLowerInvariant().Replace('ё', 'е');
}

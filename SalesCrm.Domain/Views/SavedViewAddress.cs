using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Views;

/// <summary>
/// What a list's address may carry into a saved view, and how it is written. Only the list's own filter and sort parameters
/// are kept (in a fixed order, so the same filters always give the same text and the menu can tell which view is open);
/// anything else — an open lead's drawer, a diagnostics link's month, a typo — is dropped.
/// </summary>
public static class SavedViewAddress
{
    /// <summary>The parameter of the hidden columns' keys, comma-separated.</summary>
    public const string ColumnsParameter = "hide";

    /// <summary>One value of an address longer than this is not a filter anyone typed.</summary>
    public const int ValueMaxLength = 200;

    /// <summary>The filters and the sort each list reads from its address, in the order a view writes them.</summary>
    public static IReadOnlyList<string> Parameters(SavedList list) => list switch
    {
        SavedList.Deals => ["q", "stage", "owner", "product", "open", "nostep", "stuck", "attention", "team", "sort", "desc"],
        SavedList.Leads => ["view", "q", "status", "sort", "desc"],
        SavedList.Clients => ["q", "risk", "owner", "sort", "desc"],
        _ => [],
    };

    /// <summary>
    /// The columns a user may hide, by key. The key column of each list (the deal's number, the lead, the client's name) is not
    /// among them: it is how a row is opened, so it always stays.
    /// </summary>
    public static IReadOnlyList<string> Columns(SavedList list) => list switch
    {
        SavedList.Deals => ["client", "product", "stage", "premium", "owner", "close", "days", "nextstep"],
        SavedList.Leads => ["created", "region", "assignee", "status", "response"],
        SavedList.Clients => ["inn", "industry", "region", "segment", "risk", "owner"],
        _ => [],
    };

    /// <summary>The list's own parameters of <paramref name="query"/> ("a=1&amp;b=2", with or without "?"), re-encoded in the fixed order.</summary>
    public static string Normalize(SavedList list, string? query)
    {
        var values = Parse(query);
        var kept = new List<string>();
        foreach (var key in Parameters(list))
        {
            if (!values.TryGetValue(key, out var value) || value.Length == 0) continue;
            if (value.Length > ValueMaxLength || value.Any(Guard.Hidden))
                throw new DomainException(new UserText("Фильтр «{0}» вида не похож на фильтр списка.", key), "Query");
            kept.Add(key + "=" + Uri.EscapeDataString(value));
        }
        var text = string.Join("&", kept);
        if (text.Length > SavedView.QueryMaxLength)
            throw new DomainException(new UserText("Фильтры вида длиннее {0} символов — сократите поиск.", SavedView.QueryMaxLength), "Query");
        return text;
    }

    /// <summary>The known hideable columns among <paramref name="keys"/>, in the list's order, each once.</summary>
    public static IReadOnlyList<string> KnownColumns(SavedList list, IEnumerable<string> keys)
    {
        var wanted = keys.Select(k => k.Trim().ToLowerInvariant()).ToHashSet();
        return [.. Columns(list).Where(wanted.Contains)];
    }

    public static IReadOnlyList<string> SplitColumns(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The address of a view: its normalised query, then the hidden columns.</summary>
    public static string Compose(string query, IReadOnlyList<string> hiddenColumns)
    {
        var builder = new StringBuilder(query);
        if (hiddenColumns.Count > 0)
            builder.Append(builder.Length == 0 ? "" : "&").Append(ColumnsParameter).Append('=').Append(Uri.EscapeDataString(string.Join(",", hiddenColumns)));
        return builder.ToString();
    }

    /// <summary>An address's parameters, decoded; the first value of a repeated parameter wins.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string? query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(at < 0 ? part : part[..at]);
            var value = at < 0 ? "" : Decode(part[(at + 1)..]);
            values.TryAdd(key, value.Trim());
        }
        return values;
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}

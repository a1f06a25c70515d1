using SalesCrm.Domain.Common;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Shared;

/// <summary>Turns form values into domain values, with the field named in the error.</summary>
public static class Inputs
{
    public static long Kopecks(decimal? rubles, string field, string label)
    {
        if (rubles is null) throw new DomainException(new UserText("Укажите {0}.", label), field);
        try
        {
            return Money.FromRubles(rubles.Value).Kopecks;
        }
        catch (DomainException ex)
        {
            throw new DomainException(ex.Text, field);
        }
    }

    /// <summary>A calendar date as the domain stores it: midnight, marked UTC.</summary>
    public static DateTime Date(DateTime? date, string field, string label) =>
        date is { } d ? DateTime.SpecifyKind(d.Date, DateTimeKind.Utc) : throw new DomainException(new UserText("Укажите {0}.", label), field);

    /// <summary>A date and time the user entered in the department's time zone, as UTC.</summary>
    public static DateTime Moment(DateTime? date, TimeSpan? time, string field, string label) =>
        date is { } d ? Fmt.ToUtc(d.Date + (time ?? TimeSpan.Zero)) : throw new DomainException(new UserText("Укажите {0}.", label), field);
}

/// <summary>
/// Numbers from the address bar. The framework's own binding of <c>int?</c> query parameters fails the whole page on
/// "?team=abc"; a page takes the text instead and reads it here, so a value that is not a number is simply absent and the
/// page shows its default.
/// </summary>
public static class QueryValue
{
    public static int? Int(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>
/// The deal list's address (q, stage, owner, product, open, nostep, sort, desc), read the same way by the page and by its
/// Excel export, so the file always holds what the grid shows. A value that does not parse (a stage that does not exist,
/// an owner that is not a number) is simply absent.
/// </summary>
public static class DealListAddress
{
    public static SalesCrm.Data.Deals.DealListQuery Read(Func<string, string?> get) => new()
    {
        Text = get("q") is { Length: > 0 } text ? text : null,
        Stage = Enum.TryParse<SalesCrm.Domain.Deals.StageCode>(get("stage"), out var stage) && Enum.IsDefined(stage) ? stage : null,
        OwnerId = QueryValue.Int(get("owner")),
        ProductId = QueryValue.Int(get("product")),
        OpenOnly = get("open") == "1",
        WithoutNextStep = get("nostep") == "1",
        StuckOnly = get("stuck") == "1",
        Attention = Attention(get("attention")),
        TeamId = QueryValue.Int(get("team")),
        Sort = Enum.TryParse<SalesCrm.Data.Deals.DealSort>(get("sort"), out var sort) && Enum.IsDefined(sort) ? sort : SalesCrm.Data.Deals.DealSort.Id,
        Descending = get("desc") != "0",
    };

    /// <summary>"ProposalExpiring,NoActivity": the dashboard's attention flags by name; an unknown name is ignored.</summary>
    public static SalesCrm.Data.Dashboard.AttentionFilter Attention(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => Enum.TryParse<SalesCrm.Data.Dashboard.AttentionFilter>(part, out var flag) && Enum.IsDefined(flag) ? flag : default)
            .Aggregate(SalesCrm.Data.Dashboard.AttentionFilter.None, (all, flag) => all | flag);

    public static string AttentionText(SalesCrm.Data.Dashboard.AttentionFilter filter) =>
        string.Join(",", Enum.GetValues<SalesCrm.Data.Dashboard.AttentionFilter>().Where(f => f != default && filter.HasFlag(f)));
}


/// <summary>
/// The lead list's address (view, q, status, sort, desc, and the diagnostics' month, team and only), read the same way by the page and
/// by its Excel export. The view is left to the page, which knows the user's default.
/// </summary>
public static class LeadListAddress
{
    public static SalesCrm.Data.Leads.LeadListQuery Read(Func<string, string?> get, TimeZoneInfo zone) => new()
    {
        View = get("view") switch { "queue" => SalesCrm.Data.Leads.LeadView.Queue, "mine" => SalesCrm.Data.Leads.LeadView.Mine, _ => SalesCrm.Data.Leads.LeadView.All },
        Status = Enum.TryParse<SalesCrm.Domain.Leads.LeadStatus>(get("status"), out var status) && Enum.IsDefined(status) ? status : null,
        Text = get("q") is { Length: > 0 } text ? text : null,
        Period = Month(get("month"), zone),
        TeamId = QueryValue.Int(get("team")),
        Evidence = Enum.TryParse<SalesCrm.Data.Leads.LeadEvidence>(get("only"), true, out var only) && Enum.IsDefined(only) ? only : default,
        Sort = Enum.TryParse<SalesCrm.Data.Leads.LeadSort>(get("sort"), out var sort) && Enum.IsDefined(sort) ? sort : SalesCrm.Data.Leads.LeadSort.Created,
        Descending = get("desc") != "0",
    };

    /// <summary>"2026-12" → December 2026 in the department's zone; anything else → none.</summary>
    public static ReportingPeriod? Month(string? text, TimeZoneInfo zone) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            ? ReportingPeriod.Month(day.Year, day.Month, zone)
            : null;
}

/// <summary>
/// What a text typed in the search means when a record is created from it: ten or twelve digits are an INN, an address with
/// «@» an e-mail, a number a phone, anything else a name — so «+ Клиент» from the search starts with the right field filled.
/// </summary>
public sealed record QuickFill(string? Name, string? Inn, string? Phone, string? Email)
{
    public static QuickFill Of(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return new(null, null, null, null);
        if (t.Length is 10 or 12 && t.All(char.IsAsciiDigit)) return new(null, t, null, null);
        if (t.Contains('@')) return new(null, null, null, t);
        if (SalesCrm.Domain.Common.Phone.Normalize(t) is not null && t.Count(char.IsAsciiDigit) >= 10) return new(null, null, t, null);
        return new(t, null, null, null);
    }
}

/// <summary>
/// The client list's address (q, risk, owner, sort, desc), read the same way by the page and by its Excel export. The sort
/// is one the list offers (name, industry, region), ascending unless <c>desc=1</c>.
/// </summary>
public static class ClientListAddress
{
    public static readonly IReadOnlyList<string> Sorts = ["Name", "Industry", "Region"];

    public static SalesCrm.Data.Clients.ClientListQuery Read(Func<string, string?> get) => new()
    {
        Text = get("q") is { Length: > 0 } text ? text : null,
        Risk = Enum.TryParse<SalesCrm.Domain.Clients.RiskLevel>(get("risk"), out var risk) && Enum.IsDefined(risk) ? risk : null,
        OwnerId = QueryValue.Int(get("owner")),
        Sort = Sorts.FirstOrDefault(s => s == get("sort")) ?? "Name",
        Descending = get("desc") == "1",
    };
}

/// <summary>Which term of a deal is edited in place (<see cref="DealTermCell"/>).</summary>
public enum DealTerm
{
    Premium = 1,
    ExpectedClose = 2,
}

/// <summary>Values typed into a cell edited in place: a sum in rubles («150 000,50»), a date from a date field.</summary>
public static class InlineValue
{
    /// <summary>Kopecks, or null when the text is not a non-negative sum.</summary>
    public static long? Rubles(string? text)
    {
        var t = text?.Replace(" ", "").Replace("\u00A0", "").Replace("₽", "").Replace(',', '.');
        return decimal.TryParse(t, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var rubles)
               && rubles <= long.MaxValue / 100m
            ? (long)Math.Round(rubles * 100, MidpointRounding.AwayFromZero)
            : null;
    }

    /// <summary>A calendar date as the domain stores it (midnight, marked UTC), or null.</summary>
    public static DateTime? Date(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)
            : null;
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Search;

public enum SearchKind
{
    Client = 1,
    Contact = 2,
    Deal = 3,
    Lead = 4,
}

/// <summary>One thing found: what it is, its name, a line under it, and where it opens.</summary>
public sealed record SearchHit(SearchKind Kind, int Id, string Title, string? Subtitle, string Url);

/// <summary>
/// The app bar's search: clients by name, INN, phone or e-mail; contacts by name, phone or e-mail; deals by number or by their
/// client; leads by company, person, INN, phone or e-mail — only what the user may open (the same rules as every list).
/// Words of three letters or more are looked up in the text index (<see cref="SearchIndex"/>); a number is also a deal's
/// number, and a phone is compared by its digits.
/// </summary>
public sealed class SearchService(IDbContextFactory<CrmDbContext> factory, IUserContext users)
{
    public const int MinLength = 3;

    /// <summary>How many of each kind are shown.</summary>
    public const int PerKind = 5;

    /// <summary>Candidates read from the text index before access is applied.</summary>
    private const int Candidates = 300;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string? text, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        var query = (text ?? "").Trim();
        if (query.Length > 100) query = query[..100];
        var digits = new string(query.Where(char.IsAsciiDigit).ToArray());
        var isNumber = digits.Length > 0 && query.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+');
        // A phone typed with its 8 or +7 is found by the ten digits after them.
        var needle = isNumber ? (digits.Length == 11 && digits[0] is '7' or '8' ? digits[1..] : digits) : query;
        var hits = new List<SearchHit>();
        await using var db = await factory.CreateDbContextAsync(ct);

        if (isNumber && digits.Length <= 9 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var deal = await db.Deals.AsNoTracking().VisibleTo(user, db).Where(d => d.Id == number)
                .Select(d => new { d.Id, Client = d.Client!.Name, Product = d.Product!.Name, d.Stage }).FirstOrDefaultAsync(ct);
            if (deal is not null) hits.Add(new SearchHit(SearchKind.Deal, deal.Id, $"№ {deal.Id} · {deal.Client}", deal.Product, $"/deals/{deal.Id}"));
        }
        if (needle.Length < MinLength) return hits;

        var (clientIds, contactIds, leadIds) = await CandidatesAsync(db, needle, ct);
        var clients = await db.Clients.AsNoTracking().VisibleTo(user, db).Where(c => c.MergedIntoId == null && clientIds.Contains(c.Id))
            .OrderBy(c => c.Name.Length).ThenBy(c => c.NameLower).Take(PerKind).Select(c => new { c.Id, c.Name, c.Inn, c.Phone }).ToListAsync(ct);
        hits.AddRange(clients.Select(c => new SearchHit(SearchKind.Client, c.Id, c.Name, string.Join(" · ", new[] { c.Inn, c.Phone }.Where(x => x is not null)), $"/clients/{c.Id}")));
        var contacts = await db.Contacts.AsNoTracking().Where(k => contactIds.Contains(k.Id) && db.Clients.VisibleTo(user, db).Any(c => c.Id == k.ClientId))
            .OrderBy(k => k.FullName).Take(PerKind)
            .Select(k => new { k.Id, k.FullName, k.ClientId, Client = db.Clients.Where(c => c.Id == k.ClientId).Select(c => c.Name).First(), k.Phone }).ToListAsync(ct);
        hits.AddRange(contacts.Select(k => new SearchHit(SearchKind.Contact, k.Id, k.FullName, string.Join(" · ", new[] { k.Client, k.Phone }.Where(x => x is not null)), $"/clients/{k.ClientId}")));
        // The open deals of the clients found (a deal is looked for by its client).
        var foundClients = clients.Select(c => c.Id).ToList();
        var deals = await db.Deals.AsNoTracking().VisibleTo(user, db)
            .Where(d => foundClients.Contains(d.ClientId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .OrderByDescending(d => d.PremiumKopecks).Take(PerKind)
            .Select(d => new { d.Id, Client = d.Client!.Name, Product = d.Product!.Name }).ToListAsync(ct);
        hits.AddRange(deals.Where(d => !hits.Any(h => h.Kind == SearchKind.Deal && h.Id == d.Id))
            .Select(d => new SearchHit(SearchKind.Deal, d.Id, $"№ {d.Id} · {d.Client}", d.Product, $"/deals/{d.Id}")));
        var leads = await LeadService.Visible(db, user).AsNoTracking().Where(l => leadIds.Contains(l.Id))
            .OrderBy(l => l.Status == LeadStatus.New || l.Status == LeadStatus.InWork ? 0 : 1).ThenByDescending(l => l.CreatedAt).Take(PerKind)
            .Select(l => new { l.Id, l.CompanyName, l.ContactName, l.Phone, l.Email }).ToListAsync(ct);
        hits.AddRange(leads.Select(l => new SearchHit(SearchKind.Lead, l.Id, l.CompanyName ?? l.ContactName ?? l.Phone ?? l.Email ?? $"№ {l.Id}",
            string.Join(" · ", new[] { l.CompanyName is null ? null : l.ContactName, l.Phone ?? l.Email }.Where(x => x is not null)), $"/leads?id={l.Id}")));
        return hits;
    }

    /// <summary>The ids of the clients, contacts and leads whose text holds <paramref name="needle"/>, before access.</summary>
    private static async Task<(List<int> Clients, List<int> Contacts, List<int> Leads)> CandidatesAsync(CrmDbContext db, string needle, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            // A trigram phrase: the needle as one quoted string (its own quotes doubled) matches it anywhere in the text.
            var phrase = "\"" + needle.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var rows = await db.Database.SqlQueryRaw<long>("SELECT rowid AS \"Value\" FROM SearchText WHERE SearchText MATCH {0} LIMIT {1}", phrase, Candidates * 3)
                .ToListAsync(ct);
            return (Of(rows, SearchIndex.ClientKind), Of(rows, SearchIndex.ContactKind), Of(rows, SearchIndex.LeadKind));
        }
        var pattern = "%" + needle.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        if (db.Database.IsNpgsql())
        {
            return (
                await db.Clients.Where(c => EF.Functions.ILike(c.Name, pattern, "\\") || EF.Functions.ILike(c.Inn!, pattern, "\\") || EF.Functions.ILike(c.Phone!, pattern, "\\")
                    || EF.Functions.ILike(c.Phone!.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").Replace("+", ""), pattern, "\\")
                    || EF.Functions.ILike(c.Email!, pattern, "\\")).Select(c => c.Id).Take(Candidates).ToListAsync(ct),
                await db.Contacts.Where(c => EF.Functions.ILike(c.FullName, pattern, "\\") || EF.Functions.ILike(c.PhoneNormalized!, pattern, "\\")
                    || EF.Functions.ILike(c.Email!, pattern, "\\")).Select(c => c.Id).Take(Candidates).ToListAsync(ct),
                await db.Leads.Where(l => EF.Functions.ILike(l.CompanyName!, pattern, "\\") || EF.Functions.ILike(l.ContactName!, pattern, "\\") || EF.Functions.ILike(l.Inn!, pattern, "\\")
                    || EF.Functions.ILike(l.PhoneNormalized!, pattern, "\\") || EF.Functions.ILike(l.Email!, pattern, "\\")).Select(l => l.Id).Take(Candidates).ToListAsync(ct));
        }
        return (
            await db.Clients.Where(c => EF.Functions.Like(c.Name, pattern, "\\") || EF.Functions.Like(c.Inn!, pattern, "\\") || EF.Functions.Like(c.Phone!, pattern, "\\")
                || EF.Functions.Like(c.Email!, pattern, "\\")).Select(c => c.Id).Take(Candidates).ToListAsync(ct),
            await db.Contacts.Where(c => EF.Functions.Like(c.FullName, pattern, "\\") || EF.Functions.Like(c.PhoneNormalized!, pattern, "\\")
                || EF.Functions.Like(c.Email!, pattern, "\\")).Select(c => c.Id).Take(Candidates).ToListAsync(ct),
            await db.Leads.Where(l => EF.Functions.Like(l.CompanyName!, pattern, "\\") || EF.Functions.Like(l.ContactName!, pattern, "\\") || EF.Functions.Like(l.Inn!, pattern, "\\")
                || EF.Functions.Like(l.PhoneNormalized!, pattern, "\\") || EF.Functions.Like(l.Email!, pattern, "\\")).Select(l => l.Id).Take(Candidates).ToListAsync(ct));
    }

    private static List<int> Of(List<long> rowids, int kind) => [.. rowids.Where(r => r % 4 == kind).Select(r => (int)(r / 4)).Take(Candidates)];
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Integrations;

/// <summary>Whom a phone number belongs to: a client (through one of its contacts, or its own phone) or an open lead.</summary>
public sealed record CallerMatch(int? ClientId, int? ContactId, int? LeadId);

/// <summary>Finds the other party of a call by its normalised number (<see cref="Phone.Normalize"/>).</summary>
public static class Callers
{
    /// <summary>A contact's phone first, then a client's own phone, then the newest open lead with that phone.</summary>
    public static async Task<CallerMatch> FindAsync(CrmDbContext db, string number, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Where(c => c.PhoneNormalized == number)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.ClientId }).FirstOrDefaultAsync(ct);
        if (contact is not null) return new CallerMatch(contact.ClientId, contact.Id, null);
        // A client's own phone is kept as typed: narrow by the last digits in the database, compare normalised here.
        var tail = number.Length > 10 ? number[^10..] : number;
        var candidates = await db.Clients.AsNoTracking().Where(c => c.Phone != null && c.Phone.Contains(tail.Substring(tail.Length - 4)))
            .Select(c => new { c.Id, c.Phone }).Take(200).ToListAsync(ct);
        if (candidates.FirstOrDefault(c => Phone.Normalize(c.Phone) == number) is { } client) return new CallerMatch(client.Id, null, null);
        var lead = await db.Leads.AsNoTracking().Where(l => l.PhoneNormalized == number && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))
            .OrderByDescending(l => l.CreatedAt).Select(l => (int?)l.Id).FirstOrDefaultAsync(ct);
        return new CallerMatch(null, null, lead);
    }
}

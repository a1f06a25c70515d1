using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Imports;

namespace SalesCrm.Data.Imports;

/// <summary>What an import is matched against, read from the database: clients, their contacts, open leads, earlier imports.</summary>
internal static class CrmImportBook
{
    public static async Task<ExistingBook> LoadAsync(CrmDbContext db, ExportSource source, CancellationToken ct)
    {
        var clients = await db.Clients.AsNoTracking().Where(c => c.MergedIntoId == null)
            .Select(c => new ExistingClient(c.Id, c.Name, c.Inn, c.Phone, c.Email)).ToListAsync(ct);
        var contacts = await db.Contacts.AsNoTracking()
            .Select(c => new ExistingContact(c.Id, c.ClientId, c.FullName, c.Phone, c.Email)).ToListAsync(ct);
        var leadKeys = await db.LeadDedupKeys.AsNoTracking().Select(k => new { k.LeadId, k.Value }).ToListAsync(ct);
        var imported = await db.ImportedRecords.AsNoTracking().Where(r => r.Source == source)
            .Select(r => new { r.Kind, r.ExternalId, r.EntityId }).ToListAsync(ct);
        return new ExistingBook
        {
            Clients = clients,
            Contacts = contacts,
            OpenLeads = [.. leadKeys.GroupBy(k => k.LeadId).Select(g => new ExistingLead(g.Key, [.. g.Select(k => k.Value)]))],
            Imported = imported.ToDictionary(r => (r.Kind, r.ExternalId), r => r.EntityId),
        };
    }

    public static async Task<Dictionary<(MappingKind, string), string>> MappingsAsync(CrmDbContext db, ExportSource source, CancellationToken ct) =>
        await db.ImportMappings.AsNoTracking().Where(m => m.Source == source).ToDictionaryAsync(m => (m.Kind, m.External), m => m.Target, ct);
}

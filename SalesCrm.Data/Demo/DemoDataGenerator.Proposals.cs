using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Proposals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Demo;

/// <summary>The documents of the proposals the deal history sent, and the clients' openings of their links.</summary>
public sealed partial class DemoDataGenerator
{
    /// <summary>How far back the history's proposals get their documents: the weekly pack and the cards of live deals need them.</summary>
    private const int ProposalDocumentDays = 120;

    /// <summary>The newest this many at most: a benchmark's million deals do not need a document for each proposal.</summary>
    private const int MaxProposalDocuments = 5000;

    /// <summary>
    /// Each proposal the history sent in the last <see cref="ProposalDocumentDays"/> days becomes version 1 of the deal's
    /// proposal: one option at the proposal's premium, sent to the client's address; about three clients in four opened it
    /// within two days, some again later.
    /// </summary>
    private async Task CreateProposalDocumentsAsync(CancellationToken ct)
    {
        await using var db = Open();
        var since = _now.AddDays(-ProposalDocumentDays);
        var sent = await db.Deals.AsNoTracking().Where(d => d.Proposal != null && d.Proposal.SentAt >= since)
            .Select(d => new
            {
                d.Id, d.OwnerId, d.Proposal!.SentAt, d.Proposal.ValidUntil, d.Proposal.PremiumKopecks,
                Client = d.Client!.Name, d.Client.Inn, d.Client.Kpp, d.Client.Address, Product = d.Product!.Name,
                Email = d.Client.Email ?? db.Contacts.Where(c => c.ClientId == d.ClientId && c.Email != null).OrderBy(c => c.Id).Select(c => c.Email).FirstOrDefault(),
            }).OrderByDescending(d => d.SentAt).Take(MaxProposalDocuments).OrderBy(d => d.Id).ToListAsync(ct);
        var owners = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, ct);
        var documents = new List<(ProposalDocument Document, List<DateTime> Openings)>();
        foreach (var d in sent)
        {
            var at = d.SentAt!.Value;
            var owner = owners[d.OwnerId];
            var option = new ProposalOptionInput("Основной", Math.Max(d.PremiumKopecks * _rnd.Next(60, 140), 1_000_000_00), _rnd.Next(0, 4) * 50_000_00,
                d.PremiumKopecks, "Пожар, удар молнии, взрыв, залив, противоправные действия третьих лиц");
            var to = d.Email ?? $"info@{d.Inn ?? d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}.demo-client.ru";
            var insured = d.Address is { Length: > 0 } address ? $"имущество и ответственность по адресу: {address}" : "имущество и ответственность компании"; // not UI text: demo data
            var document = ProposalDocument.FromHistory(d.Id, 1, insured, option, d.ValidUntil, d.OwnerId, at.AddHours(-_rnd.Next(1, 5)), to, at,
                doc => new ProposalFacts(d.Client, d.Inn, d.Kpp, d.Address, null, null, d.Product, d.Id, 1, LocalDate(doc.CreatedAt),
                    doc.ValidUntil, insured, doc.Options, null, owner.FullName, StaffRoleNames.Russian(owner.Role).ToLowerInvariant(), owner.Phone, owner.Email,
                    null, null).Content().ToJson());
            var openings = new List<DateTime>();
            if (_rnd.NextDouble() < 0.75)
            {
                var first = at.AddMinutes(_rnd.Next(20, 48 * 60));
                if (first < _now) openings.Add(first);
                if (first < _now && _rnd.NextDouble() < 0.35 && first.AddDays(_rnd.Next(1, 6)) is var again && again < _now) openings.Add(again);
            }
            documents.Add((document, openings));
        }
        db.ProposalDocuments.AddRange(documents.Select(x => x.Document));
        await db.SaveChangesAsync(ct);
        foreach (var (document, openings) in documents)
            foreach (var opened in openings)
            {
                document.Opened(opened);
                db.ProposalOpenings.Add(new ProposalOpening(document.Id, opened, "192.0.2." + _rnd.Next(1, 255), "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"));
            }
        await db.SaveChangesAsync(ct);
    }
}

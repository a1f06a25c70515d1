using System.Net;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Proposals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The tracked link of a sent proposal over HTTP, through the app's pipeline: public (no sign-in), a GET counts and shows the
/// PDF inline, a HEAD (a mail scanner checking the link) does not count, and a made-up token says so without telling anything.
/// The template downloads need a sign-in.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ProposalLinks
{
    [Fact]
    public async Task TheClientOpensTheLinkWithoutAnAccountAndEachReadingIsCountedForTheOwner()
    {
        await using var app = new CrmAppFactory();
        await app.InitializeAsync();
        int documentId, ownerId, dealId;
        string token;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            // A proposal sent before its files were made here: the link makes its PDF the first time it is opened.
            var deal = await db.Deals.Where(d => d.Proposal != null && d.ClosedAt == null).OrderBy(d => d.Id)
                .Select(d => new { d.Id, d.OwnerId, d.Proposal!.ValidUntil, d.Proposal.PremiumKopecks }).FirstAsync();
            var number = (await db.ProposalDocuments.Where(p => p.DealId == deal.Id).MaxAsync(p => (int?)p.Number) ?? 0) + 1;
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var document = ProposalDocument.FromHistory(deal.Id, number, "Склад, Подольск", new ProposalOptionInput("Основной", deal.PremiumKopecks * 100, 0, deal.PremiumKopecks, null),
                deal.ValidUntil, deal.OwnerId, now.AddHours(-2), "client@example.ru", now.AddHours(-1), doc =>
                    new ProposalFacts("ООО «Клиент»", "7707083893", null, null, null, null, "Имущество", deal.Id, doc.Number, now.Date, doc.ValidUntil, null,
                        doc.Options, null, "Менеджер", null, null, null, null, null).Content().ToJson());
            db.ProposalDocuments.Add(document);
            await db.SaveChangesAsync();
            (documentId, ownerId, dealId, token) = (document.Id, deal.OwnerId, deal.Id, document.Token);
        }
        var client = app.NewClient();

        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/p/" + token));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var response = await client.GetAsync("/p/" + token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("inline", response.Content.Headers.ContentDisposition?.ToString() ?? response.Headers.GetValues("Content-Disposition").First());
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/p/" + token)).StatusCode);

        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var document = await db.ProposalDocuments.AsNoTracking().SingleAsync(p => p.Id == documentId);
            Assert.Equal(1, document.OpenCount); // the same browser within half an hour is one reading; the HEAD did not count
            Assert.NotNull(document.PdfFileId);
            Assert.True(await db.AttachedFiles.AnyAsync(f => f.Id == document.PdfFileId && f.DealId == dealId));
            Assert.True(await db.Notifications.AnyAsync(n => n.RecipientId == ownerId && n.Kind == NotificationKind.Proposal && n.Link == $"/deals/{dealId}"));
        }

        var bogus = await client.GetAsync("/p/AAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
        Assert.Contains("недействительна", await bogus.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/proposal-templates/builtin")).StatusCode);

        await CrmAppFactory.SignInAsync(client, "m1@demo.salescrm");
        var template = await client.GetAsync("/proposal-templates/builtin");
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", template.Content.Headers.ContentType?.MediaType);
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using netDumbster.smtp;
using SalesCrm.Data.Access;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Files;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Proposals;
using SalesCrm.Data.Proposals.Documents;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Proposals;
using SalesCrm.Tests.Support;
using UglyToad.PdfPig;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Proposals (КП) as documents through <see cref="ProposalService"/> and <see cref="ProposalTemplateService"/>: a version made from
/// the template lands as .docx and PDF in the deal's files; the approval gate refuses an unapproved КП at the source; sending
/// goes through a real SMTP server on 127.0.0.1 and sets the deal's proposal facts; the tracked link counts openings and tells
/// the owner; templates with unknown placeholders are refused, and only leaders upload them.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ProposalsOfDeals : IAsyncLifetime
{
    private const string Mailbox = "sales@strahovka-demo.ru";
    private readonly string _folder = Path.Combine(Paths.Scratch, "proposals-" + Guid.NewGuid().ToString("N"));
    private ServiceHarness H { get; set; } = default!;
    private SimpleSmtpServer Smtp { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Smtp = SimpleSmtpServer.Start(FreePort());
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?>
        {
            ["Files:Path"] = _folder,
            ["Mailbox:Address"] = Mailbox, ["Mailbox:Name"] = "Страхование бизнеса", ["Mailbox:Signature"] = "ООО «Страхование бизнеса»",
            ["Mailbox:Smtp:Host"] = "127.0.0.1", ["Mailbox:Smtp:Port"] = Smtp.Configuration.Port.ToString(CultureInfo.InvariantCulture),
            ["Mailbox:Smtp:Security"] = "None", ["Proposals:Company"] = "АО «Страховой дом»", ["Proposals:PublicUrl"] = "https://crm.example.ru",
        }, at: new DateTimeOffset(2027, 3, 10, 9, 0, 0, TimeSpan.Zero));
    }

    public async ValueTask DisposeAsync()
    {
        await H.DisposeAsync();
        Smtp.Stop();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private DateTime Now => H.Time.GetUtcNow().UtcDateTime;

    private static ProposalOptionInput Option(string name, long premium, long sum = 150_000_000_00, long deductible = 100_000_00) =>
        new(name, sum, deductible, premium, "пожар, залив, кража");

    private static ProposalRequest Request(DateTime validUntil, params ProposalOptionInput[] options) =>
        new(null, "Склад 2 400 м², Подольск", validUntil, options, 0);

    /// <summary>The text of a PDF, its words joined by single spaces.</summary>
    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return Regex.Replace(string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)), @"\s+", " ");
    }

    private static string DocxText(byte[] docx)
    {
        using var zip = new ZipArchive(new MemoryStream(docx));
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        return Regex.Replace(reader.ReadToEnd(), "<[^>]+>", "");
    }

    private async Task<byte[]> FileAsync(int id)
    {
        await using var stream = (await H.Get<FileService>().OpenAsync(id)).Content;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task AManagerMakesAVersionWithOptionsSideBySideAndFindsItsDocxAndPdfInTheDealsFiles()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<ProposalService>();
        var panel = await service.PanelAsync(deal.Id);
        Assert.Null(panel.WhyNotIssue);
        Assert.Empty(panel.Versions);
        Assert.Equal(ProposalTemplateService.BuiltInName, Assert.Single(panel.Templates).Name);
        Assert.Equal(deal.PremiumKopecks, Assert.Single(panel.StartOptions).PremiumKopecks);

        var premium = Math.Max(deal.PremiumKopecks, 1_234_567_00);
        var version = await service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(14),
            Option("Базовый", premium), Option("Расширенный", premium + 250_000_00, 200_000_000_00, 0)));
        Assert.Equal(1, version.Number);
        Assert.Equal($"{deal.Id}-1", version.Code);
        Assert.Equal(premium, version.PremiumKopecks);
        Assert.Equal(["Базовый", "Расширенный"], version.Options.Select(o => o.Name));
        Assert.Null(version.SentAt);

        var files = await H.Get<FileService>().ListAsync(SalesCrm.Data.Access.CardSubject.Deal, deal.Id);
        Assert.Contains(files.Files, f => f.Id == version.DocxFileId && f.Name.StartsWith($"КП {deal.Id}-1 ", StringComparison.Ordinal) && f.Name.EndsWith(".docx", StringComparison.Ordinal));
        Assert.Contains(files.Files, f => f.Id == version.PdfFileId && f.ContentType == "application/pdf");

        var client = await H.QueryAsync(db => db.Clients.SingleAsync(c => c.Id == deal.ClientId));
        var docx = DocxText(await FileAsync(version.DocxFileId!.Value));
        Assert.DoesNotContain("{{", docx);
        Assert.Contains(client.Name, docx);
        Assert.Contains(Money.Format(premium), docx);
        Assert.Contains(Now.Date.AddDays(14).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), docx);
        Assert.Contains("АО «Страховой дом»", docx);

        var pdf = PdfText(await FileAsync(version.PdfFileId!.Value));
        Assert.Contains(Regex.Replace(client.Name, @"\s+", " "), pdf);
        Assert.Contains(Money.Format(premium).Replace('\u00A0', ' '), pdf);
        Assert.Contains(Money.Format(premium + 250_000_00).Replace('\u00A0', ' '), pdf);

        // Another team's manager neither reads nor makes the deal's proposals; the head reads them.
        await H.User.SignInAsAsync("m5@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.PanelAsync(deal.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(10), Option("Базовый", premium))));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.SendAsync(version.Id, "cfo@client-demo.ru", "КП", null, "http://localhost"));
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Single((await service.PanelAsync(deal.Id)).Versions);
        await H.User.SignInAsAsync("m1@demo.salescrm");

        var second = await service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(10), Option("Базовый", premium)));
        Assert.Equal(2, second.Number);
        Assert.Equal([2, 1], (await service.PanelAsync(deal.Id)).Versions.Select(v => v.Number));
        Assert.Contains(H.Events.Published, e => e is ProposalChanged { Change: ProposalChange.Generated });
    }

    [Fact]
    public async Task AnUnapprovedProposalCannotBeMadeAndAnApprovedOneCarriesExactlyTheApprovedPremium()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<ProposalService>();

        // Below the deal's premium is a discount nobody approved.
        var cheaper = await Assert.ThrowsAsync<DomainException>(() => service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(7), Option("Базовый", deal.PremiumKopecks - 100_00))));
        Assert.Equal("Options[0].Premium", cheaper.Field);
        Assert.Contains("скидка", cheaper.Message);

        var requested = deal.PremiumKopecks - deal.PremiumKopecks * 5 / 100;
        var approvals = H.Get<ApprovalService>();
        var id = await approvals.RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, requested, "Конкурент дешевле", null));
        var pending = await Assert.ThrowsAsync<DomainException>(() => service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(7), Option("Базовый", deal.PremiumKopecks))));
        Assert.Contains("согласование", pending.Message);
        Assert.NotNull((await service.PanelAsync(deal.Id)).WhyNotIssue);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        await approvals.ApproveAsync(id, (await approvals.DetailAsync(id)).Version, null);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var other = await Assert.ThrowsAsync<DomainException>(() => service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(7), Option("Базовый", requested + 1_000_00))));
        Assert.Contains("согласованной", other.Message);

        var version = await service.GenerateAsync(deal.Id, Request(Now.Date.AddDays(7), Option("Базовый", requested), Option("С большей франшизой", requested + 10_000_00)));
        var docx = DocxText(await FileAsync(version.DocxFileId!.Value));
        Assert.Contains(ProposalFacts.Percent(5), docx);
        Assert.Contains(Money.Format(deal.PremiumKopecks - requested), docx);
        Assert.Contains(Money.Format(requested), docx);
        Assert.Equal(0, await H.QueryAsync(db => db.ProposalDocuments.CountAsync(p => p.DealId == deal.Id && p.Number > 1)));
    }

    [Fact]
    public async Task SendingGoesThroughTheMailServerSetsTheFactsAndEveryOpeningOfTheLinkIsCountedAndTold()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await using (var db = H.Db())
        {
            var client = await db.Clients.SingleAsync(c => c.Id == deal.ClientId);
            client.SetContacts(client.Phone, "cfo@client-demo.ru", client.Address);
            await db.SaveChangesAsync();
        }
        var owner = await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<ProposalService>();
        var validUntil = Now.Date.AddDays(14);
        var version = await service.GenerateAsync(deal.Id, Request(validUntil, Option("Базовый", deal.PremiumKopecks)));
        var panel = await service.PanelAsync(deal.Id);
        var to = panel.Emails[0];

        await Assert.ThrowsAsync<DomainException>(() => service.SendAsync(version.Id, "stranger@evil.example", "КП", null, "http://localhost"));
        await service.SendAsync(version.Id, to, "Коммерческое предложение", "Добрый день!", "http://localhost");
        var twice = await Assert.ThrowsAsync<DomainException>(() => service.SendAsync(version.Id, to, "Коммерческое предложение", null, "http://localhost"));
        Assert.Contains("уже отправлена", twice.Message);
        Assert.Null((await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).Proposal?.SentAt);

        H.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await H.Get<OutboxSender>().SendDueAsync());
        var letter = Assert.Single(Smtp.ReceivedEmail);
        var body = letter.MessageParts[0].BodyData;
        var token = await H.QueryAsync(db => db.ProposalDocuments.Where(p => p.Id == version.Id).Select(p => p.Token).SingleAsync());
        Assert.Contains("https://crm.example.ru/p/" + token, body);
        Assert.Contains(validUntil.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), body);

        // The facts come from the sending: sent now, valid until the version's date, and the deal moved to "Proposal sent".
        var sent = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(Now, sent.Proposal!.SentAt);
        Assert.Equal(validUntil, sent.Proposal.ValidUntil);
        Assert.Equal(StageCode.ProposalSent, sent.Stage);
        Assert.Equal(version.Id, (await service.PanelAsync(deal.Id)).ClientHasId);

        // Opening the link: counted once per reading, told to the owner, in the deal's history.
        Assert.Null(await service.OpenLinkAsync("not-a-token", "10.0.0.1", "Mozilla", true));
        var pdf = await service.OpenLinkAsync(token, "10.0.0.1", "Mozilla", true);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf!.Content, 0, 5));
        await service.OpenLinkAsync(token, "10.0.0.1", "Mozilla", true);
        await service.OpenLinkAsync(token, "10.0.0.9", "Outlook", false);
        H.Time.Advance(ProposalService.SameReading + TimeSpan.FromMinutes(1));
        await service.OpenLinkAsync(token, "10.0.0.1", "Mozilla", true);
        var opened = await H.QueryAsync(db => db.ProposalDocuments.AsNoTracking().SingleAsync(p => p.Id == version.Id));
        Assert.Equal(2, opened.OpenCount);
        Assert.NotNull(opened.FirstOpenedAt);
        var told = await H.QueryAsync(db => db.Notifications.Where(n => n.RecipientId == owner.ManagerId && n.Kind == NotificationKind.Proposal).ToListAsync());
        Assert.Equal(2, told.Count);
        Assert.All(told, n => Assert.Equal($"/deals/{deal.Id}", n.Link));
        var card = await H.Get<DealService>().GetCardAsync(deal.Id);
        Assert.Equal(2, card.Timeline.Count(i => i.Kind == TimelineKind.Proposal && i.Subject == "opened"));
        Assert.Contains(card.Timeline, i => i.Kind == TimelineKind.Proposal && i.Subject == "sent" && i.To == to);
    }

    [Fact]
    public async Task OnlyLeadersUploadTemplatesAndATemplateWithUnknownPlaceholdersIsRefusedWithTheList()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        var templates = H.Get<ProposalTemplateService>();
        var starter = ProposalStarterTemplate.Build();
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => templates.UploadAsync(null, "Мой", null, "КП.docx", new MemoryStream(starter)));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var broken = ReplaceInDocument(starter, "{{Клиент.ИНН}}", "{{Клиент.ИИН}} и {{Скидкаа}}");
        var refused = await Assert.ThrowsAsync<TemplateProblemsException>(() => templates.UploadAsync(null, "Сломанный", null, "КП.docx", new MemoryStream(broken)));
        Assert.Contains(refused.Problems, p => p.ToString().Contains("Клиент.ИИН", StringComparison.Ordinal));
        Assert.Contains(refused.Problems, p => p.ToString().Contains("Скидкаа", StringComparison.Ordinal));
        var text = await Assert.ThrowsAsync<TemplateProblemsException>(() => templates.UploadAsync(null, "Текст", null, "КП.docx",
            new MemoryStream("просто текст"u8.ToArray())));
        Assert.Single(text.Problems);
        var notDocx = await Assert.ThrowsAsync<DomainException>(() => templates.UploadAsync(null, "Старый Word", null, "КП.doc", new MemoryStream(starter)));
        Assert.Equal("File", notDocx.Field);
        Assert.Empty(await templates.ListAsync());

        var product = deal.ProductId;
        var saved = await templates.UploadAsync(null, "КП по имуществу", product, "КП имущество.docx", new MemoryStream(ReplaceInDocument(starter, "Коммерческое предложение", "Предложение по имуществу")));
        Assert.Equal(1, saved.Revision);
        var replaced = await templates.UploadAsync(saved.Id, saved.Name, product, "КП имущество 2.docx", new MemoryStream(ReplaceInDocument(starter, "Коммерческое предложение", "Предложение по имуществу")));
        Assert.Equal(2, replaced.Revision);

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var panel = await H.Get<ProposalService>().PanelAsync(deal.Id);
        Assert.Equal([saved.Id, null], panel.Templates.Select(t => t.Id));
        var version = await H.Get<ProposalService>().GenerateAsync(deal.Id, Request(Now.Date.AddDays(5), Option("Базовый", deal.PremiumKopecks)));
        Assert.Equal("КП по имуществу", version.TemplateName);
        Assert.Contains("Предложение по имуществу", DocxText(await FileAsync(version.DocxFileId!.Value)));
    }

    /// <summary>A copy of the .docx with a text of its main part replaced (the texts replaced here sit in one run of the template).</summary>
    private static byte[] ReplaceInDocument(byte[] docx, string from, string to)
    {
        using var copy = new MemoryStream();
        copy.Write(docx);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("word/document.xml")!;
            string xml;
            using (var reader = new StreamReader(entry.Open())) xml = reader.ReadToEnd();
            Assert.Contains(from, xml);
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            writer.Write(xml.Replace(from, to, StringComparison.Ordinal));
        }
        return copy.ToArray();
    }
}

using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using netDumbster.smtp;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The department's shared mailbox against real servers on 127.0.0.1: Dovecot (IMAP) holds the mailbox the app reads, and
/// netDumbster (an SMTP test server) takes the managers' letters. Letters are put into the mailbox over IMAP, as a mail
/// server delivers them.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class SharedMailbox : IAsyncLifetime
{
    private const string Mailbox = "sales@strahovka-demo.ru";
    private const string Password = "mailbox-secret-1";
    private ServiceHarness H { get; set; } = default!;
    private DovecotServer Imap { get; set; } = default!;
    private SimpleSmtpServer Smtp { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Imap = await DovecotServer.StartAsync(Mailbox, Password);
        Smtp = SimpleSmtpServer.Start(FreePort());
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?>
        {
            ["Mailbox:Imap:Host"] = "127.0.0.1", ["Mailbox:Imap:Port"] = Imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mailbox:Imap:Security"] = "None", ["Mailbox:User"] = Mailbox, ["Mailbox:Password"] = Password, ["Mailbox:Address"] = Mailbox,
            ["Mailbox:Name"] = "Страхование бизнеса", ["Mailbox:Signature"] = "ООО «Страхование бизнеса»\n+7 495 100-00-00",
            ["Mailbox:Smtp:Host"] = "127.0.0.1", ["Mailbox:Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mailbox:Smtp:Security"] = "None",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await H.DisposeAsync();
        Smtp.Stop();
        await Imap.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Delivers a letter into the shared mailbox (IMAP APPEND, unread).</summary>
    private async Task DeliverAsync(MimeMessage letter, MessageFlags flags = MessageFlags.None)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", Imap.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(Mailbox, Password);
        await imap.Inbox.AppendAsync(letter, flags);
        await imap.DisconnectAsync(true);
    }

    private async Task<int> UnreadAsync()
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", Imap.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(Mailbox, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var unread = (await imap.Inbox.SearchAsync(SearchQuery.NotSeen)).Count;
        await imap.DisconnectAsync(true);
        return unread;
    }

    private MimeMessage Letter(string fromName, string from, string subject, string text, (string Name, byte[] Content)? attachment = null,
        string? inReplyTo = null)
    {
        var letter = new MimeMessage { Subject = subject, Date = H.Time.GetUtcNow().AddMinutes(-1) };
        letter.From.Add(new MailboxAddress(fromName, from));
        letter.To.Add(new MailboxAddress("Отдел продаж", Mailbox));
        letter.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client-mail.ru");
        if (inReplyTo is not null)
        {
            letter.InReplyTo = inReplyTo;
            letter.References.Add(inReplyTo);
        }
        var body = new BodyBuilder { TextBody = text };
        if (attachment is { } file) body.Attachments.Add(file.Name, file.Content, new ContentType("application", "pdf"));
        letter.Body = body.ToMessageBody();
        return letter;
    }

    [Fact]
    public async Task ALetterFromAStrangerBecomesAnEmailLeadWithItsAttachmentOnceAndIsMarkedRead()
    {
        var address = $"ivanov{Random.Shared.Next(100_000, 999_999)}@zavod-m.ru";
        var pdf = "%PDF-1.4 список сотрудников"u8.ToArray();
        var letter = Letter("Иванов Пётр", address, "Страхование сотрудников (ДМС)", "Добрый день! Просим рассчитать ДМС на 120 человек.", ("Список.pdf", pdf));
        await DeliverAsync(letter);
        Assert.Equal(1, await UnreadAsync());

        var reader = H.Get<MailboxReader>();
        Assert.Equal(1, await reader.ReadAsync());
        Assert.Equal(0, await UnreadAsync());
        var lead = await H.QueryAsync(db => db.Leads.SingleAsync(l => l.EmailNormalized == address));
        Assert.Equal(LeadChannel.Email, lead.Channel);
        Assert.Equal("Иванов Пётр", lead.ContactName);
        Assert.Equal("email", lead.SourceTags["channel"]);
        Assert.Equal(Mailbox, lead.SourceTags["mailbox"]);
        Assert.StartsWith("Страхование сотрудников (ДМС)", lead.Comment);
        var activity = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.LeadId == lead.Id));
        Assert.Equal((ActivityKind.Email, ActivityDirection.Inbound), (activity.Kind, activity.Direction));
        Assert.Equal("Страхование сотрудников (ДМС)", activity.Outcome);
        Assert.Contains("рассчитать ДМС на 120 человек", activity.Comment);
        var stored = await H.QueryAsync(db => db.MessageAttachments.SingleAsync(a => a.ActivityId == activity.Id));
        Assert.Equal(("Список.pdf", "application/pdf"), (stored.FileName, stored.ContentType));
        Assert.Equal(pdf, stored.Content);

        // The same letter again (a copy, a forwarding rule): one lead, one activity.
        await DeliverAsync(letter);
        Assert.Equal(0, await reader.ReadAsync());
        Assert.Equal(0, await UnreadAsync());
        Assert.Single(await H.QueryAsync(db => db.Activities.Where(a => a.LeadId == lead.Id).ToListAsync()));

        // A letter somebody opened in their mail program before the round is taken too.
        var opened = Letter("Петрова Ирина", "p" + address, "Каско на 12 машин", "Прошу КП по каско.");
        await DeliverAsync(opened, MessageFlags.Seen);
        Assert.Equal(1, await reader.ReadAsync());
        Assert.True(await H.QueryAsync(db => db.Leads.AnyAsync(l => l.EmailNormalized == "p" + address)));

        // A site's form writes from its robot's address and names the person in Reply-To: the lead is the person's.
        var form = Letter("Tilda", "noreply@tilda.ws", "Заявка с сайта", "Name: Сергей\nPhone: +7 916 000-00-00");
        form.ReplyTo.Add(new MailboxAddress("Сергей Кузнецов", "s" + address));
        await DeliverAsync(form);
        await reader.ReadAsync();
        Assert.Equal("Сергей Кузнецов", (await H.QueryAsync(db => db.Leads.SingleAsync(l => l.EmailNormalized == "s" + address))).ContactName);
        Assert.False(await H.QueryAsync(db => db.Leads.AnyAsync(l => l.EmailNormalized == "noreply@tilda.ws")));

        // Its attachment opens for whoever may see the lead, not for a colleague's manager.
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Equal(pdf, (await H.Get<Conversations>().AttachmentAsync(stored.Id)).Content);
        if (lead.AssigneeId is { } assignee)
        {
            var other = await H.QueryAsync(db => db.Managers.Where(m => m.Role == SalesCrm.Domain.Teams.StaffRole.Manager && m.Id != assignee).Select(m => m.Email).FirstAsync());
            await H.User.SignInAsAsync(other);
            await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() => H.Get<Conversations>().AttachmentAsync(stored.Id));
        }
    }

    [Fact]
    public async Task TheManagerWritesFromTheDealAndTheClientsReplyThreadsBackToIt()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var contactEmail = $"buh{Random.Shared.Next(100_000, 999_999)}@client-mail.ru";
        await using (var db = H.Db())
        {
            var client = await db.Clients.Include(c => c.Contacts).SingleAsync(c => c.Id == deal.ClientId);
            client.AddContact("Соколова Анна", "Главный бухгалтер", null, contactEmail, false, H.Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        // The contact writes first: the letter lands on the client's open deal.
        await DeliverAsync(Letter("Анна Соколова", contactEmail, "Вопрос по договору", "Когда пришлёте проект договора?"));
        await H.Get<MailboxReader>().ReadAsync();
        var first = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.ClientId == deal.ClientId && a.Outcome == "Вопрос по договору"));
        Assert.NotNull(first.DealId);
        var dealId = first.DealId!.Value;

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var conversations = H.Get<Conversations>();
        var info = await conversations.ConversationAsync(ConversationSubject.Deal, dealId);
        Assert.NotNull(info);
        Assert.Contains(contactEmail, info.Emails);
        Assert.Equal("Re: Вопрос по договору", info.ReplySubject);
        await Assert.ThrowsAsync<DomainException>(() => conversations.ReplyAsync(ConversationSubject.Deal, dealId, MessageChannel.Email, "Текст", "stranger@evil.ru", "Тема"));
        await conversations.ReplyAsync(ConversationSubject.Deal, dealId, MessageChannel.Email, "Анна, проект договора во вложении завтра.", contactEmail, info.ReplySubject);
        Assert.Equal(1, await H.Get<OutboxSender>().SendDueAsync());

        var sent = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Assert.Single(Smtp.ReceivedEmail).Data)));
        Assert.Equal(Mailbox, sent.From.Mailboxes.Single().Address);
        Assert.Equal(contactEmail, sent.To.Mailboxes.Single().Address);
        Assert.Equal("Re: Вопрос по договору", sent.Subject);
        Assert.Equal(first.MessageId!["mail:".Length..], sent.InReplyTo);
        Assert.Contains("проект договора во вложении", sent.TextBody);
        Assert.Contains("ООО «Страхование бизнеса»", sent.TextBody); // the company's signature
        var mine = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.DealId == dealId && a.Direction == ActivityDirection.Outbound && a.Kind == ActivityKind.Email));
        Assert.Equal("mail:" + sent.MessageId, mine.MessageId);

        // The client answers from another address of theirs: the thread, not the sender, finds the deal.
        var reply = Letter("Анна", $"anna.home{Random.Shared.Next(1000, 9999)}@yandex.ru", "Re: Re: Вопрос по договору", "Спасибо, ждём.", inReplyTo: sent.MessageId);
        await DeliverAsync(reply);
        await H.Get<MailboxReader>().ReadAsync();
        var threaded = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.MessageId == "mail:" + reply.MessageId));
        Assert.Equal(dealId, threaded.DealId);
        Assert.False(await H.QueryAsync(db => db.Leads.AnyAsync(l => l.EmailNormalized == reply.From.Mailboxes.Single().Address)));
    }

    [Fact]
    public async Task AMailServerThatIsDownLosesNothing()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        var contact = await H.QueryAsync(db => db.Contacts.Where(c => c.ClientId == deal.ClientId && c.Email != null).Select(c => c.Email!).FirstOrDefaultAsync());
        if (contact is null)
        {
            contact = $"lpr{Random.Shared.Next(100_000, 999_999)}@client-mail.ru";
            await using var db = H.Db();
            (await db.Clients.Include(c => c.Contacts).SingleAsync(c => c.Id == deal.ClientId)).AddContact("Орлов Дмитрий", "Директор", null, contact, true, H.Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        // SMTP is down: the letter waits in the outbox and goes once the server is back.
        Smtp.Stop();
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<Conversations>().ReplyAsync(ConversationSubject.Deal, deal.Id, MessageChannel.Email, "Направляем КП.", contact, "Коммерческое предложение");
        var outbox = H.Get<OutboxSender>();
        Assert.Equal(0, await outbox.SendDueAsync());
        var waiting = await H.QueryAsync(db => db.OutboundMessages.SingleAsync(m => m.To == Email.Normalize(contact)));
        Assert.Equal(OutboundStatus.Pending, waiting.Status);
        Assert.StartsWith("SMTP", waiting.LastError);
        Smtp = SimpleSmtpServer.Start(Smtp.Configuration.Port);
        H.Time.Advance(OutboundMessage.Backoff(1));
        Assert.Equal(1, await outbox.SendDueAsync());
        Assert.Single(Smtp.ReceivedEmail);

        // IMAP is down: the round fails (the worker says so and retries); the letter waits unread and is read later.
        await Imap.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => H.Get<MailboxReader>().ReadAsync());
    }
}

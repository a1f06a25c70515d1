using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using MimeKit;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;

namespace SalesCrm.Data.Integrations;

/// <summary>
/// The <c>Mailbox</c> section of appsettings.json: the department's shared mailbox (sales@…), read over IMAP and written
/// from over SMTP. Without an IMAP host the mailbox is off.
/// </summary>
public sealed class MailboxOptions(IConfiguration configuration)
{
    public string? ImapHost { get; } = Text(configuration["Mailbox:Imap:Host"]);
    public int ImapPort { get; } = configuration.GetValue("Mailbox:Imap:Port", 993);
    public SecureSocketOptions ImapSecurity { get; } = Security(configuration["Mailbox:Imap:Security"]);
    public string? SmtpHost { get; } = Text(configuration["Mailbox:Smtp:Host"]);
    public int SmtpPort { get; } = configuration.GetValue("Mailbox:Smtp:Port", 465);
    public SecureSocketOptions SmtpSecurity { get; } = Security(configuration["Mailbox:Smtp:Security"]);
    public string? User { get; } = Text(configuration["Mailbox:User"]);
    public string? Password { get; } = configuration["Mailbox:Password"];
    /// <summary>The folder read (a folder of its own, filled by a mail rule, keeps the app apart from people's reading).</summary>
    public string Folder { get; } = Text(configuration["Mailbox:Folder"]) ?? "INBOX";
    /// <summary>The mailbox's address: the sender of the managers' letters, and not a client when it writes to itself.</summary>
    public string? Address { get; } = Text(configuration["Mailbox:Address"]) ?? Text(configuration["Mailbox:User"]);
    public string Name { get; } = Text(configuration["Mailbox:Name"]) ?? "Отдел продаж"; // not UI text: the letters' sender name, set in the configuration
    /// <summary>The company's signature under every manager's letter (after the manager's name).</summary>
    public string? Signature { get; } = Text(configuration["Mailbox:Signature"]);
    public TimeSpan Poll { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Mailbox:PollSeconds", 60), 5, 3600));

    public bool Reads => ImapHost is not null && User is not null;
    public bool Sends => SmtpHost is not null && Address is not null;

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static SecureSocketOptions Security(string? value) =>
        Enum.TryParse<SecureSocketOptions>(value, true, out var parsed) ? parsed : SecureSocketOptions.Auto;
}

/// <summary>
/// Reads the shared mailbox (decision 0022): the unread letters of its folder over IMAP and those of the last
/// <see cref="LookBackDays"/> days not stored yet, each stored and then marked read — a letter that could not be stored stays
/// unread and is read again at the next round, so a failure loses nothing. A
/// letter becomes an e-mail activity where its sender is worked: the thread it answers (In-Reply-To, References), else the
/// open deal of the client whose contact wrote, else their open lead, else a new lead (channel «E-mail»). Its attachments
/// are kept with it; a letter delivered twice (the same Message-ID) is stored once.
/// </summary>
public sealed class MailboxReader(MailboxOptions options, IProviderContextFactory contexts, LeadIntakeService intake, ConnectorHealth health,
    TimeProvider time)
{
    public const int MaxPerRound = 100;
    /// <summary>How many days back letters are looked at even when read (by a person, before the round came).</summary>
    public const int LookBackDays = 3;

    /// <summary>One round: connects, stores the unread letters, marks each read once stored; returns how many were stored.</summary>
    public async Task<int> ReadAsync(CancellationToken ct = default)
    {
        if (!options.Reads) return 0;
        using var imap = new ImapClient { Timeout = 60_000 };
        await imap.ConnectAsync(options.ImapHost!, options.ImapPort, options.ImapSecurity, ct);
        await imap.AuthenticateAsync(options.User!, options.Password ?? "", ct);
        var folder = await imap.GetFolderAsync(options.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        // The unread letters, and those of the last days a person may have opened in their mail program before this round:
        // a letter already stored (its Message-ID) is skipped without being fetched.
        var since = time.GetUtcNow().UtcDateTime.Date.AddDays(-LookBackDays);
        var candidates = await folder.SearchAsync(SearchQuery.NotSeen.Or(SearchQuery.DeliveredAfter(since)), ct);
        var summaries = candidates.Count == 0 ? [] : await folder.FetchAsync(candidates, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags, ct);
        var keys = summaries.Where(m => m.Envelope?.MessageId is { Length: > 0 }).ToDictionary(m => m.UniqueId, m => Key(m.Envelope!.MessageId));
        HashSet<string> known;
        await using (var db = contexts.Create())
        {
            var values = keys.Values.Distinct().ToList();
            known = [.. await db.Activities.AsNoTracking().Where(a => a.MessageId != null && values.Contains(a.MessageId)).Select(a => a.MessageId!).ToListAsync(ct)];
        }
        // A copy of a letter stored before (a forwarding rule, a second delivery) is marked read: it is handled.
        var copies = summaries.Where(m => keys.TryGetValue(m.UniqueId, out var key) && known.Contains(key) && m.Flags?.HasFlag(MessageFlags.Seen) != true)
            .Select(m => m.UniqueId).ToList();
        if (copies.Count > 0) await folder.AddFlagsAsync(copies, MessageFlags.Seen, true, ct);
        var stored = 0;
        foreach (var uid in summaries.Select(m => m.UniqueId).Where(u => !keys.TryGetValue(u, out var key) || !known.Contains(key)).Take(MaxPerRound))
        {
            var letter = await folder.GetMessageAsync(uid, ct);
            try
            {
                var receipt = await ReceiveAsync(letter, ct);
                if (receipt is not (MessageReceipt.Ignored or MessageReceipt.Repeated)) stored++;
                health.Received(Connector.Email);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // This letter cannot be stored now (or as it is): said on the health page, left unread, tried again next round;
                // the other letters still go in.
                health.Failed(Connector.Email, $"Письмо {letter.MessageId} от {letter.From}: {ex.Message}");
                continue;
            }
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, true, ct);
        }
        await imap.DisconnectAsync(true, ct);
        return stored;
    }

    /// <summary>The key a letter is stored under: its Message-ID (or, without one, a hash of its headers and text).</summary>
    public static string Key(string? messageId, MimeMessage? letter = null)
    {
        var id = messageId is { Length: > 0 } m ? m.Trim('<', '>', ' ') : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{letter?.Date:O}|{letter?.From}|{letter?.Subject}|{letter?.TextBody}")))[..32] + "@salescrm.local";
        var key = "mail:" + id;
        return key.Length <= 300 ? key : "mail:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    public async Task<MessageReceipt> ReceiveAsync(MimeMessage letter, CancellationToken ct = default)
    {
        bool Own(MailboxAddress? m) => options.Address is { } own && string.Equals(m?.Address, own, StringComparison.OrdinalIgnoreCase);
        var author = letter.From.Mailboxes.FirstOrDefault() ?? letter.Sender;
        if (Own(author)) return MessageReceipt.Ignored;
        // A site's form or a robot writes from its own address and names the person in Reply-To: the person is the sender.
        var sender = letter.ReplyTo.Mailboxes.FirstOrDefault(m => !Own(m) && Email.Validate(m.Address) is null && m.Address.Length > 0) ?? author;
        if (sender?.Address is not { Length: > 0 } address || Email.Validate(address) is not null) return MessageReceipt.Ignored;
        var key = Key(letter.MessageId, letter);
        await using var db = contexts.Create();
        if (await db.Activities.AnyAsync(a => a.MessageId == key, ct)) return MessageReceipt.Repeated;
        var now = time.GetUtcNow().UtcDateTime;
        var at = letter.Date == DateTimeOffset.MinValue ? now : letter.Date.UtcDateTime;
        var subject = string.IsNullOrWhiteSpace(letter.Subject) ? "(без темы)" : letter.Subject.Trim(); // not UI text: a stored subject
        var text = (letter.TextBody ?? HtmlText(letter.HtmlBody) ?? "").Trim();
        var automatic = letter.Headers[HeaderId.AutoSubmitted] is { Length: > 0 } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase);

        // The thread it answers: a letter of the CRM (sent or received) named in In-Reply-To or References.
        var thread = letter.References.Append(letter.InReplyTo).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Key(r)).Distinct().ToList();
        var earlier = thread.Count == 0 ? null : await db.Activities.AsNoTracking().Where(a => a.MessageId != null && thread.Contains(a.MessageId))
            .OrderByDescending(a => a.OccurredAt).FirstOrDefaultAsync(ct);
        var normalized = Email.Normalize(address)!;
        MessageTarget target;
        var receipt = MessageReceipt.ToClient;
        var notify = true;
        if (earlier is not null)
        {
            var lead = earlier.LeadId is { } leadId ? await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, ct) : null;
            target = earlier.DealId is { } dealId && await db.Deals.AsNoTracking().Where(d => d.Id == dealId && d.ClosedAt == null)
                .Select(d => new { d.Id, d.OwnerId, d.ClientId }).SingleOrDefaultAsync(ct) is { } deal
                ? new MessageTarget(deal.OwnerId, deal.Id, deal.ClientId, null, $"/deals/{deal.Id}")
                : await Conversations.TargetAsync(db, lead, earlier.ClientId, ct);
        }
        else if ((await db.Contacts.AsNoTracking().Where(c => c.Email == normalized).Select(c => (int?)c.ClientId).FirstOrDefaultAsync(ct)
                  ?? await db.Clients.AsNoTracking().Where(c => c.Email == normalized).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct)) is { } clientId)
        {
            target = await Conversations.TargetAsync(db, null, clientId, ct);
        }
        else if (await db.LeadDedupKeys.AsNoTracking().Where(k => k.Value == "email:" + normalized).Select(k => (int?)k.LeadId).FirstOrDefaultAsync(ct) is { } leadId)
        {
            target = await Conversations.TargetAsync(db, await db.Leads.SingleAsync(l => l.Id == leadId, ct), null, ct);
        }
        else if (automatic)
        {
            return MessageReceipt.Ignored; // an out-of-office from a stranger is not a lead
        }
        else
        {
            var tags = new Dictionary<string, string> { ["channel"] = "email" }; // not UI text: source tags
            if (options.Address is { } mailbox) tags["mailbox"] = mailbox;
            var comment = $"{subject}\n{text}";
            var pending = await intake.IntakeAsync(db, new LeadSubmission(null, null, sender.Name is { Length: > 0 } n ? n : null, null, address, null, "email",
                null, null, comment.Length > 3900 ? comment[..3900] + "…" : comment, tags), new IntakeSource(null, "Почта " + options.Address, null, LeadChannel.Email), // not UI text: the audit's actor
                null, ct);
            await db.SaveChangesAsync(ct);
            var lead = pending.Outcome == IntakeOutcome.ExistingClient ? null : pending.Lead ?? await db.Leads.SingleAsync(l => l.Id == pending.LeadId, ct);
            target = await Conversations.TargetAsync(db, lead, pending.ClientId, ct);
            receipt = pending.Outcome == IntakeOutcome.Created ? MessageReceipt.NewLead : receipt;
            notify = pending.Outcome == IntakeOutcome.ExistingLead; // the intake told the assignee of a new lead and the owner of a known client
        }

        var skipped = new List<string>();
        // The subject is the activity's outcome (an answer's «Re:» is made of it); the text starts with who wrote.
        var activity = Activity.FromMessage(ActivityKind.Email, key, ActivityDirection.Inbound, at, target.OwnerId, target.DealId, target.ClientId,
            target.LeadId, subject.Length > 490 ? subject[..490] : subject, $"От: {sender}\n{text}", now); // not UI text: stored in the timeline
        db.Activities.Add(activity);
        foreach (var part in letter.Attachments.OfType<MimePart>().Where(p => p.Content is not null))
        {
            using var buffer = new MemoryStream();
            await part.Content!.DecodeToAsync(buffer, ct);
            if (buffer.Length > MessageAttachment.MaxBytes) skipped.Add(part.FileName ?? "вложение"); // not UI text: a stored file name
            else db.MessageAttachments.Add(new MessageAttachment(activity, part.FileName, part.ContentType.MimeType, buffer.ToArray()));
        }
        if (target.DealId is { } touched && await db.Deals.SingleOrDefaultAsync(d => d.Id == touched, ct) is { } open) open.TouchActivity(at);
        if (notify)
            db.Notifications.Add(new Notification(target.OwnerId, NotificationKind.Assignment, $"Письмо: {subject}",
                $"{sender}{(skipped.Count == 0 ? "" : $" · не сохранены вложения больше 10 МБ: {string.Join(", ", skipped)}")}", target.Link, null, now));
        await db.SaveChangesAsync(ct);
        return receipt != MessageReceipt.ToClient ? receipt : target.DealId is not null ? MessageReceipt.ToDeal : target.LeadId is not null ? MessageReceipt.ToLead : MessageReceipt.ToClient;
    }

    private static string? HtmlText(string? html) => html is null ? null
        : System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(html, @"<(br|/p|/div|/tr)[^>]*>", "\n", System.Text.RegularExpressions.RegexOptions.IgnoreCase), "<[^>]+>", ""));
}

/// <summary>
/// A manager's letter through the mailbox's SMTP server: from the mailbox (with the company's name), with the manager's name
/// and the company's signature, threaded to the letter it answers (In-Reply-To, References) and carrying the Message-ID the
/// CRM stored, so the client's reply finds its deal.
/// </summary>
public sealed class EmailChannel(MailboxOptions options) : IOutboundChannel
{
    public MessageChannel Channel => MessageChannel.Email;

    public async Task<OutboundResult> SendAsync(OutboundMessage message, CancellationToken ct)
    {
        if (!options.Sends) return OutboundResult.Retry("Почта не настроена: нет SMTP-сервера или адреса ящика (раздел Mailbox в appsettings.json).");
        var letter = new MimeMessage();
        letter.From.Add(new MailboxAddress(options.Name, options.Address!));
        if (!MailboxAddress.TryParse(message.To, out var to)) return OutboundResult.Refused($"Неверный адрес получателя: {message.To}");
        letter.To.Add(to);
        letter.Subject = message.Subject ?? "";
        letter.MessageId = message.Activity?.MessageId is { } id && id.StartsWith("mail:", StringComparison.Ordinal) ? id["mail:".Length..] : MimeKit.Utils.MimeUtils.GenerateMessageId();
        if (message.InReplyTo is { } parent)
        {
            letter.InReplyTo = parent;
            letter.References.Add(parent);
        }
        letter.Date = message.CreatedAt;
        letter.Body = new TextPart("plain") { Text = message.Body };
        using var smtp = new SmtpClient { Timeout = 60_000 };
        try
        {
            await smtp.ConnectAsync(options.SmtpHost!, options.SmtpPort, options.SmtpSecurity, ct);
            if (options.User is { } user && smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication))
                await smtp.AuthenticateAsync(user, options.Password ?? "", ct);
            await smtp.SendAsync(letter, ct);
            await smtp.DisconnectAsync(true, ct);
            return OutboundResult.Done(letter.MessageId);
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted)
        {
            return OutboundResult.Refused($"Сервер почты не принял адрес {message.To}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
                                       or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            return OutboundResult.Retry("SMTP: " + ex.Message);
        }
    }
}

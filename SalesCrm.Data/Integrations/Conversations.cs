using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>Where a conversation is answered from: a deal's card or a lead's panel.</summary>
public enum ConversationSubject
{
    Deal = 1,
    Lead = 2,
}

/// <summary>
/// How a card can answer: the person's chat with the company's bot (when they wrote to it), the e-mail addresses it knows (when
/// the mailbox is set up), the subject an e-mail answer continues, the last answers' states and the letters' attachments.
/// </summary>
public sealed record ConversationInfo(string? Telegram, DateTime? TelegramLastAt, IReadOnlyList<string> Emails, string? ReplySubject,
    IReadOnlyList<OutboundInfo> Recent, IReadOnlyList<AttachmentInfo> Attachments)
{
    public bool CanAnswer => Telegram is not null || Emails.Count > 0;
}

/// <summary>A file that came with a letter, opened at <c>/attachments/{Id}</c>.</summary>
public sealed record AttachmentInfo(int Id, string FileName, long Size, DateTime At, string? Subject);

/// <summary>A manager's answer on its way: sent, waiting for a retry (with the reason), or failed for good.</summary>
public sealed record OutboundInfo(int Id, DateTime CreatedAt, MessageChannel Channel, string To, string Body, OutboundStatus Status, int Attempts,
    string? LastError, DateTime NextAttemptAt);

/// <summary>What became of a client's message (a Telegram update, a letter).</summary>
public enum MessageReceipt
{
    /// <summary>Not a person writing to the company: a group, a channel, another bot, the mailbox's own letter, an auto-reply outside a thread.</summary>
    Ignored,
    /// <summary>Taken before: the same message delivered again.</summary>
    Repeated,
    NewLead,
    ToLead,
    ToDeal,
    ToClient,
}

/// <summary>Where a client's message lands: the person who owns it, and the deal, client or lead whose timeline shows it.</summary>
public sealed record MessageTarget(int OwnerId, int? DealId, int? ClientId, int? LeadId, string Link);

/// <summary>
/// The conversation on a deal or a lead: which chat of the company's bot belongs to it, and a manager's answer, written as an
/// outbound message activity with its outbox entry in one save; <see cref="OutboxSender"/> sends it. Access is the card's:
/// whoever may work the deal or the lead may answer.
/// </summary>
public sealed class Conversations(IProviderContextFactory contexts, IUserContext users, SecurityLog security, TimeProvider time, OutboxSender outbox,
    MailboxOptions mailbox)
{
    /// <summary>How the deal or the lead can be answered; null when there is no channel to answer in.</summary>
    public async Task<ConversationInfo?> ConversationAsync(ConversationSubject subject, int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = contexts.Create();
        await EnsureVisibleAsync(db, user, subject, id, "open", ct);
        var chat = await FindChatAsync(db, subject, id, ct);
        var emails = mailbox.Sends ? await EmailsAsync(db, subject, id, ct) : [];
        if (chat is null && emails.Count == 0) return null;
        var activities = Activities(db, subject, id);
        var ids = activities.Select(a => a.Id);
        var recent = await db.OutboundMessages.AsNoTracking().Where(m => ids.Contains(m.ActivityId))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(5)
            .Select(m => new OutboundInfo(m.Id, m.CreatedAt, m.Channel, m.To, m.Body, m.Status, m.Attempts, m.LastError, m.NextAttemptAt)).ToListAsync(ct);
        var lastLetter = await LastLetterAsync(activities, ct);
        var attachments = await db.MessageAttachments.AsNoTracking().Where(a => ids.Contains(a.ActivityId))
            .OrderByDescending(a => a.Activity!.OccurredAt).ThenBy(a => a.Id).Take(20)
            .Select(a => new AttachmentInfo(a.Id, a.FileName, a.Size, a.Activity!.OccurredAt, a.Activity.Outcome)).ToListAsync(ct);
        var subjectLine = lastLetter?.Outcome is { } last ? (last.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? last : "Re: " + last) : null;
        return new ConversationInfo(chat?.Display, chat?.LastMessageAt, emails, subjectLine, recent, attachments);
    }

    /// <summary>
    /// The manager answers: an outbound message (Telegram) or letter (e-mail, with the manager's name and the company's signature,
    /// threaded to the client's last letter) in the timeline, and its sending, in one save. Answering a lead is contacting it.
    /// </summary>
    public async Task ReplyAsync(ConversationSubject subject, int id, MessageChannel channel, string text, string? to = null, string? emailSubject = null,
        CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) throw new DomainException("Сообщение пустое — напишите текст.", "Text");
        if (channel == MessageChannel.Telegram && text.Trim().Length > 4000) throw new DomainException("Сообщение в Telegram — не больше 4000 символов.", "Text");
        await using var db = contexts.Create();
        await EnsureVisibleAsync(db, user, subject, id, "reply", ct);
        if (!user.Scope.CanWorkDeals)
        {
            await security.AccessDeniedAsync(user.Actor, subject.ToString(), RecordGuard.Key(id), "reply", ct);
            throw new AccessDeniedException("Ваша роль позволяет только просматривать.");
        }
        string recipient, messageId, line, body;
        string? inReplyTo = null, title = null;
        if (channel == MessageChannel.Telegram)
        {
            var chat = await FindChatAsync(db, subject, id, ct) ?? throw new DomainException("Клиент не писал боту компании — ответить в Telegram нельзя.");
            (recipient, messageId, line, body) = (chat.ExternalId, "out:" + Guid.NewGuid().ToString("N"), "Telegram · " + chat.Display, text.Trim()); // not UI text: the channel line, names as they are
        }
        else
        {
            if (!mailbox.Sends) throw new DomainException("Почта не настроена: администратор задаёт ящик отдела в разделе Mailbox файла appsettings.json.");
            var known = await EmailsAsync(db, subject, id, ct);
            recipient = Email.Normalize(to) is { } chosen && known.Contains(chosen) ? chosen
                : throw new DomainException("Выберите адрес клиента из карточки.", "To");
            title = string.IsNullOrWhiteSpace(emailSubject) ? throw new DomainException("Напишите тему письма.", "Subject") : emailSubject.Trim();
            var domain = mailbox.Address!.Contains('@') ? mailbox.Address[(mailbox.Address.IndexOf('@') + 1)..] : "salescrm.local";
            messageId = "mail:" + MimeKit.Utils.MimeUtils.GenerateMessageId(domain);
            inReplyTo = (await LastLetterAsync(Activities(db, subject, id).Where(a => a.Direction == ActivityDirection.Inbound), ct))?.MessageId is { } parent
                ? parent["mail:".Length..] : null;
            line = title;
            body = string.Join("\n", new[] { text.Trim(), "", "-- ", user.FullName, mailbox.Signature }.Where(x => x is not null));
        }
        var now = time.GetUtcNow().UtcDateTime;
        var kind = channel == MessageChannel.Telegram ? ActivityKind.Message : ActivityKind.Email;
        Activity activity;
        if (subject == ConversationSubject.Deal)
        {
            var deal = await db.Deals.SingleAsync(d => d.Id == id, ct);
            activity = Activity.FromMessage(kind, messageId, ActivityDirection.Outbound, now, user.ManagerId, deal.Id, deal.ClientId, null, line, body, now);
            deal.TouchActivity(now);
        }
        else
        {
            var lead = await db.Leads.SingleAsync(l => l.Id == id, ct);
            activity = Activity.FromMessage(kind, messageId, ActivityDirection.Outbound, now, user.ManagerId, null, null, lead.Id, line, body, now);
            if (lead.IsOpen) lead.RecordContact(now);
        }
        db.Activities.Add(activity);
        db.OutboundMessages.Add(new OutboundMessage(channel, recipient, title, body, activity, user.ManagerId, now, inReplyTo));
        await db.SaveChangesAsync(ct);
        outbox.Wake();
    }

    /// <summary>A client's letter's attachment, for a user who may see the letter.</summary>
    public async Task<MessageAttachment> AttachmentAsync(int attachmentId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = contexts.Create();
        var owner = await db.MessageAttachments.AsNoTracking().Where(a => a.Id == attachmentId)
            .Select(a => new { a.Activity!.DealId, a.Activity.LeadId, a.Activity.ClientId }).SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("Вложение не найдено.");
        if (owner.DealId is { } dealId) await EnsureVisibleAsync(db, user, ConversationSubject.Deal, dealId, "attachment", ct);
        else if (owner.LeadId is { } leadId) await EnsureVisibleAsync(db, user, ConversationSubject.Lead, leadId, "attachment", ct);
        else if (owner.ClientId is { } clientId)
            await RecordGuard.EnsureVisibleAsync(db.Clients.VisibleTo(user, db), db.Clients, c => c.Id == clientId, security, user, nameof(Domain.Clients.Client),
                clientId, "attachment", "Этот клиент закреплён за другим менеджером.", "Клиент не найден.", ct);
        return await db.MessageAttachments.AsNoTracking().SingleAsync(a => a.Id == attachmentId, ct);
    }

    private static IQueryable<Activity> Activities(CrmDbContext db, ConversationSubject subject, int id) => subject == ConversationSubject.Deal
        ? db.Activities.AsNoTracking().Where(a => a.DealId == id)
        : db.Activities.AsNoTracking().Where(a => a.LeadId == id);

    private static Task<Activity?> LastLetterAsync(IQueryable<Activity> activities, CancellationToken ct) =>
        activities.Where(a => a.Kind == ActivityKind.Email && a.MessageId != null && a.MessageId.StartsWith("mail:"))
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);

    /// <summary>The addresses a letter may go to: the lead's; for a deal, its client's and its contacts' (the last writer's first).</summary>
    private static async Task<IReadOnlyList<string>> EmailsAsync(CrmDbContext db, ConversationSubject subject, int id, CancellationToken ct) =>
        subject == ConversationSubject.Lead
            ? await db.Leads.AsNoTracking().Where(l => l.Id == id && l.EmailNormalized != null).Select(l => l.EmailNormalized!).ToListAsync(ct)
            : await EmailsOfDealAsync(db, id, ct);

    /// <summary>The addresses a deal's letters may go to: its contacts' and its client's.</summary>
    internal static async Task<IReadOnlyList<string>> EmailsOfDealAsync(CrmDbContext db, int id, CancellationToken ct)
    {
        var clientId = await db.Deals.AsNoTracking().Where(d => d.Id == id).Select(d => d.ClientId).SingleAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.ClientId == clientId && c.Email != null).Select(c => c.Email!).ToListAsync(ct);
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.Email).SingleAsync(ct);
        return [.. contacts.Append(client).Where(e => e is not null).Select(e => Email.Normalize(e)!).Where(e => e is not null).Distinct()];
    }

    private static async Task<MessengerChat?> FindChatAsync(CrmDbContext db, ConversationSubject subject, int id, CancellationToken ct)
    {
        if (subject == ConversationSubject.Lead)
            return await db.MessengerChats.AsNoTracking().Where(c => c.LeadId == id).OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.ClientId }).SingleAsync(ct);
        var leads = db.Leads.Where(l => l.DealId == id || l.ClientId == deal.ClientId).Select(l => (int?)l.Id);
        return await db.MessengerChats.AsNoTracking().Where(c => c.ClientId == deal.ClientId || leads.Contains(c.LeadId))
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
    }

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, ConversationSubject subject, int id, string what, CancellationToken ct)
    {
        if (subject == ConversationSubject.Deal)
            await RecordGuard.EnsureVisibleAsync(db.Deals.VisibleTo(user, db), db.Deals, d => d.Id == id, security, user, nameof(Deal), id, what,
                "Эта сделка принадлежит другому менеджеру — у вас нет к ней доступа.", "Сделка не найдена.", ct);
        else
            await RecordGuard.EnsureVisibleAsync(LeadService.Visible(db, user), db.Leads, l => l.Id == id, security, user, nameof(Lead), id, what,
                "Этот лид закреплён за другим менеджером.", "Лид не найден.", ct);
    }

    /// <summary>
    /// Where a message of a lead or a client lands: an open lead — the lead (its assignee, or the team lead of its queue);
    /// a qualified lead — its deal while open, then the client's; a client — its open deal (the latest) or the client itself.
    /// </summary>
    public static async Task<MessageTarget> TargetAsync(CrmDbContext db, Lead? lead, int? clientId, CancellationToken ct)
    {
        if (lead is { IsOpen: true } || lead is { ClientId: null })
        {
            var owner = lead.AssigneeId
                        ?? await db.Managers.AsNoTracking().LeadsOfQueue(lead.QueueTeamId).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct)
                        ?? await db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Head || m.Role == StaffRole.Admin))
                            .OrderBy(m => m.Role).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct)
                        ?? throw new DomainException("В отделе нет ни одного активного сотрудника, который принял бы сообщение.");
            return new MessageTarget(owner, null, null, lead.Id, $"/leads?id={lead.Id}");
        }
        var client = lead?.ClientId ?? clientId ?? throw new DomainException("Сообщение не относится ни к лиду, ни к клиенту.");
        if (lead?.DealId is { } leadDeal && await db.Deals.AsNoTracking().Where(d => d.Id == leadDeal && d.ClosedAt == null)
                .Select(d => new { d.Id, d.OwnerId, d.ClientId }).SingleOrDefaultAsync(ct) is { } own)
            return new MessageTarget(own.OwnerId, own.Id, own.ClientId, null, $"/deals/{own.Id}");
        var open = await db.Deals.AsNoTracking().Where(d => d.ClientId == client && d.ClosedAt == null)
            .OrderByDescending(d => d.LastActivityAt ?? d.CreatedAt).Select(d => new { d.Id, d.OwnerId }).FirstOrDefaultAsync(ct);
        if (open is not null) return new MessageTarget(open.OwnerId, open.Id, client, null, $"/deals/{open.Id}");
        var clientOwner = await db.Clients.AsNoTracking().Where(c => c.Id == client).Select(c => c.OwnerId).SingleAsync(ct);
        return new MessageTarget(clientOwner, null, client, null, $"/clients/{client}");
    }
}

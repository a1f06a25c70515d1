using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Leads;

/// <summary>A lead as an integration, a form or an import row sends it; every field optional but one of INN, phone, e-mail.</summary>
public sealed record LeadSubmission(string? Company, string? Inn, string? ContactName, string? Phone, string? Email, string? Product,
    string? Channel, string? Region, string? Industry, string? Comment, Dictionary<string, string>? Tags, string? Messenger = null);

/// <summary>Where a submission came from: an API key, a person in the UI, an import.</summary>
public sealed record IntakeSource(int? ApiKeyId, string ActorName, int? ActorManagerId, LeadChannel DefaultChannel);

public enum IntakeOutcome
{
    Created,
    ExistingLead,
    ExistingClient,
}

public sealed record IntakeResult(IntakeOutcome Outcome, int? LeadId, int? ClientId, int? AssignedTo)
{
    public bool IsNew => Outcome == IntakeOutcome.Created;
}

/// <summary>Bad input: messages per field (the API's field names), in Russian.</summary>
/// <summary>An Idempotency-Key the integration already used for a different submission (the API answers 422).</summary>
public sealed class IdempotencyConflictException() : Exception(
    "Этот Idempotency-Key уже использован для другой заявки. Для новой заявки пришлите новый ключ; повтор той же заявки — с тем же телом.");

public sealed class LeadValidationException : Exception
{
    public LeadValidationException(IReadOnlyDictionary<string, string[]> errors) : base(string.Join(" ", errors.SelectMany(e => e.Value))) =>
        Errors = errors;

    public LeadValidationException() : base("Заявка заполнена неверно.") => Errors = new Dictionary<string, string[]>();

    public LeadValidationException(string message) : base(message) => Errors = new Dictionary<string, string[]>();

    public LeadValidationException(string message, Exception inner) : base(message, inner) => Errors = new Dictionary<string, string[]>();

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>
/// Takes leads in from every channel (the HTTP API, the UI, imports) the same way: validates them with the
/// domain's rules, returns the existing lead or client instead of a duplicate (by INN, phone, e-mail — enforced
/// by unique keys in the database, so simultaneous requests cannot both create one), honours Idempotency-Key,
/// and distributes a new lead by the engine's rules or queues it for the team lead. All in one transaction.
/// </summary>
public sealed class LeadIntakeService(IProviderContextFactory contexts, DistributionSnapshot distribution, TimeProvider time) : IDisposable
{
    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Inn"] = "inn", ["Phone"] = "phone", ["Email"] = "email", ["Channel"] = "channel", ["CompanyName"] = "company",
        ["ContactName"] = "contactName", ["ProductCode"] = "product", ["Region"] = "region", ["Industry"] = "industry",
        ["Comment"] = "comment", ["SourceTags"] = "tags",
    };

    /// <summary>
    /// Takes one submission in. Submissions arriving together are written together: one writer per process drains
    /// the queue and saves up to <see cref="MaxBatch"/> of them in one transaction (group commit), each still judged
    /// on its own (validation, duplicates — also within the batch —, Idempotency-Key, distribution). A batch the
    /// database refuses (another node or person created the same lead a moment ago) is redone one by one.
    /// </summary>
    public async Task<IntakeResult> SubmitAsync(LeadSubmission submission, IntakeSource source, string? idempotencyKey,
        CancellationToken ct = default)
    {
        var item = new QueuedIntake(submission, source, idempotencyKey);
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(LeadIntakeService));
        }
        EnsureWriter();
        return await item.Done.Task.WaitAsync(ct);
    }

    public const int MaxBatch = 100;

    private sealed record QueuedIntake(LeadSubmission Submission, IntakeSource Source, string? IdempotencyKey)
    {
        public TaskCompletionSource<IntakeResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Channel<QueuedIntake> _queue = Channel.CreateUnbounded<QueuedIntake>(new UnboundedChannelOptions { SingleReader = true });
    private int _writerStarted;

    private void EnsureWriter()
    {
        if (Interlocked.Exchange(ref _writerStarted, 1) == 0) _ = Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<QueuedIntake>(MaxBatch);
            while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            Interlocked.Add(ref _waiting, -batch.Count);
            // One transaction per author, so that the audit trail names who sent each lead.
            foreach (var group in batch.GroupBy(i => (i.Source.ActorManagerId, i.Source.ActorName)))
            {
                var items = group.ToList();
                try
                {
                    if (items.Count == 1) await OneAsync(items[0]);
                    else await BatchAsync(items);
                }
                catch (Exception ex)
                {
                    foreach (var item in items) item.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// All of the items in one transaction. An item with bad input is answered at once (nothing of it was added);
    /// anything else unexpected, or a batch the database refuses, and the batch is redone one by one.
    /// </summary>
    private async Task BatchAsync(List<QueuedIntake> items)
    {
        var accepted = new List<(QueuedIntake Item, PendingIntake Result)>(items.Count);
        await using (var db = contexts.Create())
        {
            db.Actor = new Actor(items[0].Source.ActorManagerId, items[0].Source.ActorName);
            try
            {
                foreach (var item in items)
                {
                    try
                    {
                        accepted.Add((item, await IntakeAsync(db, item.Submission, item.Source, item.IdempotencyKey, CancellationToken.None)));
                    }
                    catch (Exception ex) when (ex is LeadValidationException or IdempotencyConflictException)
                    {
                        item.Done.TrySetException(ex);
                    }
                }
                await db.SaveChangesAsync(CancellationToken.None);
                foreach (var (item, result) in accepted) item.Done.TrySetResult(Final(result));
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or DomainException or InvalidOperationException)
            {
                distribution.Invalidate();
            }
        }
        foreach (var item in items.Where(i => !i.Done.Task.IsCompleted)) await OneAsync(item);
    }

    /// <summary>One submission in its own transaction, retried when a simultaneous request for the same person committed first.</summary>
    private async Task OneAsync(QueuedIntake item)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = contexts.Create();
            db.Actor = new Actor(item.Source.ActorManagerId, item.Source.ActorName);
            try
            {
                var result = await IntakeAsync(db, item.Submission, item.Source, item.IdempotencyKey, CancellationToken.None);
                await db.SaveChangesAsync(CancellationToken.None);
                item.Done.TrySetResult(Final(result));
                return;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // The next attempt finds what the other request saved and answers "existing".
            }
            catch (Exception ex)
            {
                item.Done.TrySetException(ex);
                return;
            }
        }
    }

    private int _waiting;

    /// <summary>Submissions waiting for the writer (the backlog of the channels that bring leads in).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Dispose() => _queue.Writer.TryComplete();

    /// <summary>Validates a submission without saving anything (the import checks every row first).</summary>
    public async Task ValidateAsync(LeadSubmission submission, IntakeSource source, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        await BuildAsync(db, submission, source, ct);
    }

    /// <summary>
    /// The intake of one submission on a given context, without saving: the caller saves (one lead, or a whole
    /// import file in one transaction).
    /// </summary>
    public async Task<PendingIntake> IntakeAsync(CrmDbContext db, LeadSubmission submission, IntakeSource source, string? idempotencyKey,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var fingerprint = Fingerprint(submission);
        if (idempotencyKey is not null && source.ApiKeyId is { } apiKey)
        {
            var key = idempotencyKey.Trim();
            var seen = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ApiKeyId == apiKey && r.Key == key, ct);
            if (seen?.Fingerprint is { } first && first != fingerprint) throw new IdempotencyConflictException();
            if (seen is not null)
                return new PendingIntake(seen.LeadId is not null ? IntakeOutcome.ExistingLead : IntakeOutcome.ExistingClient, null, seen.LeadId,
                    seen.ClientId, seen.AssignedTo);
            // The same key earlier in this batch, not saved yet.
            var pending = db.ChangeTracker.Entries<IdempotencyRecord>().Select(e => e.Entity).FirstOrDefault(r => r.ApiKeyId == apiKey && r.Key == key);
            if (pending?.Fingerprint is { } earlier && earlier != fingerprint) throw new IdempotencyConflictException();
            if (pending is not null)
                return new PendingIntake(pending.Lead is not null ? IntakeOutcome.ExistingLead : IntakeOutcome.ExistingClient, pending.Lead,
                    pending.LeadId, pending.ClientId, pending.Lead?.AssigneeId ?? pending.AssignedTo);
        }

        var (lead, product) = await BuildAsync(db, submission, source, ct);
        var keys = lead.DedupKeys();

        // The same person again: an open lead with any of the same keys (also one added earlier in this import).
        var existingLeadId = await db.LeadDedupKeys.AsNoTracking().Where(k => keys.Contains(k.Value)).Select(k => (int?)k.LeadId).FirstOrDefaultAsync(ct);
        var pendingLead = existingLeadId is null
            ? db.ChangeTracker.Entries<LeadDedupKey>().Select(e => e.Entity).FirstOrDefault(k => keys.Contains(k.Value))?.Lead
            : null;
        if (existingLeadId is not null || pendingLead is not null)
        {
            var known = pendingLead ?? await db.Leads.SingleAsync(l => l.Id == existingLeadId, ct);
            known.Touch(submission.Comment, now);
            Remember(db, source, idempotencyKey, known, null, known.AssigneeId, now, fingerprint);
            return new PendingIntake(IntakeOutcome.ExistingLead, known, existingLeadId, null, known.AssigneeId);
        }

        // An existing client: touched (an inbound note and the owner told), not turned into a lead again.
        var client = await FindClientAsync(db, lead, ct);
        if (client is not null)
        {
            var channel = lead.Channel.Russian();
            // Written by whoever sent it (a person entering a lead, or the owner for a form or an integration), said so in the text.
            db.Activities.Add(new Activity(ActivityKind.Note, now, source.ActorManagerId ?? client.OwnerId, null, client.Id, null, ActivityDirection.Inbound, 0,
                "Повторное обращение", $"Новая заявка ({channel}, {source.ActorName}){(lead.Comment is null ? "" : ": " + lead.Comment)}", null, now));
            var who = string.Join(", ", new[] { lead.ContactName, lead.Phone, lead.Email, lead.Comment }.Where(x => !string.IsNullOrWhiteSpace(x)));
            db.Notifications.Add(new Notification(client.OwnerId, NotificationKind.Assignment, $"Повторное обращение клиента: {client.Name}",
                who.Length == 0 ? channel : $"{channel}: {who}", $"/clients/{client.Id}", null, now));
            Remember(db, source, idempotencyKey, null, client.Id, client.OwnerId, now, fingerprint);
            return new PendingIntake(IntakeOutcome.ExistingClient, null, null, client.Id, client.OwnerId);
        }

        db.Leads.Add(lead);
        foreach (var key in keys) db.LeadDedupKeys.Add(new LeadDedupKey(key, lead));
        var (decision, auto) = await distribution.DecideAsync(
            WorkProfile.Of(lead, product), null, ct);
        var title = $"Новый лид: {lead.CompanyName ?? lead.ContactName ?? lead.Phone ?? lead.Email}";
        if (decision is not null && auto)
        {
            lead.AssignTo(decision.Manager.ManagerId, decision.Reason, null, source.ActorManagerId, decision.Explanation, now);
            db.Notifications.Add(new Notification(decision.Manager.ManagerId, NotificationKind.Assignment, title, decision.Explanation,
                "/leads?mine=1", null, now));
        }
        else
        {
            var team = decision?.Manager.TeamId ?? await distribution.TeamForRegionAsync(lead.Region, ct);
            lead.QueueFor(team, now);
            var leads = await db.Managers.AsNoTracking().LeadsOfQueue(team).Select(m => m.Id).ToListAsync(ct);
            foreach (var teamLead in leads)
                db.Notifications.Add(new Notification(teamLead, NotificationKind.Assignment, title + " — в очереди",
                    decision is null ? "Все менеджеры в отпуске или загружены полностью" : "Команда распределяет лиды вручную", "/leads", null, now));
        }
        Remember(db, source, idempotencyKey, lead, null, lead.AssigneeId, now, fingerprint);
        return new PendingIntake(IntakeOutcome.Created, lead, null, null, lead.AssigneeId);
    }

    private static void Remember(CrmDbContext db, IntakeSource source, string? idempotencyKey, Lead? lead, int? clientId, int? assignedTo,
        DateTime now, string fingerprint)
    {
        if (idempotencyKey is not null && source.ApiKeyId is { } apiKey)
            db.IdempotencyRecords.Add(new IdempotencyRecord(apiKey, idempotencyKey, lead, clientId, assignedTo, now, fingerprint));
    }

    /// <summary>What identifies a submission's content: SHA-256 over its fields as sent.</summary>
    public static string Fingerprint(LeadSubmission s) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(s))));

    private static IntakeResult Final(PendingIntake p) => new(p.Outcome, p.Lead?.Id ?? p.LeadId, p.ClientId, p.Lead?.AssigneeId ?? p.AssignedTo);

    private async Task<(Lead Lead, Product? Product)> BuildAsync(CrmDbContext db, LeadSubmission s, IntakeSource source, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        var channel = source.DefaultChannel;
        if (!string.IsNullOrWhiteSpace(s.Channel) && ParseChannel(s.Channel) is not { } parsed)
            Add("channel", "Неизвестный канал. Допустимо: website, phone, email, messenger, campaign, referral, partner.");
        else if (!string.IsNullOrWhiteSpace(s.Channel)) channel = ParseChannel(s.Channel)!.Value;

        Product? product = null;
        if (!string.IsNullOrWhiteSpace(s.Product))
        {
            var code = s.Product.Trim().ToLowerInvariant();
            product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.IsActive && (p.Code == code || p.Name == s.Product.Trim()), ct);
            if (product is null)
            {
                var codes = await db.Products.AsNoTracking().Where(p => p.IsActive).Select(p => p.Code).ToListAsync(ct);
                Add("product", $"Неизвестный продукт «{s.Product}». Допустимо: {string.Join(", ", codes)}.");
            }
        }

        // Each field alone, so that every problem of the submission is reported at once.
        if (!string.IsNullOrWhiteSpace(s.Inn) && Inn.Validate(s.Inn) is { } innError) Add("inn", innError);
        if (Phone.Validate(s.Phone) is { } phoneError) Add("phone", phoneError);
        if (Email.Validate(s.Email) is { } emailError) Add("email", emailError);
        if (string.IsNullOrWhiteSpace(s.Inn) && string.IsNullOrWhiteSpace(s.Phone) && string.IsNullOrWhiteSpace(s.Email) && string.IsNullOrWhiteSpace(s.Messenger))
            Add("phone", "Нужен хотя бы один способ связи или ИНН: телефон, e-mail или ИНН.");
        if (errors.Count > 0) throw new LeadValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

        try
        {
            var lead = new Lead(channel, s.Company, s.Inn?.Trim(), s.ContactName, s.Phone, s.Email, product?.Code, s.Region, s.Industry, s.Comment,
                s.Tags, time.GetUtcNow().UtcDateTime, s.Messenger);
            return (lead, product);
        }
        catch (DomainException ex)
        {
            var field = ex.Field is { } f && FieldNames.TryGetValue(f, out var api) ? api : "lead";
            throw new LeadValidationException(new Dictionary<string, string[]> { [field] = [ex.Message] });
        }
    }

    private static async Task<Client?> FindClientAsync(CrmDbContext db, Lead lead, CancellationToken ct)
    {
        if (lead.Inn is { } inn && await db.Clients.FirstOrDefaultAsync(c => c.Inn == inn, ct) is { } byInn) return byInn;
        if (lead.PhoneNormalized is { } phone)
        {
            var id = await db.Contacts.AsNoTracking().Where(c => c.PhoneNormalized == phone).Select(c => (int?)c.ClientId).FirstOrDefaultAsync(ct);
            if (id is not null) return await db.Clients.SingleAsync(c => c.Id == id, ct);
        }
        if (lead.EmailNormalized is { } email)
        {
            var id = await db.Contacts.AsNoTracking().Where(c => c.Email == email).Select(c => (int?)c.ClientId).FirstOrDefaultAsync(ct)
                     ?? await db.Clients.AsNoTracking().Where(c => c.Email == email).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
            if (id is not null) return await db.Clients.SingleAsync(c => c.Id == id, ct);
        }
        return null;
    }

    public static LeadChannel? ParseChannel(string value) => value.Trim().ToLowerInvariant() switch
    {
        "website" or "site" or "form" or "web" or "сайт" => LeadChannel.Website, // not UI text: what a channel may send
        "phone" or "call" or "телефон" => LeadChannel.Phone, // not UI text: what a channel may send
        "email" or "e-mail" or "mail" or "почта" => LeadChannel.Email, // not UI text: what a channel may send
        "messenger" or "telegram" or "whatsapp" or "мессенджер" => LeadChannel.Messenger, // not UI text: what a channel may send
        "campaign" or "ads" or "кампания" => LeadChannel.Campaign, // not UI text: what a channel may send
        "referral" or "рекомендация" => LeadChannel.Referral, // not UI text: what a channel may send
        "partner" or "партнёр" or "партнер" => LeadChannel.Partner, // not UI text: what a channel may send
        _ => null,
    };
}

/// <summary>The result of one intake before the save (the lead's id is known after it).</summary>
public sealed record PendingIntake(IntakeOutcome Outcome, Lead? Lead, int? LeadId, int? ClientId, int? AssignedTo);

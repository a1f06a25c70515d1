using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>One event from the telephony system (docs/features.md).</summary>
public sealed record TelephonyEvent(string? CallId, string? Event, string? Direction, string? From, string? To, string? Extension,
    DateTime? StartedAt, DateTime? AnsweredAt, DateTime? EndedAt, int? DurationSeconds, string? RecordingUrl);

public enum TelephonyOutcome
{
    /// <summary>A call in progress (started, answered): acknowledged, nothing to record yet.</summary>
    Acknowledged,
    /// <summary>The finished or missed call was recorded as an activity.</summary>
    Recorded,
    /// <summary>The same event again: nothing changed.</summary>
    Duplicate,
}

public sealed record TelephonyResult(TelephonyOutcome Outcome, int? ActivityId, int? ClientId, int? DealId, int? LeadId, bool NewLead);

/// <summary>
/// Turns telephony events into call activities: the finished (or missed) call is matched by the normalised number of the
/// other party to a client's contact (and the client's open deal, so it shows in that deal's timeline), to a client's
/// own phone, or to an open lead (an answered call is the lead's first contact); an unknown inbound caller becomes a lead
/// through the distribution engine. The manager is found by extension. A call is recorded once, by its call id.
/// </summary>
public sealed class TelephonyService(IProviderContextFactory contexts, LeadIntakeService intake, TimeProvider time, Common.CrmOptions options)
{
    private static readonly string[] Events = ["started", "answered", "ended", "missed"];

    public async Task<TelephonyResult> HandleAsync(TelephonyEvent e, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var kind = Validate(e, now);
        if (kind is "started" or "answered") return new TelephonyResult(TelephonyOutcome.Acknowledged, null, null, null, null, false);
        var callId = e.CallId!.Trim();
        var inbound = string.Equals(e.Direction, "inbound", StringComparison.OrdinalIgnoreCase);
        var external = Phone.Normalize(inbound ? e.From : e.To);
        var missed = kind == "missed" || (e.AnsweredAt is null && (e.DurationSeconds ?? 0) == 0 && inbound);

        await using var db = contexts.Create();
        db.Actor = new Actor(null, "Телефония");
        if (await db.Activities.AnyAsync(a => a.CallId == callId, ct))
            return new TelephonyResult(TelephonyOutcome.Duplicate, null, null, null, null, false);

        var manager = string.IsNullOrWhiteSpace(e.Extension) ? null
            : await db.Managers.AsNoTracking().Where(m => m.IsActive && m.Extension == e.Extension.Trim()).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
        var (clientId, _, leadId) = external is null ? new CallerMatch(null, null, null) : await Callers.FindAsync(db, external, ct);
        int? dealId = null;
        if (clientId is { } client)
        {
            var open = db.Deals.AsNoTracking().Where(d => d.ClientId == client && d.Stage != StageCode.Won && d.Stage != StageCode.Lost);
            dealId = await open.OrderByDescending(d => manager != null && d.OwnerId == manager).ThenByDescending(d => d.LastActivityAt)
                .Select(d => (int?)d.Id).FirstOrDefaultAsync(ct);
        }

        var newLead = false;
        if (clientId is null && leadId is null && inbound && external is not null)
        {
            var created = await intake.SubmitAsync(new LeadSubmission(null, null, null, "+" + external, null, null, "phone", null, null,
                missed ? "Пропущенный звонок с незнакомого номера" : "Звонок с незнакомого номера", null),
                new IntakeSource(null, "Телефония", null, LeadChannel.Phone), "call:" + callId, ct);
            leadId = created.LeadId;
            clientId ??= created.ClientId;
            newLead = created.IsNew;
        }
        if (clientId is null && leadId is null)
            throw new DomainException("Номер собеседника не распознан: звонок не к кому привязать.", "from");

        var author = manager
                     ?? (dealId is { } d0 ? await db.Deals.Where(d => d.Id == d0).Select(d => (int?)d.OwnerId).FirstAsync(ct) : null)
                     ?? (clientId is { } c0 ? await db.Clients.Where(c => c.Id == c0).Select(c => (int?)c.OwnerId).FirstAsync(ct) : null)
                     ?? (leadId is { } l0 ? await db.Leads.Where(l => l.Id == l0).Select(l => l.AssigneeId).FirstAsync(ct) : null)
                     ?? await db.Managers.Where(m => m.IsActive && m.Role == StaffRole.Head).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
        var started = e.StartedAt ?? e.EndedAt ?? now;
        // A PBX may say the recording is ready before it describes the call.
        var recording = e.RecordingUrl ?? await db.PbxRecordings.AsNoTracking().Where(r => r.CallId == callId).Select(r => "/recordings/" + r.Id)
            .FirstOrDefaultAsync(ct);
        var activity = Activity.FromCall(callId, inbound ? ActivityDirection.Inbound : ActivityDirection.Outbound, Utc(started) > now ? now : Utc(started),
            Math.Max(0, e.DurationSeconds ?? 0), missed, recording, author, dealId, clientId, leadId, now,
            missed ? "Пропущенный звонок" : null);
        db.Activities.Add(activity);
        if (missed && inbound) await CallbackAsync(db, external, Utc(started) > now ? now : Utc(started), author, dealId, clientId, leadId, now, ct);
        if (leadId is { } lid && !missed)
        {
            var lead = await db.Leads.SingleAsync(l => l.Id == lid, ct);
            if (lead.FirstContactAt is null) lead.RecordContact(now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (!await AlreadyRecordedAsync(callId, ct)) throw;
            return new TelephonyResult(TelephonyOutcome.Duplicate, null, null, null, null, false);
        }
        return new TelephonyResult(TelephonyOutcome.Recorded, activity.Id, clientId, dealId, leadId, newLead);
    }

    /// <summary>
    /// A missed inbound call asks for a call back: a task for whoever owns the caller — the deal's, the client's or the lead's
    /// owner, else the employee whose extension rang — due when the response target runs out after the call
    /// (<see cref="Common.ThresholdOptions.ResponseTargetMinutes"/>). A caller who tries again while a call back is open adds no second task.
    /// </summary>
    private async Task CallbackAsync(CrmDbContext db, string? number, DateTime calledAt, int author, int? dealId, int? clientId, int? leadId,
        DateTime now, CancellationToken ct)
    {
        if (number is null) return;
        var title = $"Перезвонить: +{number}";
        if (await db.Tasks.AnyAsync(t => t.Kind == TaskKind.Callback && t.Status == TaskState.Open && t.Title == title, ct)) return;
        var owner = (dealId is { } d ? await db.Deals.Where(x => x.Id == d).Select(x => (int?)x.OwnerId).FirstAsync(ct) : null)
                    ?? (clientId is { } c ? await db.Clients.Where(x => x.Id == c).Select(x => (int?)x.OwnerId).FirstAsync(ct) : null)
                    ?? (leadId is { } l ? await db.Leads.Where(x => x.Id == l).Select(x => x.AssigneeId).FirstAsync(ct) : null)
                    ?? author;
        var due = calledAt.AddMinutes(options.Thresholds.ResponseTargetMinutes);
        db.Tasks.Add(new TaskItem(TaskKind.Callback, title, owner, owner, due < now ? now : due, dealId, clientId,
            $"Пропущенный звонок {TimeZoneInfo.ConvertTimeFromUtc(calledAt, options.TimeZone):dd.MM.yyyy HH:mm}", now));
    }

    /// <summary>
    /// A PBX says a call's recording is ready (<paramref name="reference"/>: what its API needs to give the file). The reference is
    /// kept once per call; the call's activity, when the call is already known, links to where the app plays it.
    /// </summary>
    public async Task RecordingReadyAsync(string callId, string reference, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        db.Actor = new Actor(null, "Телефония");
        var kept = await db.PbxRecordings.SingleOrDefaultAsync(r => r.CallId == callId, ct);
        if (kept is null)
        {
            kept = new PbxRecording(callId, reference, time.GetUtcNow().UtcDateTime);
            db.PbxRecordings.Add(kept);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Announced at the same moment on another request: the unique index kept one.
                db.ChangeTracker.Clear();
                kept = await db.PbxRecordings.SingleAsync(r => r.CallId == callId, ct);
            }
        }
        var call = await db.Activities.SingleOrDefaultAsync(a => a.CallId == callId, ct);
        if (call is not null && call.RecordingUrl != kept.PlayUrl)
        {
            call.AttachRecording(kept.PlayUrl);
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<bool> AlreadyRecordedAsync(string callId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Activities.AnyAsync(a => a.CallId == callId, ct);
    }

    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc);

    /// <summary>Every problem of the event at once, with the API's field names.</summary>
    private static string Validate(TelephonyEvent e, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(e.CallId) || e.CallId.Length > 100) errors["callId"] = ["Нужен идентификатор звонка (до 100 символов)."];
        var kind = e.Event?.Trim().ToLowerInvariant();
        if (kind is null || !Events.Contains(kind)) errors["event"] = ["Событие: started, answered, ended или missed."];
        if (e.Direction is null || !(e.Direction.Equals("inbound", StringComparison.OrdinalIgnoreCase) || e.Direction.Equals("outbound", StringComparison.OrdinalIgnoreCase)))
            errors["direction"] = ["Направление: inbound или outbound."];
        if (e.DurationSeconds is < 0 or > 86_400) errors["durationSeconds"] = ["Длительность — от 0 до 86400 секунд."];
        if (e.RecordingUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)))
            errors["recordingUrl"] = ["Ссылка на запись — адрес http(s)."];
        // A PBX clock a few minutes ahead is normal (the call is then dated now); a day ahead is a broken clock or field.
        // Checked here, before an unknown caller becomes a lead: a refused event must leave nothing behind.
        foreach (var (field, at) in new[] { ("startedAt", e.StartedAt), ("answeredAt", e.AnsweredAt), ("endedAt", e.EndedAt) })
        {
            if (at is not { } t) continue;
            if (Utc(t) > now.AddDays(1)) errors[field] = [$"Время звонка {t:yyyy-MM-dd HH:mm} — в будущем: проверьте часы АТС."];
            else if (Utc(t) < now.AddYears(-5)) errors[field] = [$"Время звонка {t:yyyy-MM-dd HH:mm} слишком давнее: больше пяти лет назад."];
        }
        if (e.RecordingUrl is { Length: > 1000 }) errors["recordingUrl"] = ["Ссылка на запись длиннее 1000 символов."];
        if (e.Extension is { Length: > 20 }) errors["extension"] = ["Добавочный номер длиннее 20 символов."];
        if (errors.Count > 0) throw new LeadValidationException(errors);
        return kind!;
    }
}

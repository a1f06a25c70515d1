using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Leads;

/// <summary>A website form as the administration shows it.</summary>
public sealed record WebFormRow(int Id, string Name, string PublicKey, IReadOnlyDictionary<string, string> Mapping, bool IsActive, DateTime CreatedAt,
    DateTime? LastLeadAt, int Leads);

/// <summary>What a form's sender gets back: accepted (a new lead, or one already known), or refused with reasons per field.</summary>
public sealed record FormAnswer(bool Accepted, IntakeResult? Result, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>
/// Per address and form, how many leads a site's visitors may send: a person sends one or two, a bot hundreds. Kept in memory
/// on each node (a bot spread over nodes gets at most the limit per node).
/// </summary>
public sealed class FormSpamGuard : IDisposable
{
    public const int PerTenMinutes = 10;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = PerTenMinutes,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes one sending of <paramref name="form"/> from <paramref name="address"/>; false when the address has used them up.</summary>
    public bool Take(string form, string address)
    {
        using var lease = _limiter.AttemptAcquire(form + "|" + address);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Website forms (docs/integrations.md): the administration creates a form, maps its fields and copies its snippet; a visitor's
/// sending becomes a lead through the same intake as every channel (validation, duplicates, distribution), with the UTM tags,
/// the form's name and the page as source tags.
/// </summary>
public sealed class WebFormService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, LeadIntakeService intake,
    TimeProvider time)
{
    private static readonly ConcurrentDictionary<string, (WebFormRow? Form, DateTime At)> Cache = new(StringComparer.Ordinal);
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<WebFormRow>> ListAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var forms = await db.WebForms.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        return [.. forms.Select(Row)];
    }

    public async Task<WebFormRow> CreateAsync(string name, CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var form = new WebForm(name, time.GetUtcNow().UtcDateTime);
        await EnsureUniqueAsync(db, form.Name, null, ct);
        db.WebForms.Add(form);
        await db.SaveChangesAsync(ct);
        return Row(form);
    }

    /// <summary>The form's name and field mapping, all or nothing.</summary>
    public Task<WebFormRow> UpdateAsync(int id, string name, IReadOnlyDictionary<string, string> mapping, CancellationToken ct = default) =>
        ChangeAsync(id, f =>
        {
            f.Rename(name);
            f.Map(mapping);
        }, ct);

    public Task<WebFormRow> ActivateAsync(int id, bool active, CancellationToken ct = default) => ChangeAsync(id, f => f.Activate(active), ct);

    public Task<WebFormRow> RenewKeyAsync(int id, CancellationToken ct = default) => ChangeAsync(id, f => f.RenewKey(), ct);

    private async Task<WebFormRow> ChangeAsync(int id, Action<WebForm> change, CancellationToken ct)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var form = await db.WebForms.SingleOrDefaultAsync(f => f.Id == id, ct) ?? throw new NotFoundException("Форма не найдена.");
        var oldKey = form.PublicKey;
        change(form);
        await EnsureUniqueAsync(db, form.Name, form.Id, ct);
        await db.SaveChangesAsync(ct);
        Cache.TryRemove(oldKey, out _);
        Cache.TryRemove(form.PublicKey, out _);
        return Row(form);
    }

    /// <summary>The active form with this public key (cached briefly: every sending asks), or null.</summary>
    public async Task<WebFormRow?> FindAsync(string? publicKey, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(publicKey) || publicKey.Length > 40) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (Cache.TryGetValue(publicKey, out var cached) && now - cached.At < CacheFor) return cached.Form;
        await using var db = await factory.CreateDbContextAsync(ct);
        var form = await db.WebForms.AsNoTracking().SingleOrDefaultAsync(f => f.PublicKey == publicKey && f.IsActive, ct);
        var row = form is null ? null : Row(form);
        Cache[publicKey] = (row, now);
        return row;
    }

    /// <summary>
    /// A visitor's sending of <paramref name="form"/>: read with the form's mapping and handed to the lead intake. Bad input is
    /// refused with reasons per field and leaves nothing behind.
    /// </summary>
    public async Task<FormAnswer> SubmitAsync(WebFormRow form, IEnumerable<KeyValuePair<string, string>> fields, string? page, string? idempotencyKey,
        string actor, int? apiKeyId = null, CancellationToken ct = default)
    {
        var lead = FormFields.Read(fields, form.Mapping, form.Name, page);
        var answer = await SubmitAsync(lead, new IntakeSource(apiKeyId, actor, null, LeadChannel.Website), idempotencyKey, ct);
        if (answer.Accepted)
        {
            // Counted in the database, so that sendings at the same moment on any node all count.
            await using var db = await factory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            await db.WebForms.Where(f => f.Id == form.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.Leads, f => f.Leads + 1).SetProperty(f => f.LastLeadAt, now), ct);
        }
        return answer;
    }

    /// <summary>A lead read from a form by the caller (Tilda's webhook reads its own fields), through the same intake.</summary>
    public async Task<FormAnswer> SubmitAsync(FormLead lead, IntakeSource source, string? idempotencyKey, CancellationToken ct = default)
    {
        try
        {
            var result = await intake.SubmitAsync(new LeadSubmission(lead.Company, lead.Inn, lead.ContactName, lead.Phone, lead.Email, lead.Product, "website",
                lead.Region, lead.Industry, lead.Comment, lead.Tags.Count == 0 ? null : lead.Tags), source, idempotencyKey, ct);
            return new FormAnswer(true, result, null);
        }
        catch (LeadValidationException ex)
        {
            return new FormAnswer(false, null, ex.Errors.Count > 0 ? ex.Errors : new Dictionary<string, string[]> { ["form"] = [ex.Message] });
        }
    }

    /// <summary>A form's name tags its leads: two forms of one name could not be told apart in the reports.</summary>
    private static async Task EnsureUniqueAsync(CrmDbContext db, string name, int? except, CancellationToken ct)
    {
        var names = await db.WebForms.AsNoTracking().Where(f => f.Id != except).Select(f => f.Name).ToListAsync(ct);
        if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new DomainException(new UserText("Форма «{0}» уже есть: дайте другое название.", name), "Name");
    }

    private static WebFormRow Row(WebForm f) => new(f.Id, f.Name, f.PublicKey, f.Mapping, f.IsActive, f.CreatedAt, f.LastLeadAt, f.Leads);

    private Task<CurrentUser> RequireAsync(CancellationToken ct) =>
        users.RequireRoleAsync(security, u => u.ConfiguresDepartment, nameof(WebForm), "manage", "Формами сайта управляют администратор и начальник отдела.", ct);
}

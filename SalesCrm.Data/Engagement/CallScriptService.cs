using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Engagement;

namespace SalesCrm.Data.Engagement;

/// <summary>A call script as the settings page and the deal card show it.</summary>
public sealed record CallScriptView(int Id, int Version, string Name, StageCode? Stage, int? ProductId, string? ProductName, string Text,
    string? ObjectionsText, IReadOnlyList<ScriptObjection> Objections, string UpdatedBy, DateTime UpdatedAt);

/// <summary>What the script dialog saves.</summary>
public sealed record CallScriptInput(string? Name, StageCode? Stage, int? ProductId, string? Text, string? Objections);

/// <summary>
/// Call scripts and objection handling (diagnostics block 3, «сценарии звонков и писем»): a team lead, the head or an
/// administrator writes them per stage and product; everyone in sales reads them, and the deal card shows the one that fits
/// the deal best (<see cref="CallScript.Fit"/>), the most specific first. Edits carry the version the page showed: a
/// colleague's save in between is a conflict, not a silent overwrite.
/// </summary>
public sealed class CallScriptService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, TimeProvider time)
{
    public async Task<IReadOnlyList<CallScriptView>> ListAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.WorksSales) await DenyAsync(user, "list call scripts", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scripts = await db.CallScripts.AsNoTracking().Where(s => !s.IsArchived).OrderBy(s => s.Stage).ThenBy(s => s.Name).ToListAsync(ct);
        return await ViewsAsync(db, scripts, ct);
    }

    /// <summary>The script for the deal's stage and product, the most specific first; null when none fits.</summary>
    public async Task<CallScriptView?> ForDealAsync(int dealId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, dealId, "read the call script", ct);
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == dealId).Select(d => new { d.Stage, d.ProductId }).SingleAsync(ct);
        if (deal.Stage.IsClosed()) return null;
        var candidates = await db.CallScripts.AsNoTracking()
            .Where(s => !s.IsArchived && (s.Stage == null || s.Stage == deal.Stage) && (s.ProductId == null || s.ProductId == deal.ProductId)).ToListAsync(ct);
        var best = candidates.OrderByDescending(s => s.Fit(deal.Stage, deal.ProductId)).ThenByDescending(s => s.UpdatedAt).FirstOrDefault();
        return best is null ? null : (await ViewsAsync(db, [best], ct))[0];
    }

    /// <summary>Creates a script (<paramref name="id"/> null) or saves one over the version the page showed.</summary>
    public async Task<int> SaveAsync(int? id, int? seenVersion, CallScriptInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.LeadsSales) await DenyAsync(user, "edit a call script", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (input.ProductId is { } pid && !await db.Products.AnyAsync(p => p.Id == pid, ct)) throw new Domain.Common.DomainException("Такого продукта нет.", "ProductId");
        var now = time.GetUtcNow().UtcDateTime;
        CallScript script;
        if (id is { } existing)
        {
            script = await db.CallScripts.SingleOrDefaultAsync(s => s.Id == existing && !s.IsArchived, ct)
                     ?? throw new NotFoundException("Сценарий не найден — возможно, его убрали в архив.");
            if (seenVersion is { } seen && seen != script.Version)
                throw new ConcurrencyConflictException("Сценарий только что изменил коллега — откройте его заново, чтобы не затереть его правку.");
            script.Update(input.Name ?? "", input.Stage, input.ProductId, input.Text ?? "", input.Objections, user.ManagerId, now);
        }
        else
        {
            script = new CallScript(input.Name ?? "", input.Stage, input.ProductId, input.Text ?? "", input.Objections, user.ManagerId, now);
            db.CallScripts.Add(script);
        }
        await RecordGuard.SaveAsync(db, () => Task.FromResult(new ConcurrencyConflictException(
            "Сценарий только что изменил коллега — откройте его заново, чтобы не затереть его правку.")), ct);
        return script.Id;
    }

    public async Task ArchiveAsync(int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.LeadsSales) await DenyAsync(user, "archive a call script", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var script = await db.CallScripts.SingleOrDefaultAsync(s => s.Id == id && !s.IsArchived, ct)
                     ?? throw new NotFoundException("Сценарий не найден — возможно, его уже убрали в архив.");
        script.Archive();
        await db.SaveChangesAsync(ct);
    }

    private static async Task<IReadOnlyList<CallScriptView>> ViewsAsync(CrmDbContext db, IReadOnlyList<CallScript> scripts, CancellationToken ct)
    {
        var products = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var people = scripts.Select(s => s.UpdatedById).Distinct().ToList();
        var names = await db.Managers.AsNoTracking().Where(m => people.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        return [.. scripts.Select(s => new CallScriptView(s.Id, s.Version, s.Name, s.Stage, s.ProductId, s.ProductId is { } p ? products.GetValueOrDefault(p) : null,
            s.Text, s.ObjectionsText, s.Objections, names.GetValueOrDefault(s.UpdatedById) ?? "—", s.UpdatedAt))];
    }

    private async Task DenyAsync(CurrentUser user, string what, CancellationToken ct)
    {
        await security.AccessDeniedAsync(user.Actor, nameof(CallScript), "-", what, ct);
        throw new AccessDeniedException("Сценарии звонков пишут старший менеджер, начальник отдела и администратор.");
    }
}

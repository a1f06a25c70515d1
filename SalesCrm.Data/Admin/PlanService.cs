using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Admin;

/// <summary>One seller's monthly plans for a year (kopecks; null where no plan is set).</summary>
public sealed record PlanRow(int ManagerId, string FullName, int? TeamId, string? TeamName, long?[] Months);

public sealed record PlanGrid(int Year, IReadOnlyList<PlanRow> Rows, bool CanEdit, bool TeamLeadsEditPlans, bool CanDelegate);

/// <summary>A plan cell to set: who, which month, how much (kopecks; 0 clears nothing, it is a plan of zero).</summary>
public sealed record PlanCell(int ManagerId, int Year, int Month, long Kopecks);

/// <summary>A row of a plan file that could not be taken, with why.</summary>
public sealed record PlanImportError(int Row, string Message);

/// <summary>
/// Monthly premium plans per seller. The head and the administrator set anyone's; a team lead sets their own team's when the
/// head allows it (<see cref="DelegationPolicy"/>). A batch (a grid's edits, an imported file) is all or nothing; every
/// change is audited and the dashboards and the board re-read at once.
/// </summary>
public sealed class PlanService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IDomainEventPublisher events,
    TimeProvider time)
{
    public async Task<PlanGrid> GridAsync(int year, int? teamId, CancellationToken ct = default)
    {
        var user = await users.RequireRoleAsync(security, u => u.LeadsSales, "Plan", "read", "Планы видят руководители продаж.", ct);
        if (year is < 2000 or > 2100) throw new DomainException("Год указан неверно.", "Year");
        await using var db = await factory.CreateDbContextAsync(ct);
        var policy = await PolicyAsync(db, ct);
        var team = user.Role == StaffRole.TeamLead ? user.TeamId : teamId;
        var sellers = await db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead)
                && (team == null || m.TeamId == team))
            .OrderBy(m => m.Team!.Name).ThenBy(m => m.FullName).Select(m => new { m.Id, m.FullName, m.TeamId, Team = m.Team!.Name }).ToListAsync(ct);
        var ids = sellers.Select(s => s.Id).ToList();
        var plans = await db.Plans.AsNoTracking().Where(p => p.Year == year && ids.Contains(p.ManagerId)).ToListAsync(ct);
        var rows = sellers.Select(s =>
        {
            var months = new long?[12];
            foreach (var p in plans.Where(p => p.ManagerId == s.Id)) months[p.Month - 1] = p.TargetKopecks;
            return new PlanRow(s.Id, s.FullName, s.TeamId, s.Team, months);
        }).ToList();
        return new PlanGrid(year, rows, CanEdit(user, policy), policy.TeamLeadsEditPlans, user.ConfiguresDepartment);
    }

    /// <summary>Sets a batch of plan cells in one transaction; any refusal writes nothing.</summary>
    public async Task<int> SetAsync(IReadOnlyList<PlanCell> cells, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var policy = await PolicyAsync(db, ct);
        if (!CanEdit(user, policy))
        {
            await security.AccessDeniedAsync(user.Actor, "Plan", "", "edit", ct);
            throw new AccessDeniedException(user.Role == StaffRole.TeamLead
                ? "Планы команды меняет начальник отдела: он может разрешить это старшим менеджерам."
                : "Планы меняют руководители продаж.");
        }
        var ids = cells.Select(c => c.ManagerId).Distinct().ToList();
        var sellers = await db.Managers.AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => new { m.Id, m.TeamId, m.Role }).ToListAsync(ct);
        foreach (var id in ids)
        {
            var seller = sellers.SingleOrDefault(s => s.Id == id) ?? throw new DomainException("Сотрудник не найден.", "ManagerId");
            if (seller.Role is not (StaffRole.Manager or StaffRole.TeamLead)) throw new DomainException("План ставится менеджерам по продажам.", "ManagerId");
            if (user.Role == StaffRole.TeamLead && seller.TeamId != user.TeamId)
            {
                await security.AccessDeniedAsync(user.Actor, "Plan", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "edit", ct);
                throw new AccessDeniedException("Это сотрудник другой команды.");
            }
        }
        var years = cells.Select(c => c.Year).Distinct().ToList();
        var existing = await db.Plans.Where(p => ids.Contains(p.ManagerId) && years.Contains(p.Year)).ToListAsync(ct);
        var changed = 0;
        foreach (var cell in cells)
        {
            var plan = existing.SingleOrDefault(p => p.ManagerId == cell.ManagerId && p.Year == cell.Year && p.Month == cell.Month);
            if (plan is null)
            {
                plan = new Plan(cell.ManagerId, cell.Year, cell.Month, new Money(cell.Kopecks));
                db.Plans.Add(plan);
                existing.Add(plan);
                changed++;
            }
            else if (plan.TargetKopecks != cell.Kopecks)
            {
                plan.ChangeTarget(new Money(cell.Kopecks));
                changed++;
            }
        }
        await db.SaveChangesAsync(ct);
        if (changed > 0) await events.PublishAsync([new SettingsChanged("plans", time.GetUtcNow().UtcDateTime)], ct);
        return changed;
    }

    /// <summary>
    /// Reads a plan table (columns: e-mail or full name of the seller, year, month, plan in rubles) and sets it as one batch;
    /// rows that cannot be taken are all reported and nothing is written.
    /// </summary>
    public async Task<(int Changed, IReadOnlyList<PlanImportError> Errors)> ImportAsync(IReadOnlyList<(int Row, string? Who, string? Year, string? Month,
        string? Rubles)> rows, CancellationToken ct = default)
    {
        await users.RequireRoleAsync(security, u => u.LeadsSales, "Plan", "import", "Планы загружают руководители продаж.", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var people = await db.Managers.AsNoTracking().Where(m => m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead)
            .Select(m => new { m.Id, m.Email, m.FullName }).ToListAsync(ct);
        var errors = new List<PlanImportError>();
        var cells = new List<PlanCell>();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var (row, who, yearText, monthText, rublesText) in rows)
        {
            var key = (who ?? "").Trim();
            var matches = people.Where(p => string.Equals(p.Email, key, StringComparison.OrdinalIgnoreCase)
                                            || string.Equals(p.FullName, key, StringComparison.CurrentCultureIgnoreCase)).ToList();
            if (key.Length == 0) { errors.Add(new(row, "Не указан сотрудник (e-mail или ФИО).")); continue; }
            if (matches.Count != 1) { errors.Add(new(row, matches.Count == 0 ? $"Сотрудник «{key}» не найден среди менеджеров." : $"«{key}» — несколько сотрудников: укажите e-mail.")); continue; }
            if (!int.TryParse(yearText?.Trim(), System.Globalization.NumberStyles.None, inv, out var year) || year is < 2000 or > 2100)
            { errors.Add(new(row, $"Год «{yearText}» — не год (например, 2027).")); continue; }
            if (!int.TryParse(monthText?.Trim(), System.Globalization.NumberStyles.None, inv, out var month) || month is < 1 or > 12)
            { errors.Add(new(row, $"Месяц «{monthText}» — не номер месяца от 1 до 12.")); continue; }
            var normalized = (rublesText ?? "").Replace(" ", "").Replace("\u00a0", "").Replace("₽", "").Replace(",", ".").Trim();
            if (!decimal.TryParse(normalized, System.Globalization.NumberStyles.Number, inv, out var rubles) || rubles < 0 || rubles * 100 > Plan.MaxKopecks)
            { errors.Add(new(row, $"План «{rublesText}» — не сумма в рублях.")); continue; }
            var kopecks = Money.FromRubles(decimal.Round(rubles, 2)).Kopecks;
            if (cells.Any(c => c.ManagerId == matches[0].Id && c.Year == year && c.Month == month))
            { errors.Add(new(row, "Этот месяц этого сотрудника в файле уже есть.")); continue; }
            cells.Add(new PlanCell(matches[0].Id, year, month, kopecks));
        }
        if (errors.Count > 0) return (0, errors);
        if (cells.Count == 0) return (0, [new PlanImportError(0, "В файле нет строк с планами.")]);
        return (await SetAsync(cells, ct), []);
    }

    /// <summary>The head (or the administrator) lets team leads set their own team's plans, or takes it back.</summary>
    public Task SetDelegationAsync(bool teamLeadsEditPlans, CancellationToken ct = default) =>
        Delegation.ChangeAsync(factory, users, security, time, p => (teamLeadsEditPlans, p.TeamLeadsEditHours), ct);

    private static bool CanEdit(CurrentUser user, DelegationPolicy policy) =>
        user.ConfiguresDepartment || user.Role == StaffRole.TeamLead && policy.TeamLeadsEditPlans;

    private static Task<DelegationPolicy> PolicyAsync(CrmDbContext db, CancellationToken ct) => Delegation.PolicyAsync(db, ct);
}

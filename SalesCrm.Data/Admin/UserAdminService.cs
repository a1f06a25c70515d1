using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Identity;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Admin;

public sealed record AbsenceRow(int Id, DateTime From, DateTime To, AbsenceKind Kind);

/// <summary>A person as the administrator sees them: account, role, team, the profile the distribution uses, absences.</summary>
public sealed record UserRow(int ManagerId, string UserId, string FullName, string Email, StaffRole Role, int? TeamId, string? TeamName, bool Active,
    bool MustChangePassword, string? Phone, string? Extension, ExperienceLevel Experience, int Capacity, IReadOnlyList<string> Territories,
    IReadOnlyList<string> Industries, IReadOnlyList<string> Products, IReadOnlyList<AbsenceRow> Absences, int OpenDeals, int OpenLeads, bool SlowedDown);

public sealed record UserInput(string FullName, string Email, StaffRole Role, int? TeamId, string? Phone, string? Extension);

public sealed record ProfileInput(ExperienceLevel Experience, int Capacity, IReadOnlyList<string> Territories, IReadOnlyList<string> Industries,
    IReadOnlyList<string> Products);

/// <summary>How a new person gets their first password: a one-time password to hand over, or a link to set their own.</summary>
public enum FirstPassword
{
    OneTime = 1,
    Link = 2,
}

/// <summary>What to give the new person (or the one whose password was reset): shown once.</summary>
public sealed record Credentials(int ManagerId, string Email, string? OneTimePassword, string? SetPasswordToken, string UserId);

/// <summary>
/// People and their sign-in, for the administrator: create or invite, role, team, the distribution profile, absences,
/// deactivate (open work handed over by the rules, every session ended at once), reactivate, unlock, reset the password.
/// Profile changes are audited field by field (the profile is a domain record); account events go to the trail as such.
/// A change of role, team or e-mail ends the person's sessions, so that what they may see follows at once.
/// </summary>
public sealed class UserAdminService(IDbContextFactory<CrmDbContext> factory, IUserContext users, UserManager<AppUser> accounts, TimeProvider time,
    SecurityLog security, IDomainEventPublisher events, AssignmentService leads)
{
    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var managers = await db.Managers.AsNoTracking().Include(m => m.Absences).Include(m => m.Team).OrderBy(m => m.FullName).ToListAsync(ct);
        var accountsById = await db.Users.AsNoTracking().Select(u => new { u.Id, u.MustChangePassword }).ToDictionaryAsync(u => u.Id, u => u.MustChangePassword, ct);
        var deals = await db.Deals.AsNoTracking().Where(d => d.Stage != Domain.Deals.StageCode.Won && d.Stage != Domain.Deals.StageCode.Lost)
            .GroupBy(d => d.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var openLeads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))
            .GroupBy(l => l.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var slowed = (await db.SignInFailures.AsNoTracking().Where(f => f.Count > 4).Select(f => f.Key).ToListAsync(ct)).ToHashSet();
        return managers.Select(m => new UserRow(m.Id, m.UserId, m.FullName, m.Email, m.Role, m.TeamId, m.Team?.Name, m.IsActive,
            accountsById.GetValueOrDefault(m.UserId), m.Phone, m.Extension, m.Experience, m.Capacity, m.Territories, m.Industries, m.ProductSpecializations,
            m.Absences.OrderBy(a => a.From).Select(a => new AbsenceRow(a.Id, a.From, a.To, a.Kind)).ToList(), deals.GetValueOrDefault(m.Id),
            openLeads.GetValueOrDefault(m.Id), slowed.Contains(SignInFailures.KeyOf(m.Email)))).ToList();
    }

    /// <summary>
    /// An extension belongs to one active employee: the PBX's calls and the screen-pop find the employee by it, and click-to-call
    /// rings it.
    /// </summary>
    private static async Task CheckExtensionAsync(CrmDbContext db, string? extension, int? except, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(extension)) return;
        var value = extension.Trim();
        var holder = await db.Managers.AsNoTracking().Where(m => m.IsActive && m.Extension == value && m.Id != except).Select(m => m.FullName).FirstOrDefaultAsync(ct);
        if (holder is not null)
            throw new DomainException(new UserText("Добавочный {0} уже у сотрудника {1}: по добавочному АТС находит, кому звонок.", value, holder), nameof(UserInput.Extension));
    }

    /// <summary>Creates the account and the profile; returns a one-time password or a set-password token, shown once.</summary>
    public async Task<Credentials> CreateAsync(UserInput input, FirstPassword first, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        var email = CheckEmail(input.Email);
        await using var db = await factory.CreateDbContextAsync(ct);
        await CheckTeamAsync(db, input.Role, input.TeamId, ct);
        await CheckExtensionAsync(db, input.Extension, null, ct);
        if (await accounts.FindByEmailAsync(email) is not null) throw new DomainException("Пользователь с таким e-mail уже есть.", nameof(UserInput.Email));
        var now = time.GetUtcNow().UtcDateTime;
        // The profile is checked before the account exists, so that a refusal leaves nothing behind.
        var manager = new Manager("pending", input.FullName, email, input.Role, input.TeamId, now);
        manager.SetContacts(input.Phone, input.Extension);

        var password = first == FirstPassword.OneTime ? OneTimePassword() : null;
        var account = new AppUser { UserName = email, Email = email, EmailConfirmed = true, FullName = manager.FullName, MustChangePassword = password is not null };
        Check(password is null ? await accounts.CreateAsync(account) : await accounts.CreateAsync(account, password));
        try
        {
            Check(await accounts.AddToRoleAsync(account, input.Role.ToString()));
            var profile = new Manager(account.Id, manager.FullName, email, input.Role, input.TeamId, now);
            profile.SetContacts(input.Phone, input.Extension);
            db.Managers.Add(profile);
            await db.SaveChangesAsync(ct);
            var token = password is null ? await accounts.GeneratePasswordResetTokenAsync(account) : null;
            await security.AccountAsync(email, password is null ? "создан, ссылка для пароля" : "создан, одноразовый пароль", admin.Actor, ct);
            return new Credentials(profile.Id, email, password, token, account.Id);
        }
        catch
        {
            await accounts.DeleteAsync(account);   // nothing half-written: no account without its profile
            throw;
        }
    }

    /// <summary>Name, e-mail, role, team and contacts; a change of role, team or e-mail ends the person's sessions.</summary>
    public async Task UpdateAsync(int managerId, UserInput input, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        var email = CheckEmail(input.Email);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        await CheckTeamAsync(db, input.Role, input.TeamId, ct);
        await CheckExtensionAsync(db, input.Extension, managerId, ct);
        if (manager.Id == admin.ManagerId && input.Role != StaffRole.Admin)
            throw new DomainException("Свою роль администратора снять нельзя: это сделает другой администратор.", nameof(UserInput.Role));
        var account = await accounts.FindByIdAsync(manager.UserId) ?? throw new NotFoundException("Учётная запись не найдена.");
        var reach = manager.Role != input.Role || manager.TeamId != input.TeamId || !string.Equals(manager.Email, email, StringComparison.OrdinalIgnoreCase);
        var oldRole = manager.Role;

        manager.Rename(input.FullName);
        manager.SetContacts(input.Phone, input.Extension);
        manager.ChangeRole(input.Role);
        manager.MoveToTeam(input.TeamId);
        manager.ChangeEmail(email);
        if (!string.Equals(account.Email, email, StringComparison.OrdinalIgnoreCase))
        {
            if (await accounts.FindByEmailAsync(email) is not null) throw new DomainException("Пользователь с таким e-mail уже есть.", nameof(UserInput.Email));
            Check(await accounts.SetEmailAsync(account, email));
            Check(await accounts.SetUserNameAsync(account, email));
        }
        account.FullName = manager.FullName;
        Check(await accounts.UpdateAsync(account));
        if (oldRole != input.Role)
        {
            Check(await accounts.RemoveFromRoleAsync(account, oldRole.ToString()));
            Check(await accounts.AddToRoleAsync(account, input.Role.ToString()));
        }
        await db.SaveChangesAsync(ct);
        if (reach) await EndSessionsAsync(account, "роль, команда или e-mail изменены", admin, ct);
    }

    public async Task SetProfileAsync(int managerId, ProfileInput input, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        var known = await db.Products.AsNoTracking().Select(p => p.Code).ToListAsync(ct);
        if (input.Products.FirstOrDefault(p => !known.Contains(p)) is { } unknown)
            throw new DomainException(new UserText("Продукт «{0}» не из справочника.", unknown), nameof(ProfileInput.Products));
        manager.SetProfile(input.Experience, input.Capacity, input.Territories, input.Industries, input.Products);
        await db.SaveChangesAsync(ct);
    }

    public async Task AddAbsenceAsync(int managerId, DateTime from, DateTime to, AbsenceKind kind, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        if (!Enum.IsDefined(kind)) throw new DomainException("Вид отсутствия не из списка.", "Kind");
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await db.Managers.Include(m => m.Absences).SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Сотрудник не найден.");
        manager.AddAbsence(from, to, kind);
        await db.SaveChangesAsync(ct);
    }

    public async Task RemoveAbsenceAsync(int managerId, int absenceId, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await db.Managers.Include(m => m.Absences).SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Сотрудник не найден.");
        manager.RemoveAbsence(manager.Absences.SingleOrDefault(a => a.Id == absenceId) ?? throw new NotFoundException("Отсутствие не найдено."));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The person leaves: their open leads, deals and clients go to colleagues of the team by the distribution rules (one
    /// transaction, before anything else), then the profile is deactivated, the account locked and every session ended.
    /// </summary>
    public async Task<(int Leads, int Deals, int Clients)> DeactivateAsync(int managerId, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        if (managerId == admin.ManagerId) throw new DomainException("Себя отключить нельзя: это сделает другой администратор.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        if (!manager.IsActive) throw new DomainException("Сотрудник уже отключён.");
        var handedOver = manager.IsSeller ? await leads.RedistributeAsync(managerId, AssignmentReason.Other, "сотрудник отключён", ct) : (0, 0, 0);
        manager.Deactivate();
        await db.SaveChangesAsync(ct);
        var account = await accounts.FindByIdAsync(manager.UserId) ?? throw new NotFoundException("Учётная запись не найдена.");
        Check(await accounts.SetLockoutEnabledAsync(account, true));
        Check(await accounts.SetLockoutEndDateAsync(account, DateTimeOffset.MaxValue));
        await EndSessionsAsync(account, "отключён", admin, ct);
        return handedOver;
    }

    public async Task ReactivateAsync(int managerId, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        manager.Activate();
        await db.SaveChangesAsync(ct);
        var account = await accounts.FindByIdAsync(manager.UserId) ?? throw new NotFoundException("Учётная запись не найдена.");
        Check(await accounts.SetLockoutEndDateAsync(account, null));
        await security.AccountAsync(account.Email ?? account.Id, "включён снова", admin.Actor, ct);
    }

    /// <summary>Lifts the slowdown of sign-in attempts on the person's e-mail (after someone guessed at it).</summary>
    public async Task UnlockAsync(int managerId, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        var key = SignInFailures.KeyOf(manager.Email);
        await db.SignInFailures.Where(f => f.Key == key).ExecuteDeleteAsync(ct);
        await security.AccountAsync(manager.Email, "попытки входа сброшены", admin.Actor, ct);
    }

    /// <summary>A new one-time password (or a set-password link); every session of the person ends.</summary>
    public async Task<Credentials> ResetPasswordAsync(int managerId, FirstPassword how, CancellationToken ct = default)
    {
        var admin = await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await LoadAsync(db, managerId, ct);
        var account = await accounts.FindByIdAsync(manager.UserId) ?? throw new NotFoundException("Учётная запись не найдена.");
        string? password = null, token = null;
        if (how == FirstPassword.OneTime)
        {
            password = OneTimePassword();
            if (await accounts.HasPasswordAsync(account)) Check(await accounts.RemovePasswordAsync(account));
            Check(await accounts.AddPasswordAsync(account, password));
            account.MustChangePassword = true;
            Check(await accounts.UpdateAsync(account));
        }
        else
        {
            token = await accounts.GeneratePasswordResetTokenAsync(account);
        }
        await EndSessionsAsync(account, how == FirstPassword.OneTime ? "пароль сброшен (одноразовый)" : "выдана ссылка для пароля", admin, ct);
        return new Credentials(manager.Id, manager.Email, password, token, account.Id);
    }

    /// <summary>A new security stamp (every cookie issued before it stops working at its next check) and a live event that closes open pages now.</summary>
    private async Task EndSessionsAsync(AppUser account, string why, CurrentUser admin, CancellationToken ct)
    {
        Check(await accounts.UpdateSecurityStampAsync(account));
        await events.PublishAsync([new SessionsEnded(account.Id, time.GetUtcNow().UtcDateTime)], ct);
        await security.AccountAsync(account.Email ?? account.Id, why, admin.Actor, ct);
    }

    private static async Task<Manager> LoadAsync(CrmDbContext db, int managerId, CancellationToken ct) =>
        await db.Managers.SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Сотрудник не найден.");

    private static async Task CheckTeamAsync(CrmDbContext db, StaffRole role, int? teamId, CancellationToken ct)
    {
        if (!Enum.IsDefined(role)) throw new DomainException("Роль не из списка.", nameof(UserInput.Role));
        if (role is StaffRole.Manager or StaffRole.TeamLead && teamId is null)
            throw new DomainException("Менеджеру и старшему менеджеру нужна команда.", nameof(UserInput.TeamId));
        if (role is StaffRole.Head or StaffRole.Admin or StaffRole.Underwriter && teamId is not null)
            throw new DomainException("Эта роль работает со всеми командами: команду не указывают.", nameof(UserInput.TeamId));
        if (teamId is { } id && !await db.Teams.AnyAsync(t => t.Id == id, ct)) throw new DomainException("Команда не найдена.", nameof(UserInput.TeamId));
    }

    private static string CheckEmail(string email)
    {
        var trimmed = (email ?? "").Trim();
        if (trimmed.Length == 0) throw new DomainException("Укажите e-mail.", nameof(UserInput.Email));
        if (trimmed.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
            throw new DomainException("E-mail указан неверно.", nameof(UserInput.Email));
        return trimmed;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)), "Password");
    }

    private Task<CurrentUser> RequireAdminAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.Role == StaffRole.Admin, "User", "administer",
        "Пользователями управляет администратор.", ct);

    /// <summary>A password nobody chose: 16 random characters with every kind the password rules ask for.</summary>
    public static string OneTimePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", all = upper + lower + digits;
        var chars = new char[16];
        for (var i = 0; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = '-';
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}

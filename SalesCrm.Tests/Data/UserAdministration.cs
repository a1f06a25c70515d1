using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Admin;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The administrator's work on people, through the service the administration page calls, on the demo department.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class UserAdministration : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
        await H.User.SignInAsAsync("admin@demo.salescrm");
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private UserAdminService Admin => H.Get<UserAdminService>();

    private UserManager<AppUser> Accounts => H.Get<UserManager<AppUser>>();

    private Task<int> TeamAsync(string name) => H.QueryAsync(db => db.Teams.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());

    private Task<int> IdOfAsync(string email) => H.QueryAsync(db => db.Managers.Where(m => m.Email == email).Select(m => m.Id).SingleAsync());

    [Fact]
    public async Task ANewManagerGetsAOneTimePasswordTheirRoleTeamAndProfile()
    {
        var team = await TeamAsync("Команда 1");
        var created = await Admin.CreateAsync(new UserInput("Белова Ирина Павловна", "belova@insurer.ru", StaffRole.Manager, team, "+7 495 555-01-02", "130"),
            FirstPassword.OneTime);
        Assert.NotNull(created.OneTimePassword);
        Assert.Null(created.SetPasswordToken);

        var account = await Accounts.FindByEmailAsync("belova@insurer.ru");
        Assert.NotNull(account);
        Assert.True(account.MustChangePassword);
        Assert.True(await Accounts.CheckPasswordAsync(account, created.OneTimePassword!));
        Assert.Equal([nameof(StaffRole.Manager)], await Accounts.GetRolesAsync(account));
        var profile = await H.QueryAsync(db => db.Managers.AsNoTracking().SingleAsync(m => m.Id == created.ManagerId));
        Assert.Equal((account.Id, team, StaffRole.Manager, "130"), (profile.UserId, profile.TeamId, profile.Role, profile.Extension));

        await Admin.SetProfileAsync(created.ManagerId, new ProfileInput(ExperienceLevel.Junior, 30, ["Москва"], ["IT"], ["property"]));
        var row = (await Admin.ListAsync()).Single(u => u.ManagerId == created.ManagerId);
        Assert.Equal((ExperienceLevel.Junior, 30), (row.Experience, row.Capacity));
        Assert.Equal(["Москва"], row.Territories);
        Assert.Contains(await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == "belova@insurer.ru").ToListAsync()),
            a => a.Action == AuditAction.Account && a.NewValue == "создан, одноразовый пароль");
    }

    [Fact]
    public async Task AnInvitationIsALinkThatSetsThePasswordOnce()
    {
        var created = await Admin.CreateAsync(new UserInput("Жуков Пётр", "zhukov@insurer.ru", StaffRole.Underwriter, null, null, null), FirstPassword.Link);
        Assert.Null(created.OneTimePassword);
        var accounts = Accounts;   // one scope: the account is changed where it was loaded
        var account = (await accounts.FindByIdAsync(created.UserId))!;
        Assert.False(await accounts.HasPasswordAsync(account));
        Assert.True((await accounts.ResetPasswordAsync(account, created.SetPasswordToken!, "Zh-ukov2026!")).Succeeded);
        Assert.False((await accounts.ResetPasswordAsync(account, created.SetPasswordToken!, "Other-pass9!")).Succeeded);
    }

    public static TheoryData<string, string, StaffRole, bool, string> BadPeople => new()
    {
        { "", "a@insurer.ru", StaffRole.Manager, true, "FullName" },
        { new string('Я', 201), "a@insurer.ru", StaffRole.Manager, true, "FullName" },
        { "Иванов", "", StaffRole.Manager, true, "Email" },
        { "Иванов", "не почта", StaffRole.Manager, true, "Email" },
        { "Иванов", "m1@demo.salescrm", StaffRole.Manager, true, "Email" },
        { "Иванов", "a@insurer.ru", StaffRole.Manager, false, "TeamId" },
        { "Иванов", "a@insurer.ru", StaffRole.Head, true, "TeamId" },
        { "Иванов", "a@insurer.ru", (StaffRole)42, true, "Role" },
    };

    [Theory]
    [MemberData(nameof(BadPeople))]
    public async Task APersonWithBadDataIsRefusedOnTheFieldAndNothingIsWritten(string name, string email, StaffRole role, bool withTeam, string field)
    {
        var team = withTeam ? await TeamAsync("Команда 1") : (int?)null;
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Admin.CreateAsync(new UserInput(name, email, role, team, null, null), FirstPassword.OneTime));
        Assert.Equal(field, ex.Field);
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
    }

    [Fact]
    public async Task AnExtensionBelongsToOneEmployee()
    {
        var (m1, m4) = (await IdOfAsync("m1@demo.salescrm"), await IdOfAsync("m4@demo.salescrm"));
        var taken = await H.QueryAsync(db => db.Managers.Where(m => m.Id == m1).Select(m => m.Extension!).SingleAsync());
        var team = await TeamAsync("Команда 1");
        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            Admin.UpdateAsync(m4, new UserInput("Новикова Екатерина Андреевна", "m4@demo.salescrm", StaffRole.Manager, team, null, " " + taken + " ")));
        Assert.Equal(nameof(UserInput.Extension), ex.Field);
        Assert.Contains(taken, ex.Message);
        await Assert.ThrowsAsync<DomainException>(() =>
            Admin.CreateAsync(new UserInput("Смирнов Олег", "smirnov@insurer.ru", StaffRole.Manager, team, null, taken), FirstPassword.OneTime));
        Assert.Null(await Accounts.FindByEmailAsync("smirnov@insurer.ru"));
        Assert.NotEqual(taken, await H.QueryAsync(db => db.Managers.Where(m => m.Id == m4).Select(m => m.Extension).SingleAsync()));
        // One's own extension stays one's own.
        var own = await H.QueryAsync(db => db.Managers.Where(m => m.Id == m1).Select(m => new { m.FullName, m.Email, m.Role, m.TeamId, m.Phone }).SingleAsync());
        await Admin.UpdateAsync(m1, new UserInput(own.FullName, own.Email, own.Role, own.TeamId, own.Phone, taken));
    }

    [Fact]
    public async Task ChangingARoleOrTeamEndsThePersonsSessions()
    {
        var m4 = await IdOfAsync("m4@demo.salescrm");
        var account = (await Accounts.FindByEmailAsync("m4@demo.salescrm"))!;
        var stamp = account.SecurityStamp;
        H.Events.Clear();
        await Admin.UpdateAsync(m4, new UserInput("Новикова Екатерина Андреевна", "m4@demo.salescrm", StaffRole.Manager, await TeamAsync("Команда 2"), null, "184"));
        Assert.Contains(H.Events.Published, e => e is SessionsEnded s && s.UserId == account.Id);
        Assert.NotEqual(stamp, (await Accounts.FindByIdAsync(account.Id))!.SecurityStamp);

        // A change of contacts only does not end anything.
        H.Events.Clear();
        await Admin.UpdateAsync(m4, new UserInput("Новикова Екатерина Андреевна", "m4@demo.salescrm", StaffRole.Manager, await TeamAsync("Команда 2"), null, "185"));
        Assert.DoesNotContain(H.Events.Published, e => e is SessionsEnded);

        await Admin.UpdateAsync(m4, new UserInput("Новикова Екатерина Андреевна", "m4@demo.salescrm", StaffRole.TeamLead, await TeamAsync("Команда 2"), null, "185"));
        Assert.Equal([nameof(StaffRole.TeamLead)], await Accounts.GetRolesAsync((await Accounts.FindByIdAsync(account.Id))!));
    }

    [Fact]
    public async Task ADeactivatedManagersOpenWorkGoesToTheTeamAndTheirSessionsEnd()
    {
        var m3 = await IdOfAsync("m3@demo.salescrm");
        var team = await H.QueryAsync(db => db.Managers.Where(m => m.Id == m3).Select(m => m.TeamId).SingleAsync());
        var openDeals = await H.QueryAsync(db => db.Deals.CountAsync(d => d.OwnerId == m3 && d.Stage != StageCode.Won && d.Stage != StageCode.Lost));
        Assert.True(openDeals > 0);
        H.Events.Clear();

        var (_, deals, _) = await Admin.DeactivateAsync(m3);
        Assert.Equal(openDeals, deals);
        Assert.Equal(0, await H.QueryAsync(db => db.Deals.CountAsync(d => d.OwnerId == m3 && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)));
        Assert.Equal(0, await H.QueryAsync(db => db.Leads.CountAsync(l => l.AssigneeId == m3 && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))));
        var receivers = await H.QueryAsync(db => db.Assignments.Where(a => a.FromManagerId == m3).Select(a => a.ToManagerId).Distinct().ToListAsync());
        Assert.All(receivers, r => Assert.Equal(team, H.QueryAsync(db => db.Managers.Where(m => m.Id == r).Select(m => m.TeamId).SingleAsync()).Result));
        var account = (await Accounts.FindByEmailAsync("m3@demo.salescrm"))!;
        Assert.True(await Accounts.IsLockedOutAsync(account));
        Assert.Contains(H.Events.Published, e => e is SessionsEnded s && s.UserId == account.Id);
        Assert.False(await H.QueryAsync(db => db.Managers.Where(m => m.Id == m3).Select(m => m.IsActive).SingleAsync()));

        await Admin.ReactivateAsync(m3);
        Assert.False(await Accounts.IsLockedOutAsync((await Accounts.FindByEmailAsync("m3@demo.salescrm"))!));
    }

    [Fact]
    public async Task AResetGivesANewOneTimePasswordAndTheOldOneStopsWorking()
    {
        var m2 = await IdOfAsync("m2@demo.salescrm");
        var reset = await Admin.ResetPasswordAsync(m2, FirstPassword.OneTime);
        var account = (await Accounts.FindByEmailAsync("m2@demo.salescrm"))!;
        Assert.False(await Accounts.CheckPasswordAsync(account, "Demo123!"));
        Assert.True(await Accounts.CheckPasswordAsync(account, reset.OneTimePassword!));
        Assert.True(account.MustChangePassword);
    }

    [Fact]
    public async Task UnlockingForgetsTheFailedSignIns()
    {
        var m1 = await IdOfAsync("m1@demo.salescrm");
        await using (var db = H.Db())
        {
            var failures = new SignInFailures("m1@demo.salescrm", H.Time.GetUtcNow().UtcDateTime);
            for (var i = 0; i < 9; i++) failures.Failed(H.Time.GetUtcNow().UtcDateTime);
            db.SignInFailures.Add(failures);
            await db.SaveChangesAsync();
        }
        Assert.True((await Admin.ListAsync()).Single(u => u.ManagerId == m1).SlowedDown);
        await Admin.UnlockAsync(m1);
        Assert.False((await Admin.ListAsync()).Single(u => u.ManagerId == m1).SlowedDown);
    }

    [Fact]
    public async Task VacationsAreKeptAndOverlapsRefused()
    {
        var m1 = await IdOfAsync("m1@demo.salescrm");
        var from = H.Time.GetUtcNow().UtcDateTime.Date.AddDays(40);
        await Admin.AddAbsenceAsync(m1, from, from.AddDays(13), AbsenceKind.Vacation);
        var ex = await Assert.ThrowsAsync<DomainException>(() => Admin.AddAbsenceAsync(m1, from.AddDays(5), from.AddDays(20), AbsenceKind.Training));
        Assert.Equal("From", ex.Field);
        var absence = (await Admin.ListAsync()).Single(u => u.ManagerId == m1).Absences.Single(a => a.From == from);
        await Admin.RemoveAbsenceAsync(m1, absence.Id);
        Assert.DoesNotContain((await Admin.ListAsync()).Single(u => u.ManagerId == m1).Absences, a => a.From == from);
    }

    [Fact]
    public async Task OnlyTheAdministratorAdministersAndNeverThemself()
    {
        var admin = await IdOfAsync("admin@demo.salescrm");
        await Assert.ThrowsAsync<DomainException>(() => Admin.DeactivateAsync(admin));
        await Assert.ThrowsAsync<DomainException>(() => Admin.UpdateAsync(admin, new UserInput("Орлов Сергей Николаевич", "admin@demo.salescrm", StaffRole.Head, null, null, null)));
        foreach (var email in new[] { "head@demo.salescrm", "lead@demo.salescrm", "m1@demo.salescrm" })
        {
            await H.User.SignInAsAsync(email);
            await Assert.ThrowsAsync<AccessDeniedException>(() => Admin.ListAsync());
            await Assert.ThrowsAsync<AccessDeniedException>(() => Admin.CreateAsync(new UserInput("X", "x@insurer.ru", StaffRole.Admin, null, null, null), FirstPassword.OneTime));
            await Assert.ThrowsAsync<AccessDeniedException>(() => Admin.ResetPasswordAsync(admin, FirstPassword.OneTime));
        }
    }
}

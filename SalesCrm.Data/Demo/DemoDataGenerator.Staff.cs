using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>Staff, teams, their plans and the rituals already held.</summary>
public sealed partial class DemoDataGenerator
{
    private async Task CreateStaffAsync(DemoScale scale, CancellationToken ct)
    {
        await using var db = Open();
        var teams = Enumerable.Range(1, Math.Max(2, scale.Teams)).Select(n => new Team($"Команда {n}")).ToList();
        db.Teams.AddRange(teams);
        await db.SaveChangesAsync(ct);
        var (team1, team2) = (teams[0], teams[1]);

        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, ct);
        // Every demo login has the same password: one hash (salted once) serves them all.
        var passwordHash = new PasswordHasher<AppUser>().HashPassword(new AppUser(), DemoPassword);
        var managers = new List<(Manager Manager, int Team)>();
        foreach (var s in Staff.Concat(ExtraStaff(scale)))
        {
            var user = new AppUser
            {
                UserName = s.Email,
                NormalizedUserName = s.Email.ToUpperInvariant(),
                Email = s.Email,
                NormalizedEmail = s.Email.ToUpperInvariant(),
                EmailConfirmed = true,
                FullName = s.Name,
                LockoutEnabled = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                PreferredCulture = "ru-RU",
            };
            user.PasswordHash = passwordHash;
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roles[s.Role.ToString()] });
            var teamId = s.Team > 0 ? teams[s.Team - 1].Id : (int?)null;
            var manager = new Manager(user.Id, s.Name, s.Email, s.Role, teamId, _now.AddMonths(-s.HiredMonthsAgo));
            var capacity = s.Level switch { ExperienceLevel.Senior => 80, ExperienceLevel.Middle => 60, _ => 40 };
            manager.SetProfile(s.Level, capacity, s.Territories, s.Industries, s.Products);
            manager.SetContacts($"+7 495 555-{10 + managers.Count:00}-{20 + managers.Count:00}", (101 + managers.Count).ToString(Inv));
            managers.Add((manager, s.Team));
            db.Managers.Add(manager);
        }
        await db.SaveChangesAsync(ct);

        // A vacation in the coming weeks (the distribution engine must skip m3 then).
        var m3 = managers.Single(m => m.Manager.Email == "m3@demo.salescrm").Manager;
        m3.AddAbsence(_today.AddDays(10), _today.AddDays(23), AbsenceKind.Vacation);

        _headId = managers.Single(m => m.Manager.Role == StaffRole.Head).Manager.Id;
        var board = new BoardToken("ТВ в офисе команды 1", team1.Id, DemoBoardToken, _headId, _now);
        db.BoardTokens.Add(board);
        SeedRituals(db, board, team1.Id, team2.Id);
        _underwriterId = managers.Single(m => m.Manager.Role == StaffRole.Underwriter).Manager.Id;
        _leadOfTeam = managers.Where(m => m.Manager.Role == StaffRole.TeamLead).ToDictionary(m => m.Manager.TeamId!.Value, m => m.Manager.Id);
        _sellers = managers.Where(m => m.Manager.Role == StaffRole.Manager)
            .Select(m => new SellerInfo(m.Manager.Id, m.Manager.TeamId!.Value, m.Manager.Role, m.Manager.Experience,
                [.. m.Manager.Territories], [.. m.Manager.ProductSpecializations], m.Manager.Capacity)).ToList();

        _teamIds = teams.Select(t => t.Id).ToList();
        _sellersOfTeam = _sellers.GroupBy(s => s.TeamId).ToDictionary(g => g.Key, g => g.ToList());

        foreach (var seller in _sellers)
        {
            // Sized to what the generated pipeline wins (about 8 deals a month per manager at ~1.7 M ₽),
            // so attainment lands around 70–120 % and the board shows both heroes and laggards.
            var basePlan = seller.Experience switch
            {
                ExperienceLevel.Senior => 16_000_000m,
                ExperienceLevel.Middle => 12_000_000m,
                _ => 7_000_000m,
            };
            for (var offset = -12; offset <= 3; offset++)
            {
                var month = new DateTime(_today.Year, _today.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(offset);
                var target = Math.Round(basePlan * (decimal)(0.85 + _rnd.NextDouble() * 0.3) / 100_000m) * 100_000m;
                db.Plans.Add(new Plan(seller.Id, month.Year, month.Month, Money.FromRubles(target)));
            }
        }
        await db.SaveChangesAsync(ct);

        _products = await db.Products.Select(p => new ProductRef(p.Id, p.Code, p.IsComplex)).ToListAsync(ct);
        _stages = await db.Stages.ToDictionaryAsync(s => s.Code, ct);
    }

    /// <summary>
    /// Staff beyond the demo logins for a department-sized dataset: teams 1 and 2 filled up to
    /// <see cref="DemoScale.ManagersPerTeam"/>, and every further team with its lead and managers.
    /// </summary>
    private IEnumerable<(string Email, string Name, StaffRole Role, int Team, ExperienceLevel Level, string[] Territories,
        string[] Industries, string[] Products, int HiredMonthsAgo)> ExtraStaff(DemoScale scale)
    {
        var number = Staff.Count(s => s.Role == StaffRole.Manager);
        for (var team = 1; team <= scale.Teams; team++)
        {
            if (team > 2)
                yield return ($"lead{team}@demo.salescrm", PersonName(), StaffRole.TeamLead, team, ExperienceLevel.Senior, [], [], [], _rnd.Next(24, 120));
            var have = Staff.Count(s => s.Team == team && s.Role == StaffRole.Manager);
            for (var k = have; k < scale.ManagersPerTeam; k++)
            {
                var level = (k % 3) switch { 0 => ExperienceLevel.Senior, 1 => ExperienceLevel.Middle, _ => ExperienceLevel.Junior };
                var region = Regions[(team * 7 + k) % Regions.Length].Region;
                yield return ($"m{++number}@demo.salescrm", PersonName(), StaffRole.Manager, team, level, [region],
                    [Pick(Industries), Pick(Industries)], [Pick(ProductCodes), Pick(ProductCodes)], _rnd.Next(1, 80));
            }
        }
    }

    private static readonly string[] ProductCodes = ["property", "cargo", "construction", "d-and-o", "vhi", "accident", "liability", "motor-fleet"];

    private string PersonName()
    {
        var g = _faker.PickRandom<Gender>();
        return $"{_faker.Name.LastName(g)} {_faker.Name.FirstName(g)} {(g == Gender.Male ? Pick(MalePatronymics) : Pick(FemalePatronymics))}";
    }

    /// <summary>
    /// Management rituals (diagnostics block 6): team 1's lead has the board on the office TV, opens the dashboard every
    /// working day and takes the weekly pack every Monday; team 2's lead stopped all of it three weeks ago and has no board.
    /// </summary>
    private void SeedRituals(CrmDbContext db, BoardToken board, int team1, int team2)
    {
        board.Seen(_now.AddMinutes(-5));
        foreach (var (team, from, to) in new[] { (team1, 0, 42), (team2, 21, 63) })
            for (var back = from; back < to; back++)
            {
                var day = _today.AddDays(-back);
                if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
                db.RitualMarks.Add(new RitualMark(team, RitualKind.Dashboard, day));
                if (day.DayOfWeek != DayOfWeek.Monday) continue;
                db.RitualMarks.Add(new RitualMark(team, RitualKind.WeeklyPack, day));
                db.RitualMarks.Add(new RitualMark(team, RitualKind.Reports, day));
            }
    }
}

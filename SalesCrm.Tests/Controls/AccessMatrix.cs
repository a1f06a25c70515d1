using System.Net;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// The access matrix, generated: every page and export × every role × own / foreign / underwriting record, each with
/// its expected allow or deny, against the real app in memory (prerendered pages, real sign-in). An allowed list export
/// holds only records the role may see (no IDOR through a query string). docs/features.md's roles: a manager sees their own,
/// a team lead the team's, head and admin everything, the underwriter only deals escalated to underwriting.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class AccessMatrix(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    private static readonly string[] Roles = ["admin", "head", "lead", "m1", "uw"];

    /// <summary>Path → expected outcome per role, in the order of <see cref="Roles"/> (A allow, D deny).</summary>
    private static readonly (string Path, string Expected)[] Matrix =
    [
        ("/", "AAAAA"),
        ("/dashboard", "AAADD"),
        ("/pipeline", "AAAAA"),
        ("/board", "AAAAA"),
        ("/leads", "AAAAA"),
        ("/deals", "AAAAA"),
        ("/deals/{m1deal}", "AAAAD"),
        ("/deals/{m5deal}", "AADDD"),
        ("/deals/{uwdeal}", "AADDA"),
        ("/clients", "AAAAA"),
        ("/clients/{m1client}", "AAAAD"),
        ("/clients/{m5client}", "AADDD"),
        ("/clients/{uwclient}", "AADDA"),
        ("/tasks", "AAAAA"),
        ("/tasks?assignee={m5}", "AADDD"),
        ("/approvals", "AAAAA"),
        ("/team", "AAADD"),
        ("/team/{m1}", "AAAAD"),
        ("/team/{m5}", "AADDD"),
        ("/reports", "AAADD"),
        ("/renewals", "AAAAD"),
        ("/quality", "AAADD"),
        ("/quality/merge?survivor={m5client}&duplicate={m5client2}", "AADDD"),
        ("/diagnostics", "AAADD"),
        ("/settings", "AAAAA"),
        ("/export/deals.xlsx", "AAAAA"),
        ("/export/deals.xlsx?owner={m5}", "AAAAA"),
        ("/export/clients.xlsx", "AAAAA"),
        ("/export/leads.xlsx", "AAAAA"),
        ("/export/approvals.xlsx", "AAAAA"),
        ("/export/renewals.xlsx", "AAAAD"),
        ("/export/report.xlsx", "AAADD"),
        ("/export/diagnostics.xlsx?before=2026-10&after=2026-11", "AAADD"),
    ];

    private sealed record Ids(Dictionary<string, int> Values, Dictionary<string, HashSet<int>> VisibleDeals, Dictionary<string, HashSet<int>> VisibleClients);

    private async Task<Ids> IdsAsync()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var managers = await db.Managers.ToDictionaryAsync(m => m.Email.Split('@')[0], m => m.Id);
        var team1 = await db.Managers.Where(m => m.Team!.Name == "Команда 1").Select(m => m.Id).ToListAsync();
        var uwDeals = await db.Deals.Where(d => db.ApprovalRequests.Any(a => a.DealId == d.Id && a.InvolvesUnderwriting)).Select(d => d.Id).ToListAsync();
        var uwClients = await db.Clients.Where(c => db.Deals.Any(d => d.ClientId == c.Id && uwDeals.Contains(d.Id))).Select(c => c.Id).ToListAsync();
        Assert.NotEmpty(uwDeals);
        // Records with a single, unambiguous owner: no deal of the client belongs to somebody else, no underwriting.
        async Task<int> DealOf(int owner) => await db.Deals.Where(d => d.OwnerId == owner && !uwDeals.Contains(d.Id)).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
        async Task<List<int>> ClientsOf(int owner) => await db.Clients
            .Where(c => c.OwnerId == owner && !uwClients.Contains(c.Id) && !db.Deals.Any(d => d.ClientId == c.Id && d.OwnerId != owner))
            .OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync();
        var m5Clients = await ClientsOf(managers["m5"]);
        var uwDeal = await db.Deals.Where(d => uwDeals.Contains(d.Id) && !team1.Contains(d.OwnerId)).OrderBy(d => d.Id).FirstAsync();
        var uwClient = await db.Clients.Where(c => c.Id == uwDeal.ClientId && !team1.Contains(c.OwnerId) && !db.Deals.Any(d => d.ClientId == c.Id && team1.Contains(d.OwnerId)))
            .Select(c => c.Id).SingleAsync();
        var values = new Dictionary<string, int>
        {
            ["m1"] = managers["m1"], ["m5"] = managers["m5"],
            ["m1deal"] = await DealOf(managers["m1"]), ["m5deal"] = await DealOf(managers["m5"]), ["uwdeal"] = uwDeal.Id,
            ["m1client"] = (await ClientsOf(managers["m1"]))[0], ["m5client"] = m5Clients[0], ["m5client2"] = m5Clients[1], ["uwclient"] = uwClient,
        };
        var allDeals = await db.Deals.Select(d => new { d.Id, d.OwnerId }).ToListAsync();
        var allClients = await db.Clients.Select(c => new { c.Id, c.OwnerId, Owners = db.Deals.Where(d => d.ClientId == c.Id).Select(d => d.OwnerId).ToList() }).ToListAsync();
        HashSet<int> Deals(Func<int, bool> owner) => allDeals.Where(d => owner(d.OwnerId)).Select(d => d.Id).ToHashSet();
        HashSet<int> Clients(Func<int, bool> owner) => allClients.Where(c => owner(c.OwnerId) || c.Owners.Any(owner)).Select(c => c.Id).ToHashSet();
        var lead = managers["lead"];
        return new Ids(values,
            new()
            {
                ["admin"] = Deals(_ => true), ["head"] = Deals(_ => true), ["lead"] = Deals(o => team1.Contains(o) || o == lead),
                ["m1"] = Deals(o => o == managers["m1"]), ["uw"] = [.. uwDeals],
            },
            new()
            {
                ["admin"] = Clients(_ => true), ["head"] = Clients(_ => true), ["lead"] = Clients(o => team1.Contains(o) || o == lead),
                ["m1"] = Clients(o => o == managers["m1"]), ["uw"] = [.. uwClients],
            });
    }

    private static string Fill(string path, Ids ids) =>
        ids.Values.OrderByDescending(kv => kv.Key.Length).Aggregate(path, (p, kv) => p.Replace("{" + kv.Key + "}", kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task EveryPageAndExportForEveryRoleIsAllowedOrDeniedAsExpectedAndExportsHoldOnlyVisibleRecords()
    {
        var ids = await IdsAsync();
        var wrong = new List<string>();
        for (var r = 0; r < Roles.Length; r++)
        {
            var role = Roles[r];
            var client = app.NewClient();
            var signIn = await CrmAppFactory.SignInAsync(client, role + "@demo.salescrm");
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            foreach (var (template, expected) in Matrix)
            {
                var path = Fill(template, ids);
                var response = await client.GetAsync(path);
                var allowed = await AllowedAsync(response);
                if (allowed != (expected[r] == 'A'))
                {
                    wrong.Add($"{role} {path}: expected {(expected[r] == 'A' ? "allow" : "deny")}, got {(int)response.StatusCode}{(allowed ? " allowed" : " denied")}");
                    continue;
                }
                if (!allowed || !path.StartsWith("/export/", StringComparison.Ordinal)) continue;
                var visible = path.StartsWith("/export/deals", StringComparison.Ordinal) ? ids.VisibleDeals[role]
                    : path.StartsWith("/export/clients", StringComparison.Ordinal) ? ids.VisibleClients[role] : null;
                if (visible is null) continue;
                var exported = await IdsInAsync(response);
                var leaked = exported.Where(id => !visible.Contains(id)).ToList();
                if (leaked.Count > 0) wrong.Add($"{role} {path}: exported records the role may not see: {string.Join(", ", leaked.Take(10))}");
                if (exported.Count == 0 && !path.Contains('?', StringComparison.Ordinal)) wrong.Add($"{role} {path}: an empty export proves nothing");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>Denied: sent to sign-in, 403, or the page's access-denied panel; allowed: the page or the workbook.</summary>
    private static async Task<bool> AllowedAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK) return false;
        if (response.Content.Headers.ContentType?.MediaType != "text/html") return true;
        return !(await response.Content.ReadAsStringAsync()).Contains("data-testid=\"access-denied\"", StringComparison.Ordinal);
    }

    /// <summary>The record numbers in the "№" column of an exported grid.</summary>
    private static async Task<List<int>> IdsInAsync(HttpResponseMessage response)
    {
        using var book = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = book.Worksheets.First();
        var header = sheet.RowsUsed().First(row => row.Cell(1).GetString() == "№");
        return sheet.RowsUsed().Where(row => row.RowNumber() > header.RowNumber()).Select(row => (int)row.Cell(1).GetDouble()).ToList();
    }

    [Fact]
    public async Task TheMachineEndpointsIgnoreTheSessionCookie()
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "admin@demo.salescrm");
        // The leads API wants its key and the telephony webhook its signature, whoever is signed in in the browser.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/leads", new StringContent("{\"phone\":\"+74951234567\"}",
            System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var telephony = await client.PostAsync("/api/telephony/events", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(telephony.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, telephony.StatusCode.ToString());
        // The hub refuses nobody signed in, and a forged board token.
        var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/hubs/live/negotiate?negotiateVersion=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync("/hubs/live/negotiate?negotiateVersion=1&access_token=forged", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/export/deals.xlsx")).StatusCode);
    }
}

using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Search;

namespace SalesCrm.Bench;

/// <summary>
/// The app bar's search on a bench dataset (<c>--search</c>): what a person types — part of a name, an INN, a phone's digits,
/// a deal's number, a word that matches nothing — as the head (everything) and as a manager (their own), each asked many
/// times. It prints the median and the 95th percentile of the time to the first results next to the floor (200 ms).
/// </summary>
public static class SearchBench
{
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(200);

    public static async Task<bool> RunAsync(int deals, int rounds = 30)
    {
        var ok = true;
        foreach (var email in new[] { "head@demo.salescrm", "m1@demo.salescrm" })
        {
            await using var app = await BenchServices.CreateAsync(DatabaseProvider.Sqlite, BenchData.ConnectionString(deals), async db =>
            {
                var me = await db.Managers.AsNoTracking().SingleAsync(m => m.Email == email);
                var team = me.TeamId is { } t ? await db.Managers.Where(m => m.TeamId == t).Select(m => m.Id).ToListAsync() : [];
                return new CurrentUser(me.Id, me.FullName, me.Email, me.Role, me.TeamId, team);
            });
            string[] terms;
            await using (var db = BenchData.Open(deals))
            {
                var client = await db.Clients.OrderBy(c => c.Id).Skip(deals / 20).Select(c => new { c.Name, c.Inn, c.Phone }).FirstAsync();
                var deal = await db.Deals.OrderBy(d => d.Id).Skip(deals / 2).Select(d => d.Id).FirstAsync();
                terms =
                [
                    client.Name.Split('«', '»', ' ').First(w => w.Length >= 5)[..5].ToLowerInvariant(), // part of a name
                    client.Inn![..6], // the start of an INN
                    new string(client.Phone!.Where(char.IsAsciiDigit).ToArray())[1..8], // a phone's digits
                    deal.ToString(System.Globalization.CultureInfo.InvariantCulture), // a deal's number
                    "щщщщ", // nothing
                ];
            }
            var search = app.Get<SearchService>();
            foreach (var term in terms)
            {
                await search.SearchAsync(term); // warm-up: plans and pages in memory
                var times = new List<double>();
                var found = 0;
                for (var i = 0; i < rounds; i++)
                {
                    var watch = Stopwatch.StartNew();
                    found = (await search.SearchAsync(term)).Count;
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var median = times[times.Count / 2];
                var p95 = times[(int)(times.Count * 0.95)];
                var pass = p95 <= Floor.TotalMilliseconds;
                ok &= pass;
                Console.WriteLine($"search {deals:N0} deals, {email,-20} «{term}»: {found,2} found, median {median,6:F1} ms, p95 {p95,6:F1} ms · floor {Floor.TotalMilliseconds:F0} ms: {(pass ? "PASS" : "FAIL")}");
            }
        }
        return ok;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Providers;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Bench;

/// <summary>
/// Load scenario for lead intake: the real web app is started as its own process on 127.0.0.1 on a copy
/// of the benchmark database; 50 concurrent clients post a burst of 10,000 new leads to POST /api/leads, 10 % of
/// them sent a second time with the same Idempotency-Key (shuffled in, so some retries race their original), after
/// 2,000 warm-up leads.
/// Checks afterwards in the database: 0 lost, 0 duplicated, all assigned. Prints throughput and latency percentiles
/// next to the goal (≥ 500 leads/s on SQLite on this 2-core machine).
/// </summary>
public static class LeadIntakeLoad
{
    private const double GoalLeadsPerSecond = 500;
    private const string Key = "bench-intake-key";

    public static async Task<bool> RunAsync(int deals, int leads = 10_000, int clients = 50, double resent = 0.10)
    {
        await using var server = await BenchServer.StartAsync(deals, new Dictionary<string, string>
        {
            ["Api__LeadsPerSecond"] = "1000000", ["Api__LeadsBurst"] = "1000000",
        }, PrepareAsync);
        return await BurstAsync(server.Url, server.ConnectionString, leads, clients, resent);
    }

    /// <summary>An API key for the bench, room for every lead at every manager, and both teams on automatic assignment.</summary>
    private static async Task PrepareAsync(string connection)
    {
        var options = CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(), new DatabaseOptions { ConnectionString = connection }).Options;
        await using var db = new SqliteCrmDbContext(options);
        await CrmDatabase.MigrateAsync(db);
        var head = await db.Managers.OrderBy(m => m.Id).Select(m => m.Id).FirstAsync();
        db.ApiKeys.Add(new ApiKey("Нагрузочный тест", Key, head, TimeProvider.System.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlRawAsync("UPDATE Managers SET Capacity = 1000000; UPDATE Teams SET AutoAssignLeads = 1;");
    }

    private static async Task<bool> BurstAsync(string baseUrl, string connection, int leads, int clients, double resent)
    {
        // Each lead once, and a tenth of them again with the same Idempotency-Key, shuffled.
        var rnd = new Random(42);
        var requests = Enumerable.Range(0, leads).Select(i => (Index: i, Retry: false)).ToList();
        requests.AddRange(Enumerable.Range(0, leads).OrderBy(_ => rnd.Next()).Take((int)(leads * resent)).Select(i => (Index: i, Retry: true)));
        var order = requests.OrderBy(_ => rnd.Next()).ToArray();
        var regions = new[] { "Москва", "Санкт-Петербург", "Московская область", "Тверская область", "Ленинградская область", null };
        var bodies = Enumerable.Range(0, leads).Select(i => JsonSerializer.SerializeToUtf8Bytes(new
        {
            company = $"ООО «Нагрузка {i}»",
            inn = Inn.Complete("91" + i.ToString("D7", CultureInfo.InvariantCulture)),
            email = $"load{i}@bench.example",
            region = regions[i % regions.Length],
            channel = "website",
            tags = new Dictionary<string, string> { ["utm_source"] = "bench" },
        })).ToArray();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
        // A server in production is warm: 2,000 other leads first, so the burst measures the steady state, not the JIT.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (var i = c; i < 2_000; i += clients)
            {
                using var warm = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
                {
                    Content = JsonContent.Create(new { company = $"Прогрев {i}", email = $"warm{i}@warmup.example", region = regions[i % regions.Length] }),
                };
                warm.Headers.Add("X-Api-Key", Key);
                (await http.SendAsync(warm)).EnsureSuccessStatusCode();
            }
        }));

        var latencies = new double[order.Length];
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var ids = new int[leads]; // 0 until the first answer
        var conflictingIds = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < order.Length)
            {
                var (index, _) = order[n];
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new ByteArrayContent(bodies[index]) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-Api-Key", Key);
                request.Headers.Add("Idempotency-Key", "bench-" + index.ToString(CultureInfo.InvariantCulture));
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                statuses.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();
                    var seen = Interlocked.CompareExchange(ref ids[index], id, 0);
                    if (seen != 0 && seen != id) Interlocked.Increment(ref conflictingIds);
                }
                else if (statuses[response.StatusCode] <= 3)
                {
                    Console.WriteLine($"  unexpected {(int)response.StatusCode}: {text}");
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;

        var options = CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(), new DatabaseOptions { ConnectionString = connection }).Options;
        await using var db = new SqliteCrmDbContext(options);
        var stored = await db.Leads.AsNoTracking().Where(l => l.Email != null && l.Email.EndsWith("@bench.example"))
            .Select(l => new { l.Id, l.Email, l.AssigneeId }).ToListAsync();
        var distinct = stored.Select(l => l.Email).Distinct().Count();
        var lost = leads - distinct;
        var duplicated = stored.Count - distinct;
        var unassigned = stored.Count(l => l.AssigneeId is null);
        var byManager = stored.GroupBy(l => l.AssigneeId).Count();

        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        var throughput = leads / seconds;
        Console.WriteLine();
        Console.WriteLine($"Lead intake burst: {leads:N0} leads + {order.Length - leads:N0} retries with the same Idempotency-Key, {clients} clients, SQLite ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"  answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key} × {s.Value:N0}"))}");
        Console.WriteLine($"  stored: {stored.Count:N0} leads, lost {lost}, duplicated {duplicated}, unassigned {unassigned}, retries answered with another id {conflictingIds}; spread over {byManager} managers");
        Console.WriteLine($"  wall {seconds:F1} s; throughput {throughput:F0} leads/s ({order.Length / seconds:F0} requests/s)   goal ≥ {GoalLeadsPerSecond:F0} leads/s");
        Console.WriteLine($"  latency p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {latencies[^1]:F1} ms");
        var ok = lost == 0 && duplicated == 0 && unassigned == 0 && conflictingIds == 0;
        Console.WriteLine(ok ? "  correctness: OK" : "  correctness: FAILED");
        return ok;
    }
}

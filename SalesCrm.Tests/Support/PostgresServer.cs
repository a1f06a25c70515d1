using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(SalesCrm.Tests.Support.PostgresServer))]

namespace SalesCrm.Tests.Support;

/// <summary>
/// A real, throw-away PostgreSQL server on 127.0.0.1 for this test run (initdb + pg_ctl from Debian's
/// PostgreSQL, which test.sh installs when it is missing). Started on first use, stopped and deleted at the end of the run.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The newest installed PostgreSQL server (Debian puts each major version in its own folder).</summary>
    private static readonly string BinDir = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) ?? ""
        : "";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _dir;
    private int _port;
    private bool _started;

    /// <summary>A new, empty database on the server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        await EnsureStartedAsync();
        var name = "crm_" + Guid.NewGuid().ToString("N")[..12];
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>A new, migrated database with a small demo dataset (the demo users, clients, deals, leads).</summary>
    public async Task<string> CreateDemoDatabaseAsync(int clients = 60, int deals = 160)
    {
        var connection = await CreateDatabaseAsync();
        await using var harness = await ServiceHarness.CreateAsync(connection, SalesCrm.Data.DatabaseProvider.PostgreSql);
        await new SalesCrm.Data.Demo.DemoDataGenerator(harness.Db, TimeProvider.System)
            .GenerateAsync(new SalesCrm.Data.Demo.DemoScale(Clients: clients, Deals: deals, ActivitiesPerDeal: 1, Leads: 10, ChunkSize: 500));
        return connection;
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Database={database};Username=postgres;Pooling=true;Include Error Detail=true";

    private async Task EnsureStartedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_started) return;
            if (BinDir.Length == 0)
                throw new InvalidOperationException(
                    "PostgreSQL is not installed. Run ./test.sh (it installs it), or: sudo apt-get install -y postgresql");
            _dir = Path.Combine(Path.GetTempPath(), "salescrm-pg-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(_dir);
            _port = FreePort();
            var asRoot = Environment.UserName == "root";
            if (asRoot) await RunAsync("chown", "postgres:postgres", _dir);
            await PgAsync(asRoot, $"{BinDir}/initdb -D {_dir} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
            await PgStartAsync();
            _started = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task PgStartAsync() => PgAsync(Environment.UserName == "root",
        $"{BinDir}/pg_ctl -D {_dir} -o \"-p {_port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" -l {_dir}/pg.log -w start");

    /// <summary>Stops the server (a database outage); <see cref="StartAgainAsync"/> brings it back on the same port and data.</summary>
    public async Task StopAsync()
    {
        await EnsureStartedAsync();
        await PgAsync(Environment.UserName == "root", $"{BinDir}/pg_ctl -D {_dir} -m fast -w stop");
    }

    public Task StartAgainAsync() => PgStartAsync();

    /// <summary>Runs a shell command as the postgres user (PostgreSQL refuses to run as root).</summary>
    private static Task PgAsync(bool asRoot, string command) =>
        asRoot ? RunAsync("su", "postgres", "-c", command) : RunAsync("/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(RealClock.For(info))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout} {await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_started || _dir is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgAsync(Environment.UserName == "root", $"{BinDir}/pg_ctl -D {_dir} -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}

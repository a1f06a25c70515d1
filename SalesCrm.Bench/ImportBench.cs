using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Imports;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Imports;
using SalesCrm.Domain.Teams;
using SalesCrm.Web.Services;

namespace SalesCrm.Bench;

/// <summary>
/// Moving a department from Bitrix24: <c>--import [--rows 100000]</c> writes Bitrix24's CSV exports (Windows-1251, «;»,
/// quoted, a trailing delimiter) of N deals with N/5 companies and N/2.5 contacts, then for SQLite and PostgreSQL imports them
/// into an empty department as the wizard does (read, plan, map, the import job in batches with its audit trail and table of
/// imported IDs) and, into another empty database, writes the same clients, contacts and deals with the demo generator's bulk
/// loader (one prepared INSERT per table, no audit, no bookkeeping). It prints rows per second of both, and the import's
/// time next to its floor.
/// </summary>
public static class ImportBench
{
    /// <summary>The floor: a department's 100 000 deals with their companies and contacts move in minutes, not hours.</summary>
    private static readonly TimeSpan Floor = TimeSpan.FromMinutes(10);

    private static readonly string[] Staff = ["Петров Иван Алексеевич", "Смирнова Ольга Дмитриевна", "Козлов Дмитрий Сергеевич", "Новикова Екатерина Андреевна"];
    private static readonly string[] Roots = ["Север", "Урал", "Балт", "Техно", "Агро", "Строй", "Мед", "Нефть", "Транс", "Энерго", "Фарм", "Лес", "Хим", "Рыб", "Порт", "Сталь", "Мега", "Волга", "Дон", "Сибирь"];
    private static readonly string[] Tails = ["сервис", "инвест", "групп", "трейд", "пром", "маш", "логистик", "холдинг", "снаб", "проект"];
    private static readonly string[] Stages = ["Новая", "В работе", "Подготовка документов", "Счёт на предоплату", "Финальный счёт", "Сделка успешна", "Сделка провалена"];
    private static readonly string[] Products = ["Имущество юрлиц", "Грузы", "ДМС", "НС сотрудников"];

    public static async Task<bool> RunAsync(int deals)
    {
        var folder = Path.Combine(BenchData.Folder, "import");
        Directory.CreateDirectory(folder);
        var watch = Stopwatch.StartNew();
        var files = Write(folder, deals);
        var rows = files.Sum(f => f.Rows);
        Console.WriteLine($"Bitrix24 exports: {deals:N0} deals, {deals / 5:N0} companies, {(int)(deals / 2.5):N0} contacts ({rows:N0} rows, {files.Sum(f => new FileInfo(f.Path).Length) / 1024 / 1024} MB) written in {watch.Elapsed.TotalSeconds:F0} s");
        var ok = true;
        ok &= await ProviderAsync(DatabaseProvider.Sqlite, name => Task.FromResult(Fresh(Path.Combine(folder, name + ".db"))), files, rows, deals);
        await using var postgres = new BenchPostgres();
        ok &= await ProviderAsync(DatabaseProvider.PostgreSql, _ => postgres.CreateDatabaseAsync(), files, rows, deals);
        return ok;
    }

    private static string Fresh(string file)
    {
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        return $"Data Source={file};Pooling=True";
    }

    private static async Task<bool> ProviderAsync(DatabaseProvider provider, Func<string, Task<string>> database, List<(string Path, int Rows)> files, int rows, int deals)
    {
        // The import as the wizard runs it: files read and recognised, planned, mapped, the job in batches.
        await using var app = await BenchServices.CreateAsync(provider, await database("import"), SeedStaffAsync);
        var reader = new CrmExportReader();
        var watch = Stopwatch.StartNew();
        var uploads = files.Select(f => File.ReadAllBytes(f.Path) is var bytes && reader.Read(Path.GetFileName(f.Path), bytes) is var (read, error)
            ? new ImportUpload(Path.GetFileName(f.Path), bytes, read ?? throw new InvalidOperationException(error)) : null!).ToList();
        var readAt = watch.Elapsed;
        var service = app.Get<CrmImportService>();
        var plan = await service.PlanAsync([.. uploads.Select(u => u.Rows)], false, "Europe/Moscow");
        var planAt = watch.Elapsed;
        var choices = await service.ChoicesAsync();
        var answers = await service.AnswersAsync(plan, choices);
        foreach (var key in answers.Keys.ToList()) answers[key] ??= choices.Of[key.Kind][0].Value;
        await service.SaveMappingsAsync(plan.Source, answers);
        var runId = await service.StartAsync(uploads, false, "Europe/Moscow");
        var startAt = watch.Elapsed;
        await app.Get<CrmImportJob>().RunAsync(runId);
        var total = watch.Elapsed;
        var run = (await service.FindRunAsync(runId))!;
        if (run.State != ImportRunState.Completed) throw new InvalidOperationException($"The import ended {run.State}: {run.Error}");

        // The same records written bare, into an empty database of the same provider.
        await using var bare = await BenchServices.CreateAsync(provider, await database("bare"), SeedStaffAsync);
        var bareTime = await BareAsync(bare, plan);

        var rate = rows / total.TotalSeconds;
        var bareRate = (double)run.Created / bareTime.TotalSeconds;
        var pass = total <= Floor;
        Console.WriteLine($"{provider,-10} import of {deals:N0} deals: {total.TotalSeconds,6:F1} s = {rate,7:N0} rows/s (read {readAt.TotalSeconds:F1} s, plan {(planAt - readAt).TotalSeconds:F1} s, " +
                          $"start {(startAt - planAt).TotalSeconds:F1} s, write {(total - startAt).TotalSeconds:F1} s; {run.Created:N0} records) · " +
                          $"bare bulk insert of the same {run.Created:N0} records: {bareTime.TotalSeconds:F1} s = {bareRate:N0} rows/s · " +
                          $"floor {Floor.TotalMinutes:F0} min: {(pass ? "PASS" : "FAIL")}");
        return pass;
    }

    /// <summary>The plan's clients, contacts and deals written with the bulk loader in chunks, parents first; nothing else.</summary>
    private static async Task<TimeSpan> BareAsync(BenchServices app, ImportPlan plan)
    {
        var contexts = app.Get<IProviderContextFactory>();
        int owner, product;
        Dictionary<StageCode, PipelineStage> stages;
        await using (var db = contexts.Create())
        {
            owner = db.Managers.Select(m => m.Id).First();
            product = db.Products.Select(p => p.Id).First();
            stages = db.Stages.ToDictionary(s => s.Code);
        }
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var loader = new BulkInsert();
        var watch = Stopwatch.StartNew();
        var companies = plan.Items.Where(i => i.Kind == ImportedKind.Company && i.Outcome == RowOutcome.New).ToList();
        var clientOf = new Dictionary<CompanyNode, int>();
        foreach (var chunk in companies.Chunk(5000))
        {
            await using var db = contexts.Create();
            db.BulkLoad = true;
            var made = new List<(PlanItem Item, Client Client)>();
            foreach (var item in chunk)
            {
                var row = item.Row!;
                var client = Client.FromLegacy(item.Name, row.Inn, null, row.Industry ?? "—", "—", ClientSegment.Small, owner, row.CreatedAt ?? now);
                client.SetContacts(row.Phones.FirstOrDefault(), row.Emails.FirstOrDefault(), row.Address);
                db.Clients.Add(client);
                made.Add((item, client));
            }
            await loader.SaveAsync(db, CancellationToken.None);
            foreach (var (item, client) in made) clientOf[item.Company!] = client.Id;
        }
        foreach (var chunk in plan.Items.Where(i => i.Kind == ImportedKind.Contact && i.Outcome == RowOutcome.New).Chunk(5000))
        {
            await using var db = contexts.Create();
            db.BulkLoad = true;
            var byClient = chunk.GroupBy(i => clientOf[i.Company!]).ToList();
            var ids = byClient.Select(g => g.Key).ToList();
            var clients = db.Clients.Where(c => ids.Contains(c.Id)).ToDictionary(c => c.Id);
            foreach (var group in byClient)
                foreach (var item in group)
                    clients[group.Key].AddContact(item.Name, item.Row!.Position, item.Row.Phones.FirstOrDefault(), item.Row.Emails.FirstOrDefault(), false, now);
            await loader.SaveAsync(db, CancellationToken.None);
        }
        foreach (var chunk in plan.Items.Where(i => i.Kind == ImportedKind.Deal && i.Outcome == RowOutcome.New).Chunk(5000))
        {
            await using var db = contexts.Create();
            db.BulkLoad = true;
            foreach (var item in chunk)
            {
                var row = item.Row!;
                db.Deals.Add(Deal.FromImport(clientOf[item.Company!], product, owner, new Money(row.AmountKopecks ?? 0), row.ExpectedCloseAt ?? now,
                    stages[StageCode.New], row.CreatedAt ?? now, null, "Битрикс24", owner, now)); // not UI text: the benchmark's data
            }
            await loader.SaveAsync(db, CancellationToken.None);
        }
        return watch.Elapsed;
    }

    /// <summary>The three files as Bitrix24 writes them; returns each file's path and number of data rows.</summary>
    private static List<(string Path, int Rows)> Write(string folder, int deals)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var encoding = Encoding.GetEncoding(1251);
        var random = new Random(26);
        var companies = deals / 5;
        var contacts = (int)(deals / 2.5);
        var names = new string[companies];
        var people = new string[contacts];
        var result = new List<(string, int)>();

        var path = Path.Combine(folder, "COMPANY.csv");
        using (var w = new StreamWriter(path, false, encoding))
        {
            w.Write("\"ID\";\"Название компании\";\"Тип компании\";\"Сфера деятельности\";\"Рабочий телефон\";\"Рабочий e-mail\";\"ИНН\";\"Ответственный\";\"Дата создания\";\"Адрес\";\r\n"); // not UI text: Bitrix24's columns
            for (var i = 0; i < companies; i++)
            {
                names[i] = $"ООО «{Roots[random.Next(Roots.Length)]}{Tails[random.Next(Tails.Length)]}-{i + 1}»"; // not UI text: the benchmark's data
                var inn = Inn.Complete((7_700_000_000L / 10 + i).ToString("D9", CultureInfo.InvariantCulture));
                w.Write(string.Create(CultureInfo.InvariantCulture, $"\"{i + 1}\";\"{names[i]}\";\"Клиент\";\"Производство\";\"+7 (495) {i / 10000 % 1000:D3}-{i / 100 % 100:D2}-{i % 100:D2}\";\"info{i}@example.ru\";\"{inn}\";\"{Staff[i % Staff.Length]}\";\"{1 + i % 28:D2}.{1 + i % 12:D2}.2024 10:30:00\";\"Москва\";\r\n")); // not UI text: the benchmark's data
            }
        }
        result.Add((path, companies));

        path = Path.Combine(folder, "CONTACT.csv");
        using (var w = new StreamWriter(path, false, encoding))
        {
            w.Write("\"ID\";\"Обращение\";\"Имя\";\"Отчество\";\"Фамилия\";\"Должность\";\"Компания\";\"Рабочий телефон\";\"Мобильный телефон\";\"Рабочий e-mail\";\"Ответственный\";\r\n"); // not UI text: Bitrix24's columns
            for (var i = 0; i < contacts; i++)
            {
                people[i] = $"Сотрудник{i + 1}"; // not UI text: the benchmark's data
                w.Write(string.Create(CultureInfo.InvariantCulture, $"\"{i + 1}\";\"\";\"Иван\";\"Петрович\";\"{people[i]}\";\"Финансовый директор\";\"{names[i % companies]}\";\"+7 (812) {i / 10000 % 1000:D3}-{i / 100 % 100:D2}-{i % 100:D2}\";\"+7 916 {i / 10000 % 1000:D3}-{i / 100 % 100:D2}-{i % 100:D2}, 8 926 {i / 10000 % 1000:D3}-{i / 100 % 100:D2}-{i % 100:D2}\";\"c{i}@example.ru\";\"{Staff[i % Staff.Length]}\";\r\n")); // not UI text: the benchmark's data
            }
        }
        result.Add((path, contacts));

        path = Path.Combine(folder, "DEAL.csv");
        var written = 0;
        using (var w = new StreamWriter(path, false, encoding))
        {
            w.Write("\"ID\";\"Название сделки\";\"Стадия сделки\";\"Воронка\";\"Сумма\";\"Валюта\";\"Ответственный\";\"Дата создания\";\"Предполагаемая дата закрытия\";\"Компания\";\"Контакт\";\"Товар\";\r\n"); // not UI text: Bitrix24's columns
            for (var i = 0; i < deals; i++)
            {
                var company = i % companies;
                // Every tenth deal has two products: Bitrix24 writes its row twice.
                var repeat = i % 10 == 0 ? 2 : 1;
                for (var r = 0; r < repeat; r++, written++)
                    w.Write(string.Create(CultureInfo.InvariantCulture, $"\"{i + 1}\";\"Сделка {i + 1}\";\"{Stages[i % Stages.Length]}\";\"Общая\";\"{random.Next(50, 5000) * 1000},00\";\"RUB\";\"{Staff[i % Staff.Length]}\";\"{1 + i % 28:D2}.{1 + i % 12:D2}.2025 12:00:00\";\"{1 + i % 28:D2}.{1 + i % 12:D2}.2026\";\"{names[company]}\";\"{people[company % contacts]} Иван Петрович\";\"{Products[(i + r) % Products.Length]}\";\r\n")); // not UI text: the benchmark's data
            }
        }
        result.Add((path, written));
        return result;
    }

    /// <summary>An empty department: the reference data, the head and four managers; the head is signed in.</summary>
    private static async Task<CurrentUser> SeedStaffAsync(CrmDbContext db)
    {
        await ReferenceData.EnsureAsync(db);
        var ids = new List<int>();
        foreach (var (name, i) in Staff.Prepend("Кузнецова Елена Викторовна").Select((n, i) => (n, i)))
        {
            var email = $"staff{i}@bench.salescrm";
            var account = new SalesCrm.Data.Identity.AppUser { UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant() };
            db.Users.Add(account);
            var manager = new Manager(account.Id, name, email, i == 0 ? StaffRole.Head : StaffRole.Manager, null, TimeProvider.System.GetUtcNow().UtcDateTime.AddYears(-1));
            db.Managers.Add(manager);
            await db.SaveChangesAsync();
            ids.Add(manager.Id);
        }
        return new CurrentUser(ids[0], "Кузнецова Елена Викторовна", "staff0@bench.salescrm", StaffRole.Head, null, []); // not UI text: the benchmark's data
    }

    /// <summary>A throw-away PostgreSQL server on 127.0.0.1 (Debian's initdb and pg_ctl; test.sh installs them), as the tests start one.</summary>
    private sealed class BenchPostgres : IAsyncDisposable
    {
        private string? _dir;
        private int _port;

        private static string BinDir => Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) ?? ""
            : "";

        public async Task<string> CreateDatabaseAsync()
        {
            if (_dir is null)
            {
                if (BinDir.Length == 0) throw new InvalidOperationException("PostgreSQL is not installed: sudo apt-get install -y postgresql");
                _dir = Path.Combine(Path.GetTempPath(), "salescrm-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(_dir);
                using (var listener = new TcpListener(IPAddress.Loopback, 0))
                {
                    listener.Start();
                    _port = ((IPEndPoint)listener.LocalEndpoint).Port;
                }
                if (Environment.UserName == "root") await RunAsync("chown", "postgres:postgres", _dir);
                await PgAsync($"{BinDir}/initdb -D {_dir} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
                await PgAsync($"{BinDir}/pg_ctl -D {_dir} -o \"-p {_port} -k {_dir} -c listen_addresses=127.0.0.1\" -l {_dir}/pg.log -w start");
            }
            var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={_port};Database=postgres;Username=postgres"))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            return $"Host=127.0.0.1;Port={_port};Database={name};Username=postgres;Pooling=true";
        }

        private static Task PgAsync(string command) =>
            Environment.UserName == "root" ? RunAsync("su", "postgres", "-c", command) : RunAsync("/bin/sh", "-c", command);

        private static async Task RunAsync(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await output} {await errors}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_dir is null) return;
            NpgsqlConnection.ClearAllPools();
            await PgAsync($"{BinDir}/pg_ctl -D {_dir} -m immediate -w stop");
            Directory.Delete(_dir, recursive: true);
        }
    }
}

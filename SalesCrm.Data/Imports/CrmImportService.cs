using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Imports;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Imports;

/// <summary>The choices of the mapping step: our stages, managers, products and lead statuses.</summary>
public sealed record ImportChoices(IReadOnlyDictionary<MappingKind, IReadOnlyList<MappingChoice>> Of);

/// <summary>An uploaded file: its name, bytes and rows.</summary>
public sealed record ImportUpload(string Name, byte[] Content, ExportFileRows Rows);

/// <summary>A run as the wizard shows it.</summary>
public sealed record ImportRunView(int Id, ExportSource Source, string StartedBy, DateTime StartedAt, DateTime? FinishedAt, ImportRunState State,
    bool Stalled, bool CanResume, int Total, int Done, int Created, int Matched, int Skipped, string? Notes, string? Error, IReadOnlyList<string> Files);

/// <summary>Runs waiting for the import worker of this node.</summary>
public sealed class ImportQueue
{
    private readonly Channel<int> _runs = Channel.CreateUnbounded<int>();

    public ValueTask EnqueueAsync(int runId, CancellationToken ct = default) => _runs.Writer.WriteAsync(runId, ct);

    public IAsyncEnumerable<int> ReadAllAsync(CancellationToken ct) => _runs.Reader.ReadAllAsync(ct);
}

/// <summary>
/// The import wizard's server side (the head and the admin only): the plan of uploaded files (the dry run), the mapping
/// step's choices, first guesses and saved answers, starting a run and resuming a stopped one, the runs so far.
/// </summary>
public sealed class CrmImportService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, ImportQueue queue,
    CrmOptions options, TimeProvider time)
{
    /// <summary>The zones a Russian portal or account writes its dates in.</summary>
    public static readonly IReadOnlyList<string> Zones =
    [
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk",
        "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
    ];

    public string DefaultZone => Zones.Contains(options.TimeZone.Id) ? options.TimeZone.Id : "Europe/Moscow";

    private Task<CurrentUser> RequireAsync(string what, CancellationToken ct) =>
        users.RequireRoleAsync(security, u => u.ConfiguresDepartment, "Import", what,
            "Импорт из другой CRM доступен начальнику отдела и администратору.", ct);

    public async Task<ImportChoices> ChoicesAsync(CancellationToken ct = default)
    {
        await RequireAsync("view", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.Order).ToListAsync(ct);
        var managers = await db.Managers.AsNoTracking()
            .Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead || m.Role == StaffRole.Head))
            .OrderBy(m => m.FullName).Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Where(p => p.IsActive).OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        return new ImportChoices(new Dictionary<MappingKind, IReadOnlyList<MappingChoice>>
        {
            [MappingKind.Stage] = [.. stages.Select(s => new MappingChoice(s.Code.ToString(), s.Name))],
            [MappingKind.User] = [.. managers.Select(m => new MappingChoice(m.Id.ToString(CultureInfo.InvariantCulture), m.FullName))],
            [MappingKind.Product] = [.. products.Select(p => new MappingChoice(p.Id.ToString(CultureInfo.InvariantCulture), p.Name))],
            [MappingKind.LeadStatus] = [.. new[] { LeadStatus.New, LeadStatus.InWork, LeadStatus.Disqualified }.Select(s => new MappingChoice(s.ToString(), s.Russian()))],
        });
    }

    /// <summary>The dry run: what the files would do now, with the mappings saved so far.</summary>
    public async Task<ImportPlan> PlanAsync(IReadOnlyList<ExportFileRows> files, bool conflictsAsNew, string zoneId, CancellationToken ct = default)
    {
        await RequireAsync("plan", ct);
        var zone = Zone(zoneId);
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = SourceOf(files);
        var mappings = await CrmImportBook.MappingsAsync(db, source, ct);
        return ImportPlanner.Plan(files, await CrmImportBook.LoadAsync(db, source, ct), mappings, conflictsAsNew, zone);
    }

    /// <summary>The saved answers for the values a plan needs, and first guesses for the others.</summary>
    public async Task<Dictionary<(MappingKind Kind, string External), string?>> AnswersAsync(ImportPlan plan, ImportChoices choices, CancellationToken ct = default)
    {
        await RequireAsync("plan", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var saved = await CrmImportBook.MappingsAsync(db, plan.Source, ct);
        return plan.Needed.Keys.ToDictionary(k => k, k => saved.TryGetValue(k, out var target) && Valid(choices, k.Kind, target)
            ? target : ImportGuesses.Guess(k.Kind, k.External, choices.Of[k.Kind]));
    }

    /// <summary>Keeps the answers of the mapping step for this and the next import; an answer that is not one of the choices is refused.</summary>
    public async Task SaveMappingsAsync(ExportSource source, IReadOnlyDictionary<(MappingKind Kind, string External), string?> answers, CancellationToken ct = default)
    {
        var user = await RequireAsync("map", ct);
        var choices = await ChoicesAsync(ct);
        foreach (var ((kind, external), target) in answers)
            if (target is not null && !Valid(choices, kind, target))
                throw new DomainException(new UserText("«{0}»: выберите значение из списка.", external.Length == 0 ? "—" : external));
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Actor = user.Actor;
        var existing = await db.ImportMappings.Where(m => m.Source == source).ToListAsync(ct);
        foreach (var ((kind, external), target) in answers)
        {
            if (target is null) continue;
            var key = ImportMapping.Key(external);
            var mapping = existing.FirstOrDefault(m => m.Kind == kind && m.External == key);
            if (mapping is null) db.ImportMappings.Add(new ImportMapping(source, kind, key, target, now));
            else if (mapping.Target != target) mapping.Retarget(target, now);
        }
        await db.SaveChangesAsync(ct);
    }

    private static bool Valid(ImportChoices choices, MappingKind kind, string target) =>
        choices.Of[kind].Any(c => c.Value == target) || (target == ImportMapping.Skip && kind is MappingKind.Stage or MappingKind.LeadStatus);

    /// <summary>
    /// Starts the import of the uploaded files: planned again (the mappings must be complete), kept with the run so that it
    /// can be resumed, and handed to the import worker. Returns the run's id.
    /// </summary>
    public async Task<int> StartAsync(IReadOnlyList<ImportUpload> files, bool conflictsAsNew, string zoneId, CancellationToken ct = default)
    {
        var user = await RequireAsync("run", ct);
        var plan = await PlanAsync([.. files.Select(f => f.Rows)], conflictsAsNew, zoneId, ct);
        if (plan.Unmapped.Count > 0) throw new DomainException(new UserText("Сопоставьте все значения: осталось {0}.", plan.Unmapped.Count));
        if (!plan.Work.Any()) throw new DomainException("Нечего импортировать: все строки уже в SalesCrm или не приняты.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var running = await db.ImportRuns.AsNoTracking().Where(r => r.State == ImportRunState.Running).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (running.Any(r => !r.IsStalled(now))) throw new DomainException("Уже идёт другой импорт — дождитесь его окончания.");
        var run = new ImportRun(plan.Source, user.ManagerId, user.FullName, Zone(zoneId).Id, conflictsAsNew, now);
        foreach (var file in files) run.AddFile(file.Name, file.Rows.Export.Kind, file.Content);
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(run.Id, ct);
        return run.Id;
    }

    /// <summary>Resumes a run stopped by an error or a restart: what it wrote stays, the rest is written.</summary>
    public async Task ResumeAsync(int runId, CancellationToken ct = default)
    {
        await RequireAsync("run", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.ImportRuns.SingleOrDefaultAsync(r => r.Id == runId, ct) ?? throw new NotFoundException("Импорт не найден.");
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.ImportRuns.AnyAsync(r => r.Id != runId && r.State == ImportRunState.Running && r.HeartbeatAt > now - ImportRun.StallAfter, ct))
            throw new DomainException("Уже идёт другой импорт — дождитесь его окончания.");
        run.Resume(now);
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(run.Id, ct);
    }

    public async Task<IReadOnlyList<ImportRunView>> RunsAsync(CancellationToken ct = default)
    {
        await RequireAsync("view", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var runs = await db.ImportRuns.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(20)
            .Select(r => new { Run = r, Files = r.Files.Select(f => f.Name).ToList() }).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return [.. runs.Select(r => View(r.Run, r.Files, now))];
    }

    public async Task<ImportRunView?> FindRunAsync(int runId, CancellationToken ct = default)
    {
        await RequireAsync("view", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.ImportRuns.AsNoTracking().Where(r => r.Id == runId)
            .Select(r => new { Run = r, Files = r.Files.Select(f => f.Name).ToList() }).SingleOrDefaultAsync(ct);
        return run is null ? null : View(run.Run, run.Files, time.GetUtcNow().UtcDateTime);
    }

    private static ImportRunView View(ImportRun r, List<string> files, DateTime now) =>
        new(r.Id, r.Source, r.StartedByName, r.StartedAt, r.FinishedAt, r.State, r.IsStalled(now), r.CanResume(now), r.Total, r.Done, r.Created,
            r.Matched, r.Skipped, r.Notes, r.Error, files);

    private static ExportSource SourceOf(IReadOnlyList<ExportFileRows> files)
    {
        if (files.Count == 0) throw new DomainException("Добавьте хотя бы один файл выгрузки.");
        return files[0].Export.Source;
    }

    private static TimeZoneInfo Zone(string zoneId) =>
        Zones.Contains(zoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)
            ? zone
            : throw new DomainException("Выберите часовой пояс, в котором CRM записывала даты.");
}

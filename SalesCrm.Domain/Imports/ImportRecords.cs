using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Imports;

/// <summary>What an imported row becomes in SalesCrm.</summary>
public enum ImportedKind
{
    Company = 1,
    Contact = 2,
    Deal = 3,
    Lead = 4,
}

/// <summary>What cannot be guessed from the files and is asked of the person importing, then kept for the next import.</summary>
public enum MappingKind
{
    /// <summary>Their pipeline stage (with the pipeline's name when the file has one) → our <see cref="Deals.StageCode"/>.</summary>
    Stage = 1,
    /// <summary>Their user («Ответственный») → our manager's id.</summary>
    User = 2,
    /// <summary>Their product → our product's id.</summary>
    Product = 3,
    /// <summary>Their lead status → our <see cref="Leads.LeadStatus"/>.</summary>
    LeadStatus = 4,
}

public enum ImportRunState
{
    Running = 1,
    /// <summary>Stopped by an error or a restart: the batches written stay, the run can be resumed.</summary>
    Failed = 2,
    Completed = 3,
}

/// <summary>One saved answer of the mapping step: their <see cref="External"/> value means our <see cref="Target"/>.</summary>
public sealed class ImportMapping
{
    /// <summary>The target of a stage or lead status that is not carried over (e.g. a test pipeline, converted leads).</summary>
    public const string Skip = "skip";

    private ImportMapping() { }

    public ImportMapping(ExportSource source, MappingKind kind, string external, string target, DateTime now)
    {
        Source = source;
        Kind = kind;
        External = Key(external);
        Retarget(target, now);
    }

    public int Id { get; private set; }
    public ExportSource Source { get; private set; }
    public MappingKind Kind { get; private set; }
    /// <summary>Their value as compared (<see cref="Key"/>); empty for rows that leave it blank.</summary>
    public string External { get; private set; } = "";
    public string Target { get; private set; } = "";
    public DateTime UpdatedAt { get; private set; }

    public void Retarget(string target, DateTime now)
    {
        Target = Guard.Required(target, nameof(Target), "Сопоставление", 50);
        UpdatedAt = now;
    }

    /// <summary>A value as it is matched between imports: trimmed, spaces collapsed, at most 300 characters.</summary>
    public static string Key(string? value)
    {
        var text = string.Join(' ', (value ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 300 ? text[..300] : text;
    }
}

/// <summary>
/// A record of the CRM a team left, and what it is in SalesCrm: the same external record is never written twice, so an
/// import run again or resumed after a failure adds nothing that is already here.
/// </summary>
public sealed class ImportedRecord
{
    private ImportedRecord() { }

    public ImportedRecord(ExportSource source, ImportedKind kind, string externalId, int entityId, bool matched, int runId, string file, int line, DateTime at)
    {
        Source = source;
        Kind = kind;
        ExternalId = externalId.Length > 200 ? externalId[..200] : externalId;
        EntityId = entityId;
        Matched = matched;
        RunId = runId;
        File = file.Length > 260 ? file[..260] : file;
        Line = line;
        ImportedAt = at;
    }

    public long Id { get; private set; }
    public ExportSource Source { get; private set; }
    public ImportedKind Kind { get; private set; }
    /// <summary>Their ID; for a record without one, a key made of what identifies it (see <see cref="ImportPlanner"/>).</summary>
    public string ExternalId { get; private set; } = "";
    /// <summary>The client, contact, deal or lead it is in SalesCrm.</summary>
    public int EntityId { get; private set; }
    /// <summary>It was found already in SalesCrm (matched), rather than created by the import.</summary>
    public bool Matched { get; private set; }
    public int RunId { get; private set; }
    public string File { get; private set; } = "";
    public int Line { get; private set; }
    public DateTime ImportedAt { get; private set; }
}

/// <summary>
/// One import: its files (kept so that a failed run can be resumed), who started it, and how far it got. Each batch of
/// records is written in one transaction with the run's progress, so the progress never counts a record that is not there.
/// </summary>
public sealed class ImportRun
{
    /// <summary>A running import that has not written a batch for this long was stopped (the app restarted): it may be resumed.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromMinutes(2);

    private readonly List<ImportFile> _files = [];

    private ImportRun() { }

    public ImportRun(ExportSource source, int? startedById, string startedByName, string timeZoneId, bool conflictsAsNew, DateTime now)
    {
        Source = source;
        StartedById = startedById;
        StartedByName = startedByName;
        TimeZoneId = timeZoneId;
        ConflictsAsNew = conflictsAsNew;
        StartedAt = now;
        HeartbeatAt = now;
        State = ImportRunState.Running;
    }

    public int Id { get; private set; }
    public ExportSource Source { get; private set; }
    public int? StartedById { get; private set; }
    public string StartedByName { get; private set; } = "";
    /// <summary>The zone the CRM wrote its dates in.</summary>
    public string TimeZoneId { get; private set; } = "";
    /// <summary>Conflicting rows are imported as new records (the duplicates page shows them) rather than left out.</summary>
    public bool ConflictsAsNew { get; private set; }
    public ImportRunState State { get; private set; }
    /// <summary>Records the run writes or links (new and matched); refused and left-out rows are not counted.</summary>
    public int Total { get; private set; }
    public int Done { get; private set; }
    public int Created { get; private set; }
    public int Matched { get; private set; }
    /// <summary>Rows the database would not take when it came to writing them (the reasons are in <see cref="Notes"/>).</summary>
    public int Skipped { get; private set; }
    public string? Notes { get; private set; }
    public DateTime StartedAt { get; private set; }
    public DateTime HeartbeatAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<ImportFile> Files => _files;

    public bool IsStalled(DateTime now) => State == ImportRunState.Running && now - HeartbeatAt > StallAfter;

    public bool CanResume(DateTime now) => State == ImportRunState.Failed || IsStalled(now);

    public void AddFile(string name, ExportKind kind, byte[] content)
    {
        if (content.Length == 0) throw new DomainException("Файл пуст.");
        _files.Add(new ImportFile(name, kind, content));
    }

    /// <summary>The plan is made: <paramref name="remaining"/> records are still to write or link.</summary>
    public void Begin(int remaining, DateTime now)
    {
        Total = Done + remaining;
        HeartbeatAt = now;
    }

    /// <summary>A batch written: <paramref name="created"/> new records and <paramref name="matched"/> linked to existing ones.</summary>
    public void Advance(int created, int matched, IReadOnlyList<string> skipped, DateTime now)
    {
        Created += created;
        Matched += matched;
        Skipped += skipped.Count;
        if (skipped.Count > 0 && (Notes?.Length ?? 0) < 1800)
        {
            var notes = string.Join("\n", new[] { Notes }.Concat(skipped).Where(n => n is not null));
            Notes = notes.Length > 2000 ? notes[..2000] : notes;
        }
        Done = Math.Min(Total, Done + created + matched + skipped.Count);
        HeartbeatAt = now;
    }

    /// <summary>A stopped run goes on: what is already written is found by the new plan and not written again.</summary>
    public void Resume(DateTime now)
    {
        if (!CanResume(now))
            throw new DomainException(State == ImportRunState.Completed ? "Импорт уже завершён." : "Импорт ещё идёт.");
        State = ImportRunState.Running;
        Error = null;
        FinishedAt = null;
        HeartbeatAt = now;
    }

    public void Fail(string error, DateTime now)
    {
        State = ImportRunState.Failed;
        Error = error.Length > 2000 ? error[..2000] : error;
        FinishedAt = now;
    }

    public void Complete(DateTime now)
    {
        State = ImportRunState.Completed;
        Done = Total;
        FinishedAt = now;
    }
}

/// <summary>An import wrote a batch (or finished): the wizard's progress bar and, at the end, every page with figures read again.</summary>
public sealed record ImportProgressed(int RunId, bool Finished, DateTime OccurredAt) : IDomainEvent;

/// <summary>A file of an import, as uploaded.</summary>
public sealed class ImportFile
{
    private ImportFile() { }

    internal ImportFile(string name, ExportKind kind, byte[] content)
    {
        Name = Guard.Required(name, nameof(Name), "Имя файла", 260);
        Kind = kind;
        Content = content;
    }

    public int Id { get; private set; }
    public int RunId { get; private set; }
    public string Name { get; private set; } = "";
    public ExportKind Kind { get; private set; }
    public byte[] Content { get; private set; } = [];
}

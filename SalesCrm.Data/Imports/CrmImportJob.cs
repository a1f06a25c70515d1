using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SalesCrm.Data.Common;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Imports;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Imports;

/// <summary>Reads an uploaded export file into rows and recognises it; the web layer reads CSV, .xlsx and Bitrix24's HTML "Excel".</summary>
public interface IExportFileReader
{
    (ExportFileRows? File, string? Error) Read(string name, byte[] content);
}

/// <summary>
/// Carries out an import run: the plan made again from the run's files (so a resumed run finds what is already written and
/// writes the rest), then the records in batches of one kind — companies, contacts, deals, leads — each batch with its table
/// of imported IDs and the run's progress in one transaction. A batch the database refuses is rolled back whole and stops
/// the run, which can be resumed; the same records of the CRM are never written twice (the unique index of
/// <see cref="ImportedRecord"/>). Every record is audited in the name of the person who started the import, with the CRM it
/// came from.
/// </summary>
public sealed partial class CrmImportJob(IProviderContextFactory contexts, IExportFileReader reader, IDomainEventPublisher events,
    TimeProvider time, ILogger<CrmImportJob> logger)
{
    public const int BatchSize = 500;

    public async Task RunAsync(int runId, CancellationToken ct = default)
    {
        ImportRun run;
        await using (var db = contexts.Create())
            run = await db.ImportRuns.Include(r => r.Files).AsNoTracking().SingleAsync(r => r.Id == runId, ct);
        try
        {
            await ExecuteAsync(run, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFailed(logger, ex, runId);
            var message = ex switch
            {
                DomainException d => d.Message,
                DbUpdateException when ex.InnerException?.Message.Contains("ImportedRecords", StringComparison.OrdinalIgnoreCase) == true
                    => "Эти записи одновременно импортирует другой запуск. Дождитесь его и продолжите этот импорт — повторов не будет.",
                _ => "Импорт остановлен ошибкой базы данных. Записанные пачки сохранены; продолжите импорт — он допишет остальное.",
            };
            await SetStateAsync(runId, r => r.Fail(message, time.GetUtcNow().UtcDateTime), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await SetStateAsync(runId, r => r.Fail("Импорт прерван остановкой приложения. Продолжите его — он допишет остальное.", time.GetUtcNow().UtcDateTime),
                CancellationToken.None);
        }
        await events.PublishAsync([new ImportProgressed(runId, true, time.GetUtcNow().UtcDateTime)], CancellationToken.None);
    }

    private async Task ExecuteAsync(ImportRun run, CancellationToken ct)
    {
        var files = new List<ExportFileRows>();
        foreach (var file in run.Files)
        {
            var (rows, error) = reader.Read(file.Name, file.Content);
            if (rows is null) throw new DomainException(new UserText("{0}: {1}", file.Name, error));
            files.Add(rows);
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(run.TimeZoneId);
        ImportPlan plan;
        Dictionary<(MappingKind, string), string> mappings;
        List<PipelineStage> stages;
        await using (var db = contexts.Create())
        {
            mappings = await CrmImportBook.MappingsAsync(db, run.Source, ct);
            plan = ImportPlanner.Plan(files, await CrmImportBook.LoadAsync(db, run.Source, ct), mappings, run.ConflictsAsNew, zone);
            stages = await db.Stages.AsNoTracking().ToListAsync(ct);
        }
        if (plan.Unmapped.Count > 0)
            throw new DomainException(new UserText("Не всё сопоставлено: {0}. Откройте мастер импорта и сопоставьте.",
                string.Join(", ", plan.Unmapped.Take(5).Select(u => $"«{(u.External.Length == 0 ? "—" : u.External)}»"))));
        var work = plan.Work.ToList();
        await SetStateAsync(run.Id, r => r.Begin(work.Count, time.GetUtcNow().UtcDateTime), ct);
        var context = new BatchContext(run, plan, mappings, stages.ToDictionary(s => s.Code), Sources.Russian(run.Source));
        foreach (var batch in Batches(work))
        {
            ct.ThrowIfCancellationRequested();
            await WriteBatchAsync(context, batch, ct);
            await events.PublishAsync([new ImportProgressed(run.Id, false, time.GetUtcNow().UtcDateTime)], ct);
        }
        await SetStateAsync(run.Id, r => r.Complete(time.GetUtcNow().UtcDateTime), ct);
    }

    private sealed record BatchContext(ImportRun Run, ImportPlan Plan, Dictionary<(MappingKind, string), string> Mappings,
        Dictionary<StageCode, PipelineStage> Stages, string SourceName)
    {
        public HashSet<(ImportedKind, string)> Recorded { get; } = [];

        public int? Manager(string? key) =>
            key is not null && Mappings.TryGetValue((MappingKind.User, key), out var id) && int.TryParse(id, CultureInfo.InvariantCulture, out var m) ? m : null;
    }

    /// <summary>Batches of one kind each, in the plan's order (companies before their contacts and deals).</summary>
    private static IEnumerable<List<PlanItem>> Batches(List<PlanItem> work)
    {
        var batch = new List<PlanItem>(BatchSize);
        foreach (var item in work)
        {
            if (batch.Count == BatchSize || (batch.Count > 0 && batch[0].Kind != item.Kind))
            {
                yield return batch;
                batch = new List<PlanItem>(BatchSize);
            }
            batch.Add(item);
        }
        if (batch.Count > 0) yield return batch;
    }

    private async Task WriteBatchAsync(BatchContext context, List<PlanItem> batch, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = contexts.Create();
        db.Actor = new Actor(context.Run.StartedById, $"{context.Run.StartedByName} (импорт из {context.SourceName})"); // not UI text: the audit trail's name of the actor
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = new List<(PlanItem Item, object Entity)>();
        var skipped = new List<string>();
        var clients = await ClientsOfAsync(db, batch, ct);
        foreach (var item in batch)
        {
            try
            {
                var entity = Write(db, context, item, clients, now);
                if (entity is not null) created.Add((item, entity));
            }
            catch (DomainException ex)
            {
                skipped.Add($"{item.File}, строка {item.Line}: {ex.Message}"); // not UI text: the run's notes, kept as written
                item.EntityId = null;
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var (item, entity) in created) item.EntityId = entity is Contact c ? c.Id : ((Entity)entity).Id;
        var linked = 0;
        var written = created.Select(c => c.Item).ToHashSet();
        foreach (var item in batch)
        {
            if (!written.Contains(item))
            {
                // A link: to a record of SalesCrm, or to one this import wrote (in this batch too, so only now is its id known).
                item.EntityId = LinkedId(item);
                if (item.EntityId is null)
                {
                    if (!skipped.Any(s => s.StartsWith($"{item.File}, строка {item.Line}:", StringComparison.Ordinal))) // not UI text: the run's notes
                        skipped.Add($"{item.File}, строка {item.Line}: запись, с которой она совпала, не записана."); // not UI text: the run's notes, kept as written
                    continue;
                }
                linked++;
            }
            var id = item.EntityId!.Value;
            if (item.ExternalId.Length == 0 || !context.Recorded.Add((item.Kind, item.ExternalId))) continue;
            db.ImportedRecords.Add(new ImportedRecord(context.Plan.Source, item.Kind, item.ExternalId, id, !item.Creates(context.Plan.ConflictsAsNew),
                context.Run.Id, item.File, item.Line, now));
        }
        var run = await db.ImportRuns.SingleAsync(r => r.Id == context.Run.Id, ct);
        run.Advance(created.Count, linked, skipped, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The clients a batch writes to: a matched company's blanks are filled, a contact is added to its company.</summary>
    private static async Task<Dictionary<int, Client>> ClientsOfAsync(CrmDbContext db, List<PlanItem> batch, CancellationToken ct)
    {
        var ids = batch.Where(i => i.Kind is ImportedKind.Company or ImportedKind.Contact && i.Outcome is not RowOutcome.Imported)
            .Select(i => i.Kind == ImportedKind.Company && i.Outcome == RowOutcome.Matched ? i.Company?.ClientId : i.Kind == ImportedKind.Contact ? i.Company?.ClientId : null)
            .OfType<int>().Distinct().ToList();
        var clients = new Dictionary<int, Client>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var client in await db.Clients.Where(c => chunk.Contains(c.Id)).ToListAsync(ct))
                clients[client.Id] = client;
        return clients;
    }

    /// <summary>The record an item creates (added to <paramref name="db"/>), or null when it links to one that exists.</summary>
    private static object? Write(CrmDbContext db, BatchContext context, PlanItem item, Dictionary<int, Client> clients, DateTime now)
    {
        var row = item.Row!;
        var creates = item.Creates(context.Plan.ConflictsAsNew);
        switch (item.Kind)
        {
            case ImportedKind.Company when creates:
                var owner = context.Manager(item.UserKey) ?? throw new DomainException("Не сопоставлен ответственный.");
                var client = Client.FromLegacy(item.Name, row.Inn, null, row.Industry ?? "Не указана", "Не указан", ClientSegment.Small, owner,
                    row.CreatedAt ?? now);
                client.SetContacts(row.Phones.FirstOrDefault(), row.Emails.FirstOrDefault(), row.Address);
                db.Clients.Add(client);
                return client;
            case ImportedKind.Company:
                if (row.IsCompany && item.Company?.ClientId is { } knownId && clients.TryGetValue(knownId, out var known))
                    known.FillBlanks(row.Inn, row.Phones.FirstOrDefault(), row.Emails.FirstOrDefault(), row.Address);
                return null;
            case ImportedKind.Contact when creates:
                var clientId = item.Company?.ClientId ?? throw new DomainException("Компания контакта не записана.");
                if (!clients.TryGetValue(clientId, out var company)) throw new DomainException("Компания контакта не найдена.");
                return company.AddContact(item.Name, row.Position, row.Phones.FirstOrDefault(), row.Emails.FirstOrDefault(), false, now);
            case ImportedKind.Contact:
                return null;
            case ImportedKind.Deal:
                var stageCode = Enum.Parse<StageCode>(context.Mappings[(MappingKind.Stage, item.StageKey!)]);
                var product = int.Parse(context.Mappings[(MappingKind.Product, item.ProductKey!)], CultureInfo.InvariantCulture);
                var dealOwner = context.Manager(item.UserKey) ?? throw new DomainException("Не сопоставлен ответственный.");
                var created = row.CreatedAt ?? now;
                var deal = Deal.FromImport(item.Company?.ClientId ?? throw new DomainException("Компания сделки не записана."), product, dealOwner,
                    new Money(row.AmountKopecks ?? 0), row.ExpectedCloseAt ?? row.ClosedAt ?? created, context.Stages[stageCode], created, row.ClosedAt,
                    context.SourceName, context.Run.StartedById ?? dealOwner, now);
                db.Deals.Add(deal);
                return deal;
            case ImportedKind.Lead when creates:
                var status = Enum.Parse<LeadStatus>(context.Mappings[(MappingKind.LeadStatus, item.StageKey!)]);
                var lead = Lead.FromImport(ChannelOf(row.Source), row.CompanyName, Inn.IsValid(row.Inn) ? row.Inn : null, row.ContactName,
                    row.Phones.FirstOrDefault(), row.Emails.FirstOrDefault(), row.Comment, status, context.Manager(item.UserKey), row.CreatedAt ?? now,
                    row.ClosedAt, context.SourceName);
                db.Leads.Add(lead);
                if (lead.IsOpen)
                    foreach (var key in lead.DedupKeys()) db.LeadDedupKeys.Add(new LeadDedupKey(key, lead));
                return lead;
            default:
                return null;
        }
    }

    private static int? LinkedId(PlanItem item) => item.Kind switch
    {
        ImportedKind.Company => item.Company?.ClientId,
        ImportedKind.Contact => item.SameContact?.ExistingId ?? item.SameContact?.Item?.EntityId ?? item.ExistingId,
        ImportedKind.Lead => item.ExistingId ?? item.SameAs?.EntityId,
        _ => null,
    };

    /// <summary>Bitrix24's and amoCRM's usual sources, as our channels; anything else is a campaign.</summary>
    private static LeadChannel ChannelOf(string? source) => CrmExports.Normalize(source) switch
    {
        var s when s.Contains("сайт") || s.Contains("форма") || s.Contains("web") => LeadChannel.Website, // not UI text: the CRMs' source names
        var s when s.Contains("звонок") || s.Contains("телефон") => LeadChannel.Phone, // not UI text: the CRMs' source names
        var s when s.Contains("mail") || s.Contains("почта") => LeadChannel.Email, // not UI text: the CRMs' source names
        var s when s.Contains("рекоменд") => LeadChannel.Referral, // not UI text: the CRMs' source names
        var s when s.Contains("партн") => LeadChannel.Partner, // not UI text: the CRMs' source names
        var s when s.Contains("telegram") || s.Contains("whatsapp") || s.Contains("чат") || s.Contains("мессенджер") => LeadChannel.Messenger, // not UI text: the CRMs' source names
        _ => LeadChannel.Campaign,
    };

    private async Task SetStateAsync(int runId, Action<ImportRun> change, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var run = await db.ImportRuns.SingleAsync(r => r.Id == runId, ct);
        change(run);
        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import run {RunId} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, int runId);
}

/// <summary>The names of the CRMs a team leaves.</summary>
public static class Sources
{
    public static string Russian(ExportSource source) => source switch
    {
        ExportSource.Bitrix24 => "Битрикс24",
        ExportSource.AmoCrm => "amoCRM",
        _ => source.ToString(),
    };
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>One row of a SPARK export: the INN and its three risk indices as written in the file.</summary>
public sealed record RiskRow(int Line, string? Inn, string? DueDiligence, string? FinancialRisk, string? PaymentDiscipline);

/// <summary>What an import did: clients updated, INNs that are not our clients, and rows refused with why.</summary>
public sealed record RiskImportReport(int Rows, int Updated, IReadOnlyList<string> UnknownInns, IReadOnlyList<(int Line, string Message)> Errors)
{
    public bool Imported => Errors.Count == 0 && Rows > 0;
}

/// <summary>
/// Counterparty risk from SPARK (docs/features.md): an export with the INN and the due-diligence, financial-risk
/// and payment-discipline indices updates the matching clients' indices, risk level, source and date, so every
/// "high-risk client" filter uses them. Every row is checked first; a bad row refuses the file with a report; INNs that
/// are not clients are listed, not an error.
/// </summary>
public sealed class CounterpartyRiskService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, Common.SecurityLog security,
    HttpRiskProvider provider)
{
    public const string SparkSource = "СПАРК";

    /// <summary>Rows per file: a SPARK export of a whole region is split by the user rather than checked for minutes.</summary>
    public const int MaxRows = 50_000;

    public async Task<RiskImportReport> ImportAsync(IReadOnlyList<RiskRow> rows, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.ImportsRisk)
        {
            await security.AccessDeniedAsync(user.Actor, "Client", "", "risk import", ct);
            throw new AccessDeniedException("Импорт рисков контрагентов доступен старшему менеджеру и начальнику отдела.");
        }
        if (rows.Count == 0) return new RiskImportReport(0, 0, [], [(0, "В файле нет строк с данными.")]);
        if (rows.Count > MaxRows) return new RiskImportReport(rows.Count, 0, [], [(0, $"В файле {rows.Count} строк — за раз можно не больше {MaxRows}.")]);

        var errors = new List<(int, string)>();
        var parsed = new List<(string Inn, RiskIndices Indices)>();
        foreach (var r in rows)
        {
            var innError = Inn.Validate(r.Inn);
            var dd = RiskIndexValue.Parse(r.DueDiligence, "индекс должной осмотрительности");
            var fr = RiskIndexValue.Parse(r.FinancialRisk, "индекс финансового риска");
            var pd = RiskIndexValue.Parse(r.PaymentDiscipline, "индекс платёжной дисциплины");
            var problems = new[] { innError is null ? null : "ИНН: " + innError, dd.Error, fr.Error, pd.Error }.OfType<string>().ToList();
            if (problems.Count > 0) errors.Add((r.Line, string.Join(" ", problems)));
            else parsed.Add((r.Inn!.Trim(), new RiskIndices(dd.Value, fr.Value, pd.Value)));
        }
        if (errors.Count > 0) return new RiskImportReport(rows.Count, 0, [], errors);

        await using var db = await factory.CreateDbContextAsync(ct);
        var inns = parsed.Select(p => p.Inn).Distinct().ToList();
        var clients = await db.Clients.VisibleTo(user, db).Where(c => c.Inn != null && inns.Contains(c.Inn)).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var client in clients)
            client.UpdateRisk(parsed.Last(p => p.Inn == client.Inn).Indices, SparkSource, now);
        await db.SaveChangesAsync(ct);
        var known = clients.Select(c => c.Inn!).ToHashSet();
        return new RiskImportReport(rows.Count, clients.Count, inns.Where(i => !known.Contains(i)).ToList(), []);
    }

    /// <summary>The HTTP provider's name when one is configured, else null (the UI offers the refresh only then).</summary>
    public string? ProviderSource => provider.Options.Enabled ? provider.Options.Source : null;

    /// <summary>
    /// Asks the configured HTTP provider for the client's INN and stores the indices, level, source and date. Anyone who
    /// sees the client may check it before a deal; a provider failure writes nothing and says why.
    /// </summary>
    public async Task<RiskIndices> RefreshFromProviderAsync(int clientId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db.Clients.VisibleTo(user, db), db.Clients, c => c.Id == clientId, security, user, nameof(Client), clientId,
            "risk refresh", "Этот клиент закреплён за другим менеджером — у вас нет к нему доступа.", "Клиент не найден.", ct);
        var client = await db.Clients.SingleAsync(c => c.Id == clientId, ct);
        if (string.IsNullOrWhiteSpace(client.Inn)) throw new DomainException("У клиента не указан ИНН — запрашивать риск не по чему.");
        var indices = await provider.FetchAsync(client.Inn, ct);
        client.UpdateRisk(indices, provider.Options.Source, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return indices;
    }
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Leads;

/// <summary>One row of an import file (its line number as the user sees it in the file).</summary>
public sealed record ImportRow(int Line, LeadSubmission Submission);

public sealed record ImportError(int Line, string Field, string Message);

/// <summary>The outcome of an import: either every row went in, or nothing did and the errors say why, row by row.</summary>
public sealed record ImportReport(int Rows, int Created, int Existing, IReadOnlyList<ImportError> Errors)
{
    public bool Imported => Errors.Count == 0 && Rows > 0;
}

/// <summary>
/// Imports leads from a file (already parsed into rows): every row is checked first with the same rules as the
/// API; one bad row refuses the whole file with a report; a good file goes in as one transaction, duplicates
/// (within the file too) counted as existing, new leads distributed by the rules.
/// </summary>
public sealed class LeadImportService(IDbContextFactory<CrmDbContext> factory, IUserContext users, LeadIntakeService intake)
{
    public const int MaxRows = 10_000;

    public async Task<ImportReport> ImportAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (user.Role is not (StaffRole.TeamLead or StaffRole.Head or StaffRole.Admin))
            throw new AccessDeniedException("Импорт лидов доступен старшему менеджеру и начальнику отдела.");
        if (rows.Count == 0) return new ImportReport(0, 0, 0, [new ImportError(0, "file", "В файле нет строк с данными.")]);
        if (rows.Count > MaxRows)
            return new ImportReport(rows.Count, 0, 0, [new ImportError(0, "file", $"В файле {rows.Count} строк — за раз можно не больше {MaxRows}.")]);

        var source = new IntakeSource(null, $"Импорт: {user.FullName}", user.ManagerId, LeadChannel.Campaign);
        var errors = new List<ImportError>();
        foreach (var row in rows)
        {
            try
            {
                await intake.ValidateAsync(row.Submission, source, ct);
            }
            catch (LeadValidationException ex)
            {
                errors.AddRange(ex.Errors.SelectMany(e => e.Value.Select(m => new ImportError(row.Line, e.Key, m))));
            }
        }
        if (errors.Count > 0) return new ImportReport(rows.Count, 0, 0, errors);

        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var results = new List<PendingIntake>();
        foreach (var row in rows) results.Add(await intake.IntakeAsync(db, row.Submission, source, null, ct));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(CancellationToken.None);
            return new ImportReport(rows.Count, 0, 0,
                [new ImportError(0, "file", "Пока шёл импорт, часть этих клиентов пришла другой заявкой. Ничего не импортировано — повторите импорт.")]);
        }
        var created = results.Count(r => r.Outcome == IntakeOutcome.Created);
        return new ImportReport(rows.Count, created, rows.Count - created, []);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Common;

/// <summary>Sign-ins, failed sign-ins and denied access: to the log and to the audit trail.</summary>
public sealed partial class SecurityLog(IDbContextFactory<CrmDbContext> factory, TimeProvider time, ILogger<SecurityLog> logger)
{
    public async Task AccessDeniedAsync(Actor actor, string entityType, string entityId, string what, CancellationToken ct = default)
    {
        LogDenied(logger, actor.Name, entityType, entityId, what);
        await WriteAsync(new AuditEntry(entityType, entityId, AuditAction.AccessDenied, null, null, what, actor.ManagerId,
            actor.Name, time.GetUtcNow().UtcDateTime), ct);
    }

    public async Task SignInAsync(string email, bool succeeded, string detail, int? managerId, CancellationToken ct = default)
    {
        if (succeeded) LogSignIn(logger, email);
        else LogSignInFailed(logger, email, detail);
        await WriteAsync(new AuditEntry("User", email, succeeded ? AuditAction.SignIn : AuditAction.SignInFailed, null, null,
            detail, managerId, email, time.GetUtcNow().UtcDateTime), ct);
    }

    /// <summary>Something happened to the sign-in of <paramref name="email"/> (<paramref name="what"/>), done by <paramref name="by"/>.</summary>
    public async Task AccountAsync(string email, string what, Actor by, CancellationToken ct = default)
    {
        LogAccount(logger, email, what, by.Name);
        await WriteAsync(new AuditEntry("User", email, AuditAction.Account, null, null, what, by.ManagerId, by.Name, time.GetUtcNow().UtcDateTime), ct);
    }

    /// <summary>An export left the system: who, what, with which filters, how many rows.</summary>
    public Task ExportedAsync(Actor actor, string what, string filters, int rows, CancellationToken ct = default) =>
        WriteAsync(new AuditEntry("Export", what, AuditAction.Accessed, "rows", null,
            $"{rows.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(filters.Length == 0 ? "" : "; " + filters)}", actor.ManagerId, actor.Name,
            time.GetUtcNow().UtcDateTime), ct);

    private async Task WriteAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Access denied: {Actor} asked for {EntityType} {EntityId} ({What})")]
    private static partial void LogDenied(ILogger logger, string actor, string entityType, string entityId, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in: {Email}")]
    private static partial void LogSignIn(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Email}: {What} (by {By})")]
    private static partial void LogAccount(ILogger logger, string email, string what, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in failed: {Email} ({Detail})")]
    private static partial void LogSignInFailed(ILogger logger, string email, string detail);
}

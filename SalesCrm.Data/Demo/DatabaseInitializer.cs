using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace SalesCrm.Data.Demo;

/// <summary>Startup work on the database: migrations, reference data, and the demo dataset in demo mode.</summary>
public sealed partial class DatabaseInitializer(IProviderContextFactory contexts, DatabaseOptions options, Common.CrmOptions crm,
    TimeProvider time, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(bool demo, CancellationToken ct = default)
    {
        await using (var db = contexts.Create())
        {
            if (options.MigrateOnStart) await CrmDatabase.MigrateAsync(db, ct);
            await ReferenceData.EnsureAsync(db, ct);
            if (!demo || await db.Users.AnyAsync(ct)) return;
        }
        var started = time.GetTimestamp();
        LogSeeding(logger);
        await new DemoDataGenerator(contexts.Create, time) { TimeZone = crm.TimeZone }.GenerateAsync(DemoScale.Demo, ct);
        LogSeeded(logger, time.GetElapsedTime(started).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo mode: generating the demo dataset…")]
    private static partial void LogSeeding(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo dataset ready in {Seconds:F1} s")]
    private static partial void LogSeeded(ILogger logger, double seconds);
}

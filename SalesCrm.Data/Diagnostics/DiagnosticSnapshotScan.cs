using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Diagnostics;

namespace SalesCrm.Data.Diagnostics;

/// <summary>Checks hourly whether the month that has just ended is stored for every scope, and stores it once.</summary>
public sealed class DiagnosticSnapshotScan(Microsoft.Extensions.DependencyInjection.IServiceScopeFactory scopes) : IPeriodicScan
{
    public string Name => "diagnostics snapshot";

    public TimeSpan Every => TimeSpan.FromHours(1);

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(scopes);
        return await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<DiagnosticsService>(scope.ServiceProvider)
            .SnapshotAsync(ct);
    }
}

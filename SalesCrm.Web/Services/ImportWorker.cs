using SalesCrm.Data.Imports;

namespace SalesCrm.Web.Services;

/// <summary>
/// Carries out the import runs started or resumed on this node, one at a time, away from the page that started them: closing
/// the wizard does not stop an import. A run stopped with the app is resumed by a person (its progress shows it stalled).
/// </summary>
public sealed class ImportWorker(ImportQueue queue, CrmImportJob job) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var runId in queue.ReadAllAsync(stoppingToken))
            await job.RunAsync(runId, stoppingToken);
    }
}

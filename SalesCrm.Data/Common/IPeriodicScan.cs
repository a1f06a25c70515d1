namespace SalesCrm.Data.Common;

/// <summary>A background check that raises alerts (stuck deals, speed to lead); the web host runs each on its own timer.</summary>
public interface IPeriodicScan
{
    /// <summary>For the log.</summary>
    string Name { get; }

    /// <summary>How often to run.</summary>
    TimeSpan Every { get; }

    /// <summary>Runs once; returns the number of alerts raised.</summary>
    Task<int> ScanAsync(CancellationToken ct = default);
}

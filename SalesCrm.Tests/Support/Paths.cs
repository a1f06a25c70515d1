namespace SalesCrm.Tests.Support;

/// <summary>Where things are: the repository root (found from the test binaries) and a scratch folder per run.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>A folder for this test run's databases and logs; removed at the end of the run.</summary>
    public static string Scratch { get; } = Directory.CreateTempSubdirectory("salescrm-tests-").FullName;

    public static string NewFile(string extension) => Path.Combine(Scratch, Guid.NewGuid().ToString("N") + extension);

    /// <summary>Debug or Release, as the tests were built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesCrm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SalesCrm.sln not found above " + AppContext.BaseDirectory);
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SalesCrm.Bench;

/// <summary>
/// dotnet run -c Release --project SalesCrm.Bench [-- --deals 3000,100000,1000000] [--import [--rows 100000]] [--search] [--notifier] [--live] [--department [--seconds 60] [--rate 10] [--burst 100] [--profile]] [--intake] [--export] [--hubload [--seconds 120]] [--circuits [--pages 100] [--rounds 3]] [BenchmarkDotNet arguments, e.g. --filter *Dashboard*]
/// Datasets are generated once into artifacts/bench by the app's demo generator.
/// </summary>
public static class Program
{
    public static int[] Sizes { get; private set; } = [3_000, 1_000_000];

    public static async Task<int> Main(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--deals" && i + 1 < args.Length)
                Sizes = args[++i].Split(',').Select(s => int.Parse(s.Replace("_", ""), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            else rest.Add(args[i]);
        }
        int Option(string name, int fallback)
        {
            var at = rest.IndexOf(name);
            if (at < 0 || at + 1 >= rest.Count) return fallback;
            var value = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
            rest.RemoveRange(at, 2);
            return value;
        }
        if (rest.Remove("--import"))
        {
            // Its own files and empty databases: no dataset is needed.
            var ok = await ImportBench.RunAsync(Option("--rows", 100_000));
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        foreach (var size in Sizes) await BenchData.EnsureAsync(size);
        if (rest.Remove("--search"))
        {
            var ok = await SearchBench.RunAsync(Sizes.Where(s => s >= 100_000).DefaultIfEmpty(Sizes.Max()).Min());
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        if (rest.Remove("--explain"))
        {
            await Explain.RunAsync(Sizes.Max());
            return 0;
        }
        if (rest.Remove("--export"))
        {
            await ExportBench.RunAsync(Sizes.Where(s => s >= 100_000).DefaultIfEmpty(Sizes.Max()).Min(), Sizes.Max());
            if (rest.Count == 0) return 0;
        }
        if (rest.Remove("--intake"))
        {
            var ok = await LeadIntakeLoad.RunAsync(Sizes.Min());
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        if (rest.Remove("--hubload"))
        {
            var ok = await HubLoad.RunAsync(Sizes.Min(), seconds: Option("--seconds", 120));
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        if (rest.Remove("--circuits"))
        {
            var ok = await CircuitMemory.RunAsync(Sizes.Min(), Option("--pages", 100), Option("--rounds", 3));
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        if (rest.Remove("--department"))
        {
            var ok = await DepartmentLoad.RunAsync(Sizes.Max(), Option("--seconds", 60), Option("--rate", 10), Option("--burst", 100), rest.Remove("--profile"));
            if (rest.Count == 0) return ok ? 0 : 1;
        }
        if (rest.Remove("--live"))
        {
            foreach (var size in Sizes) await LiveScopes.RunAsync(size);
            if (rest.Count == 0) return 0;
        }
        if (rest.Remove("--notifier"))
        {
            await NotifierLatency.RunAsync(Sizes.Min());
            if (rest.Count == 0) return 0;
        }

        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(rest.Count == 0 ? ["--filter", "*"] : [.. rest], config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}

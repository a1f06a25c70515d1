using Microsoft.Playwright;

namespace SalesCrm.Bench;

/// <summary>
/// Memory per idle dashboard circuit: the published app (Production) on a copy of the 3,000-deal dataset, a team lead's
/// /dashboard opened in <c>pages</c> tabs of Debian's Chromium (each tab is one Blazor circuit with its live
/// subscriptions), left idle, and the server's managed heap read after a full GC before, with the tabs open, and after
/// they are closed — three rounds, so that growth across rounds would show. Goal: ≤ 500 KB per idle circuit.
/// </summary>
public static class CircuitMemory
{
    private const double GoalKilobytes = 500;
    private const string Chromium = "/usr/bin/chromium";

    public static async Task<bool> RunAsync(int deals, int pages = 100, int rounds = 3)
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException("Needs Debian's Chromium: sudo apt-get install -y chromium");
        await using var server = await BenchServer.StartAsync(deals, published: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--disable-renderer-backgrounding", "--disable-background-timer-throttling"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url, ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        context.SetDefaultTimeout(120_000);
        var login = await context.NewPageAsync();
        await login.GotoAsync("/login");
        await login.GetByTestId("login-email").FillAsync("lead@demo.salescrm");
        await login.GetByTestId("login-password").FillAsync("Demo123!");
        await login.GetByTestId("login-submit").ClickAsync();
        await login.WaitForURLAsync(u => !u.Contains("/login", StringComparison.Ordinal));
        // Warm: the first dashboard JITs the page, fills the caches; its circuit is closed before the baseline.
        await OpenDashboardAsync(login);
        await login.CloseAsync();
        await Task.Delay(5000);

        var baseline = server.HeapMegabytes();
        var rssBaseline = server.RssMegabytes();
        Console.WriteLine($"Idle dashboard circuits: team lead's /dashboard, 3,000-deal SQLite, published app (Production), {pages} tabs × {rounds} rounds");
        Console.WriteLine($"  managed heap after a full GC, no circuits: {baseline:F1} MB (RSS {rssBaseline:F0} MB)");
        var perCircuit = new List<double>();
        var closedHeaps = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var tabs = new List<IPage>();
            for (var i = 0; i < pages; i++)
            {
                var tab = await context.NewPageAsync();
                await OpenDashboardAsync(tab);
                tabs.Add(tab);
            }
            await Task.Delay(10_000); // idle: nothing changes, the circuits only hold their pages
            var open = server.HeapMegabytes();
            var kb = (open - baseline) * 1024 / pages;
            perCircuit.Add(kb);
            foreach (var tab in tabs) await tab.CloseAsync(); // the tab's unload tells the server: the circuit ends, not retained
            await Task.Delay(10_000);
            var closed = server.HeapMegabytes();
            closedHeaps.Add(closed);
            Console.WriteLine($"  round {round}: {pages} idle circuits {open:F1} MB → {kb:F0} KB per circuit; tabs closed {closed:F1} MB " +
                              $"({closed - baseline:+0.0;-0.0} MB vs no circuits), RSS {server.RssMegabytes():F0} MB");
        }
        var worst = perCircuit.Max();
        Console.WriteLine($"  memory per idle dashboard circuit: {perCircuit.Average():F0} KB (worst round {worst:F0} KB), goal ≤ {GoalKilobytes:F0} KB — {(worst <= GoalKilobytes ? "met" : "NOT met")}");
        Console.WriteLine($"  after the circuits close the heap returns to {closedHeaps.Last():F1} MB (no circuits: {baseline:F1} MB, rounds: {string.Join(" / ", closedHeaps.Select(h => h.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} MB)");
        return worst <= GoalKilobytes;
    }

    private static async Task OpenDashboardAsync(IPage page)
    {
        await page.GotoAsync("/dashboard");
        await page.GetByTestId("app-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.Locator("[data-testid=funnel-stage]").First.WaitForAsync();
    }
}

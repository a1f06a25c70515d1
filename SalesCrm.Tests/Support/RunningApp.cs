using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Deals;
using Microsoft.Playwright;

namespace SalesCrm.Tests.Support;

/// <summary>
/// The real app as a separate process on 127.0.0.1 (Kestrel, its own copy of the demo database) and
/// Debian's Chromium driven by Playwright. Shared by the end-to-end tests of a collection.
/// </summary>
public sealed class RunningApp : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

    private AppProcess? _app;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    /// <summary>
    /// The clock of the app process: the machine's, which the app reads through its <see cref="TimeProvider"/>. Under
    /// <c>./test.sh --at WHEN</c> the app, this process and Chromium all see WHEN (decision 0002), so what a test writes for
    /// the app stamped with this clock is "now" for the app on any date.
    /// </summary>
    public static TimeProvider Clock => TimeProvider.System;

    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// A deal of <paramref name="ownerEmail"/> at <paramref name="stage"/>, not waiting for an approval, the earliest to
    /// enter it (the top of its column). The end-to-end tests share one database and each moves deals on, so when none is
    /// left at the stage the owner's earliest deal of an earlier stage is moved there through the domain first.
    /// </summary>
    /// <param name="neverAsked">Only a deal that has never had an approval request.</param>
    public async Task<int> DealAtAsync(string ownerEmail, SalesCrm.Domain.Deals.StageCode stage, bool neverAsked = false)
    {
        await using var db = TestDatabase.CreateContext(ConnectionString);
        var free = db.Deals.Where(d => d.Owner!.Email == ownerEmail && d.ApprovalState != SalesCrm.Domain.Deals.ApprovalState.Pending
            && (!neverAsked || !db.ApprovalRequests.Any(a => a.DealId == d.Id)));
        var found = await free.Where(d => d.Stage == stage)
            .OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Select(d => (int?)d.Id).FirstOrDefaultAsync();
        if (found is { } id) return id;
        var deal = await free.Where(d => d.Stage < stage)
            .OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).FirstAsync();
        var at = deal.StageEnteredAt.AddMinutes(1);
        if (stage.RequiresProposal() && deal.Proposal is null)
            deal.PrepareProposal(at.Date.AddDays(60), new SalesCrm.Domain.Common.Money(deal.PremiumKopecks), at);
        deal.MoveToStage(await db.Stages.SingleAsync(x => x.Code == stage), deal.OwnerId, at);
        await db.SaveChangesAsync();
        return deal.Id;
    }

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestDatabase.CopyAsync();
        // Attached files beside the test's database, not in the source tree's data folder.
        _app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = ConnectionString,
            ["Files__Path"] = Path.Combine(Paths.Scratch, "files-" + Guid.NewGuid().ToString("N")),
        });
        BaseUrl = _app.BaseUrl;

        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background networking on a closed network).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        // An expectation waits for its condition; Playwright's 5 s default is a bet on an idle machine, and the suite must pass
        // with both cores busy. A met condition returns at once, so a generous bound costs nothing when things are fine.
        Assertions.SetDefaultExpectTimeout(30_000);
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException("Chromium is not installed. Run ./test.sh (it installs it), or: sudo apt-get install -y chromium chromium-driver");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A new browser context (its own cookies), signed in as <paramref name="email"/>.</summary>
    public Task<IPage> SignedInPageAsync(string email, int width = 1366, int height = 768) => SignInAsync(Browser, BaseUrl, email, width, height);

    /// <summary>A new context of <paramref name="browser"/> on <paramref name="baseUrl"/>, signed in as <paramref name="email"/>.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string email, int width = 1366, int height = 768)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync("Demo123!");
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^https?://[^/]+/login"));
        return page;
    }

    /// <summary>
    /// Waits until the page shows <paramref name="path"/> (any query). It polls the address: a navigation inside the circuit
    /// (history.pushState) may already be over when a wait for the next navigation would start, and then it never comes.
    /// </summary>
    public static Task ExpectPathAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^https?://[^/]+" + System.Text.RegularExpressions.Regex.Escape(path) + @"(\?.*)?$"));

    /// <summary>Opens a page and waits until its circuit is live (clicks before that land on the prerendered HTML).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.GetByTestId("app-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    public string Log => _app?.Log ?? "";

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<RunningApp>
{
    public const string Name = "End to end";
}

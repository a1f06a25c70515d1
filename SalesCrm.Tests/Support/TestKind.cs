namespace SalesCrm.Tests.Support;

/// <summary>
/// What a test class needs to run, as the trait <c>Kind</c> every test class carries (checked by <c>EveryTestHasAKind</c>).
/// The fast loop (<c>./test.sh --fast</c>) runs all but <see cref="Server"/> and <see cref="Browser"/>.
/// </summary>
public static class TestKind
{
    public const string Key = "Kind";

    /// <summary>Pure domain rules: no database, no clock but the test's.</summary>
    public const string Domain = "Domain";

    /// <summary>The data layer on real SQLite files.</summary>
    public const string Data = "Data";

    /// <summary>The web app in memory: bUnit components, WebApplicationFactory over SQLite.</summary>
    public const string Web = "Web";

    /// <summary>Real server processes: PostgreSQL, Redis, the app on Kestrel.</summary>
    public const string Server = "Server";

    /// <summary>The app on Kestrel driven in Debian's Chromium.</summary>
    public const string Browser = "Browser";
}

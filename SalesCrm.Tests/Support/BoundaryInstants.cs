namespace SalesCrm.Tests.Support;

/// <summary>
/// Instants where a calendar-bound figure is most likely to go wrong, in the department's zone (Moscow, UTC+3 all year).
/// The same list as <c>./test.sh --instants</c>, which runs the whole suite at each of them under libfaketime.
/// </summary>
public static class BoundaryInstants
{
    public static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    public static readonly (string Name, DateTime MoscowTime)[] All =
    [
        ("the first minutes of a year in Moscow, still 31 December in UTC", new(2027, 1, 1, 0, 5, 0)),
        ("the last evening of a quarter", new(2027, 3, 31, 21, 30, 0)),
        ("29 February", new(2028, 2, 29, 12, 0, 0)),
        ("a Monday 08:00, when the weekly pack is produced", new(2027, 2, 1, 8, 0, 0)),
        ("a Sunday night", new(2027, 1, 10, 23, 30, 0)),
        ("Moscow already in June, UTC still in May", new(2027, 6, 1, 1, 30, 0)),
    ];

    public static DateTimeOffset Utc(DateTime moscowTime) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(moscowTime, DateTimeKind.Unspecified), Moscow), TimeSpan.Zero);

    /// <summary>For a theory: one row per instant, by its Moscow time (readable in the test's name).</summary>
    public static TheoryData<string> Rows() => new(All.Select(i => i.MoscowTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
}

using Microsoft.Extensions.Configuration;

namespace SalesCrm.Data.Common;

/// <summary>The <c>Crm</c> section of appsettings.json: the department's time zone and the thresholds of the figures.</summary>
public sealed class CrmOptions
{
    public CrmOptions()
    {
    }

    public CrmOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection("Crm");
        var zone = section["TimeZone"] ?? "Europe/Moscow";
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? tz : TimeZoneInfo.Utc;
        DefaultCulture = section["DefaultCulture"] ?? DefaultCulture;
        section.GetSection("Thresholds").Bind(Thresholds);
    }

    /// <summary>Periods, working hours and displayed times are in this zone.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public string DefaultCulture { get; init; } = "ru-RU";

    public ThresholdOptions Thresholds { get; init; } = new();

    /// <summary>Today in the department's time zone, as calendar dates are stored: UTC midnight of that date.</summary>
    public DateTime Today(DateTime utcNow) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, TimeZone)).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}

/// <summary>Thresholds of the dashboard's quick filters and background checks.</summary>
public sealed class ThresholdOptions
{
    /// <summary>"Proposal expiring": valid until a date within the next N days.</summary>
    public int ProposalExpiringDays { get; set; } = 3;

    /// <summary>"No activity": no call, meeting, e-mail or message for more than N days.</summary>
    public int NoActivityDays { get; set; } = 7;

    /// <summary>How often the stuck-deal scan runs.</summary>
    public int StuckScanSeconds { get; set; } = 60;
}

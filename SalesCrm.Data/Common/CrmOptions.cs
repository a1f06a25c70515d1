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
        section.GetSection("Quality").Bind(Quality);
        // Arrays are read whole: the binder would append configured values to the defaults.
        if (section.GetSection("Renewals:OffsetsDays").Get<int[]>() is { Length: > 0 } offsets) Renewals.OffsetsDays = offsets;
        if (section.GetSection("Renewals:HorizonsDays").Get<int[]>() is { Length: > 0 } horizons) Renewals.HorizonsDays = horizons;
        if (section.GetValue<int?>("Renewals:RedZone") is { } red) Renewals.RedZone = red;
        if (section.GetValue<int?>("Renewals:ScanSeconds") is { } scan) Renewals.ScanSeconds = scan;
        var rules = section.GetSection("Distribution:Rules").Get<string[]>();
        if (rules is { Length: > 0 })
            DistributionRules = rules.Select(r => Enum.TryParse<Domain.Leads.DistributionRule>(r, true, out var rule)
                ? rule : throw new InvalidOperationException($"Crm:Distribution:Rules: unknown rule '{r}'")).ToList();
        if (section["WorkingHours:Start"] is { } start && section["WorkingHours:End"] is { } end)
            WorkingHours = Domain.Calendar.WorkingHours.Default with
            {
                Start = TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
                End = TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            };
    }

    public RenewalOptions Renewals { get; init; } = new();

    /// <summary>The distribution engine's rules in the order they apply.</summary>
    public IReadOnlyList<Domain.Leads.DistributionRule> DistributionRules { get; init; } = Domain.Leads.LeadDistribution.DefaultOrder;

    /// <summary>Working hours in <see cref="TimeZone"/>: the speed-to-lead clock counts only these.</summary>
    public Domain.Calendar.WorkingHours WorkingHours { get; init; } = Domain.Calendar.WorkingHours.Default;

    /// <summary>Periods, working hours and displayed times are in this zone.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public string DefaultCulture { get; init; } = "ru-RU";

    public ThresholdOptions Thresholds { get; init; } = new();

    public QualityOptions Quality { get; init; } = new();

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

    /// <summary>How often the speed-to-lead scan runs.</summary>
    public int SpeedScanSeconds { get; set; } = 30;

    /// <summary>Speed to lead: the assignee is alerted after this many working minutes without a first contact.</summary>
    public int LeadAlertAssigneeMinutes { get; set; } = 5;

    /// <summary>Speed to lead: the team lead is alerted after this many.</summary>
    public int LeadAlertTeamLeadMinutes { get; set; } = 10;

    /// <summary>"Over N minutes" in the response-time share.</summary>
    public int ResponseTargetMinutes { get; set; } = 10;
}

/// <summary>The <c>Crm:Renewals</c> section: when renewal work opens, the lists' horizons, and the red zone.</summary>
public sealed class RenewalOptions
{
    /// <summary>Days before a contract's end at which renewal work is opened (the first also opens the renewal deal).</summary>
    public int[] OffsetsDays { get; set; } = [90, 60, 30];

    /// <summary>The horizons /renewals offers.</summary>
    public int[] HorizonsDays { get; set; } = [30, 60, 90];

    /// <summary>Churn score at or above which a client is in the red zone.</summary>
    public int RedZone { get; set; } = Domain.Clients.ChurnRisk.DefaultRedZone;

    public int ScanSeconds { get; set; } = 300;
}

/// <summary>Data-quality prevention (<c>Crm:Quality</c>).</summary>
public sealed class QualityOptions
{
    /// <summary>
    /// Enforce the save rules: a client needs a phone or an e-mail; a new deal needs its next step (from the client card
    /// and from lead qualification alike).
    /// </summary>
    public bool EnforceOnSave { get; set; } = true;
}

namespace SalesCrm.Web.Services;

/// <summary>The <c>Crm</c> section of appsettings.json.</summary>
public sealed class CrmSettings
{
    public CrmSettings(IConfiguration configuration)
    {
        var section = configuration.GetSection("Crm");
        var zone = section["TimeZone"] ?? "Europe/Moscow";
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? tz : TimeZoneInfo.Utc;
        DefaultCulture = section["DefaultCulture"] ?? "ru-RU";
    }

    /// <summary>The department's time zone: periods, working hours and displayed times use it.</summary>
    public TimeZoneInfo TimeZone { get; }

    public string DefaultCulture { get; }
}

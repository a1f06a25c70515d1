using Microsoft.AspNetCore.Identity;

namespace SalesCrm.Data.Identity;

/// <summary>The sign-in account. The CRM profile (team, role in sales) is <see cref="Domain.Teams.Manager"/>.</summary>
public sealed class AppUser : IdentityUser
{
    public string FullName { get; set; } = "";

    /// <summary>UI language chosen by the user: "ru-RU" (default) or "en-US".</summary>
    public string? PreferredCulture { get; set; }

    /// <summary>
    /// The password was set by someone else (a one-time password from the administrator or the create-admin command):
    /// the user must choose their own before doing anything else.
    /// </summary>
    public bool MustChangePassword { get; set; }
}

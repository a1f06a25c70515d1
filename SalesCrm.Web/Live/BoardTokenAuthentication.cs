using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SalesCrm.Data.Dashboard;

namespace SalesCrm.Web.Live;

/// <summary>
/// Admits an office TV board to the live hub by its secret link token (<c>?token=…</c> or
/// <c>access_token</c>, as SignalR clients send it). Only used where a policy names this scheme.
/// </summary>
public sealed class BoardTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, BoardService boards) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BoardToken";
    public const string TeamClaim = "crm:board-team";
    public const string AllTeams = "all";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Query["token"].FirstOrDefault() ?? Request.Query["access_token"].FirstOrDefault();
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
        var access = await boards.ValidateAsync(token, Context.RequestAborted);
        if (access is null) return AuthenticateResult.Fail("Unknown or revoked board token");
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "board:" + access.TokenId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, access.Name),
            new Claim(TeamClaim, access.TeamId?.ToString(CultureInfo.InvariantCulture) ?? AllTeams),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

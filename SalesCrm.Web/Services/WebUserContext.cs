using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Access;

namespace SalesCrm.Web.Services;

/// <summary>
/// The signed-in user of this circuit or request, with their CRM profile (loaded once per scope).
/// In a circuit the authentication state comes from Blazor; in a plain HTTP request from the HttpContext.
/// </summary>
public sealed class WebUserContext : IUserContext, IDisposable
{
    private readonly AuthenticationStateProvider authentication;
    private readonly IHttpContextAccessor http;
    private readonly IProviderContextFactory contexts;
    private bool _loaded;

    public WebUserContext(AuthenticationStateProvider authentication, IHttpContextAccessor http, IProviderContextFactory contexts)
    {
        this.authentication = authentication;
        this.http = http;
        this.contexts = contexts;
        // A session that ends (sign-out elsewhere, deactivation) turns the circuit anonymous: forget who was signed in.
        authentication.AuthenticationStateChanged += Forget;
    }

    private void Forget(Task<AuthenticationState> state)
    {
        _loaded = false;
        Cached = null;
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= Forget;

    public CurrentUser? Cached { get; private set; }

    public async ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default)
    {
        if (_loaded) return Cached;
        var principal = await PrincipalAsync();
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return null;
        await using var db = contexts.Create();
        var me = await db.Managers.AsNoTracking().Where(m => m.UserId == userId && m.IsActive)
            .Select(m => new { m.Id, m.FullName, m.Email, m.Role, m.TeamId }).SingleOrDefaultAsync(ct);
        if (me is not null)
        {
            var team = me.TeamId is { } teamId
                ? await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.Id).ToListAsync(ct)
                : [];
            Cached = new CurrentUser(me.Id, me.FullName, me.Email, me.Role, me.TeamId, team);
        }
        _loaded = true;
        return Cached;
    }

    private async Task<ClaimsPrincipal?> PrincipalAsync()
    {
        try
        {
            return (await authentication.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // Outside Blazor (minimal API endpoints) there is no authentication state: use the request's user.
            return http.HttpContext?.User;
        }
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SalesCrm.Data;
using SalesCrm.Data.Common;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Teams;
using SalesCrm.Web.Live;

namespace SalesCrm.Web.Security;

/// <summary>
/// Ends every session of an account at once: a new security stamp makes every sign-in cookie issued before it invalid at its
/// next check (<c>Auth:RevalidateSeconds</c>), and a live event closes the account's open pages and hub connections on every
/// node now. Used by sign-out, a password change or reset, and a deactivation.
/// </summary>
public sealed class SessionTerminator(UserManager<AppUser> users, LiveNotifier live, SecurityLog security, TimeProvider time)
{
    public async Task EndAllAsync(AppUser user, string why, Actor by, bool stampAlreadyRenewed = false, CancellationToken ct = default)
    {
        if (!stampAlreadyRenewed) await users.UpdateSecurityStampAsync(user);
        await live.PublishAsync([new SessionsEnded(user.Id, time.GetUtcNow().UtcDateTime)], ct);
        await security.AccountAsync(user.Email ?? user.Id, why, by, ct);
    }
}

/// <summary>
/// The authentication state of an open page (a Blazor circuit) follows the account: it is checked against the security
/// stamp and the profile's active flag the moment the account's sessions are ended on any node, and every few minutes in
/// any case; a page whose session ended shows the sign-in.
/// </summary>
public sealed class SessionAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopes;
    private readonly LiveNotifier _live;
    private IDisposable? _subscription;
    private string? _userId;

    public SessionAuthenticationStateProvider(ILoggerFactory loggers, IServiceScopeFactory scopes, LiveNotifier live) : base(loggers)
    {
        _scopes = scopes;
        _live = live;
        AuthenticationStateChanged += Follow;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    /// <summary>
    /// Listens for the end of the signed-in account's sessions, from the circuit's first state (set from the request's cookie)
    /// on, and stops listening for a previous account's.
    /// </summary>
    private void Follow(Task<AuthenticationState> state) => _ = FollowAsync(state);

    private async Task FollowAsync(Task<AuthenticationState> state)
    {
        var userId = (await state).User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId == _userId) return;
        _subscription?.Dispose();
        _userId = userId;
        _subscription = userId is null ? null : _live.Subscribe(LiveNotifier.Sessions(userId), async _ =>
        {
            var current = await GetAuthenticationStateAsync();
            if (!await ValidateAuthenticationStateAsync(current, CancellationToken.None))
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        });
    }

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        if (users.SupportsUserSecurityStamp)
        {
            var stampType = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
            if (state.User.FindFirstValue(stampType) != await users.GetSecurityStampAsync(user)) return false;
        }
        await using var db = scope.ServiceProvider.GetRequiredService<IProviderContextFactory>().Create();
        return await db.Managers.AnyAsync(m => m.UserId == user.Id && m.IsActive, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _subscription?.Dispose();
        base.Dispose(disposing);
    }
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The telephony secret in the administration: generated and shown once, rotated with a grace, never written to the trail.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class IntegrationSecrets : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.EmptyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private async Task SignInAsync(string email, SalesCrm.Domain.Teams.StaffRole role)
    {
        await H.AddStaffAsync(email, role);
        await H.User.SignInAsAsync(email);
    }

    [Fact]
    public async Task TheAdministratorGeneratesASecretThatIsShownOnceAndAuditedWithoutItsValue()
    {
        await SignInAsync("admin@insurer.test", SalesCrm.Domain.Teams.StaffRole.Admin);
        var service = H.Get<IntegrationSecretService>();
        Assert.False((await service.InfoAsync(IntegrationKind.Telephony)).Configured);

        var secret = await service.GenerateAsync(IntegrationKind.Telephony);
        Assert.Equal(64, secret.Length);
        var info = await service.InfoAsync(IntegrationKind.Telephony);
        Assert.True(info.Configured);
        Assert.Equal("…" + secret[^4..], info.Hint);
        Assert.Equal([secret], await H.Get<IntegrationSecretVerifier>().ValidAsync(IntegrationKind.Telephony));

        var trail = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(IntegrationSecret)).ToListAsync());
        Assert.NotEmpty(trail);
        Assert.All(trail, a => Assert.DoesNotContain(secret, (a.OldValue ?? "") + (a.NewValue ?? ""), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARotationKeepsThePreviousSecretForADayAndNoLonger()
    {
        await SignInAsync("head@insurer.test", SalesCrm.Domain.Teams.StaffRole.Head);
        var service = H.Get<IntegrationSecretService>();
        var verifier = H.Get<IntegrationSecretVerifier>();
        var first = await service.GenerateAsync(IntegrationKind.Telephony);
        var second = await service.GenerateAsync(IntegrationKind.Telephony);
        Assert.NotEqual(first, second);
        Assert.Equal([second, first], await verifier.ValidAsync(IntegrationKind.Telephony));
        Assert.NotNull((await service.InfoAsync(IntegrationKind.Telephony)).PreviousValidUntil);

        H.Time.Advance(IntegrationSecret.Grace + TimeSpan.FromMinutes(1));
        Assert.Equal([second], await verifier.ValidAsync(IntegrationKind.Telephony));
        var trail = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(IntegrationSecret)).ToListAsync());
        Assert.Contains(trail, a => a.Field == nameof(IntegrationSecret.Secret) && a.NewValue == "•••");
        Assert.All(trail, a => Assert.DoesNotContain(first, (a.OldValue ?? "") + (a.NewValue ?? "") + a.NewValue, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATeamLeadMayNotSeeOrChangeIt()
    {
        await SignInAsync("lead@insurer.test", SalesCrm.Domain.Teams.StaffRole.TeamLead);
        var service = H.Get<IntegrationSecretService>();
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.InfoAsync(IntegrationKind.Telephony));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.GenerateAsync(IntegrationKind.Telephony));
        Assert.Empty(await H.Get<IntegrationSecretVerifier>().ValidAsync(IntegrationKind.Telephony));
    }

    [Fact]
    public void ASecretTooShortToProtectAnythingIsRefused()
    {
        var ex = Assert.Throws<DomainException>(() => new IntegrationSecret(IntegrationKind.Telephony, "short", null, new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(nameof(IntegrationSecret.Secret), ex.Field);
    }
}

using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using Bunit;
using SalesCrm.Web.Components.Pages.Admin;

namespace SalesCrm.Tests.Web;

/// <summary>The administration's PBX sections (Mango Office, Zadarma): the key and salt are kept, the salt never shown again, and only the administration may set them.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class MangoOfficeSettings : CrmComponentTest
{
    protected override void AddServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, H.Get<IntegrationSecretService>());

    [Fact]
    public async Task TheHeadSavesTheKeyAndSaltAndTheSaltIsShownOnlyByItsLastCharacters()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var section = Render<IntegrationsSection>();
        section.WaitForAssertion(() => Assert.Equal("false", section.Find("[data-testid=mango-state]").GetAttribute("data-configured")));
        Assert.EndsWith("/api/telephony/mango", section.Find("[data-testid=mango-address]").TextContent);

        section.Find("input[data-testid=mango-key]").Change("vpbx-key-from-mango");
        section.Find("input[data-testid=mango-secret]").Change("short");
        section.Find("[data-testid=mango-save]").Click();
        Assert.False(await H.QueryAsync(db => db.IntegrationSecrets.AnyAsync(s => s.Kind == IntegrationKind.MangoOffice))); // refused, nothing kept

        section.Find("input[data-testid=mango-secret]").Change("salt-from-mango-0123456789");
        section.Find("[data-testid=mango-save]").Click();
        section.WaitForAssertion(() => Assert.Equal("true", section.Find("[data-testid=mango-state]").GetAttribute("data-configured")));
        var state = section.Find("[data-testid=mango-state]").TextContent;
        Assert.Contains("vpbx-key-from-mango", state);
        Assert.Contains("…6789", state);
        Assert.DoesNotContain("salt-from-mango", section.Markup);
        var (account, secrets) = await H.Get<IntegrationSecretVerifier>().CredentialsAsync(IntegrationKind.MangoOffice);
        Assert.Equal("vpbx-key-from-mango", account);
        Assert.Equal(["salt-from-mango-0123456789"], secrets);

        // Who each extension reaches, as the administration set them; a manager without one is named.
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => new { m.Id, m.FullName, m.Extension }).SingleAsync());
        Assert.Contains(m1.FullName, section.Find($"[data-testid=extension-row][data-extension='{m1.Extension}']").TextContent);
        Assert.Empty(section.FindAll("[data-testid=extension-missing]"));
        await using (var db = H.Db())
        {
            var manager = await db.Managers.SingleAsync(m => m.Id == m1.Id);
            manager.SetContacts(manager.Phone, null);
            await db.SaveChangesAsync();
        }
        var again = Render<IntegrationsSection>();
        again.WaitForAssertion(() => Assert.Contains(m1.FullName, again.Find("[data-testid=extension-missing]").TextContent));
    }

    [Fact]
    public async Task ZadarmasKeyAndSecretAreKeptTheSameWay()
    {
        await H.User.SignInAsAsync("admin@demo.salescrm");
        var section = Render<IntegrationsSection>();
        section.WaitForAssertion(() => Assert.Equal("false", section.Find("[data-testid=zadarma-state]").GetAttribute("data-configured")));
        Assert.EndsWith("/api/telephony/zadarma", section.Find("[data-testid=zadarma-address]").TextContent);
        section.Find("input[data-testid=zadarma-key]").Change("zadarma-user-key");
        section.Find("input[data-testid=zadarma-secret]").Change("zadarma-api-secret-42");
        section.Find("[data-testid=zadarma-save]").Click();
        section.WaitForAssertion(() => Assert.Equal("true", section.Find("[data-testid=zadarma-state]").GetAttribute("data-configured")));
        Assert.DoesNotContain("zadarma-api-secret", section.Markup);
        Assert.Equal("zadarma-user-key", (await H.Get<IntegrationSecretVerifier>().CredentialsAsync(IntegrationKind.Zadarma)).Account);
    }

    [Fact]
    public async Task AManagerCannotSetThem()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() =>
            H.Get<IntegrationSecretService>().IssuedAsync(IntegrationKind.MangoOffice, "vpbx-key", "salt-from-mango-0123456789"));
        Assert.False(await H.QueryAsync(db => db.IntegrationSecrets.AnyAsync(s => s.Kind == IntegrationKind.MangoOffice)));
    }
}

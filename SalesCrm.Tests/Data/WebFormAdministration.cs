using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The head's work on website forms, through the service the integrations page calls.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class WebFormAdministration : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task AFormIsCreatedMappedSwitchedOffAndRekeyedWithoutTwoOfOneName()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var forms = H.Get<WebFormService>();
        var form = await forms.CreateAsync("Лендинг ДМС");
        Assert.Equal(22, form.PublicKey.Length);
        Assert.NotNull(await forms.FindAsync(form.PublicKey));

        var twin = await Assert.ThrowsAsync<DomainException>(() => forms.CreateAsync("лендинг дмс"));
        Assert.Equal("Name", twin.Field);
        var bad = await Assert.ThrowsAsync<DomainException>(() => forms.UpdateAsync(form.Id, "Лендинг ДМС", new Dictionary<string, string> { ["f"] = "salary" }));
        Assert.Equal("Mapping", bad.Field);
        var mapped = await forms.UpdateAsync(form.Id, "Лендинг ДМС 2", new Dictionary<string, string> { ["tel"] = "phone" });
        Assert.Equal("phone", mapped.Mapping["TEL"]);

        // Switched off or rekeyed: the old key finds nothing (the cache is dropped at once on this node).
        await forms.ActivateAsync(form.Id, false);
        Assert.Null(await forms.FindAsync(form.PublicKey));
        await forms.ActivateAsync(form.Id, true);
        var renewed = await forms.RenewKeyAsync(form.Id);
        Assert.NotEqual(form.PublicKey, renewed.PublicKey);
        Assert.Null(await forms.FindAsync(form.PublicKey));
        Assert.NotNull(await forms.FindAsync(renewed.PublicKey));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<WebFormService>().ListAsync());
        Assert.Single(await H.QueryAsync(db => db.WebForms.ToListAsync()));
    }
}

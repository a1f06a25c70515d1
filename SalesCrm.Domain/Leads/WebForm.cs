using System.Security.Cryptography;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Leads;

/// <summary>
/// A form on the company's website that sends leads: the embeddable form the app serves, or the site's own form posting to the
/// form's address. Its public key is in the page's code, so it is not a secret: it only says which form a lead came from. Spam
/// is kept out by a hidden field a person never fills and by a limit per address (docs/integrations.md).
/// </summary>
public sealed class WebForm : Entity
{
    private WebForm()
    {
    }

    public WebForm(string name, DateTime now)
    {
        Rename(name);
        PublicKey = NewKey();
        IsActive = true;
        CreatedAt = now;
    }

    public string Name { get; private set; } = "";

    /// <summary>The form's address part (<c>/api/forms/{key}</c>, <c>/forms/{key}.js</c>): 22 URL-safe characters.</summary>
    public string PublicKey { get; private set; } = "";

    /// <summary>Site field → CRM field (<see cref="FormFields.Targets"/>), <c>tag:&lt;name&gt;</c> or <c>ignore</c>.</summary>
    public Dictionary<string, string> Mapping { get; private set; } = [];

    public bool IsActive { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>When the form last sent a lead, and how many it has sent (counted in the database as sendings arrive).</summary>
    public DateTime? LastLeadAt { get; private set; }

    public int Leads { get; private set; }

    public void Rename(string name) => Name = Guard.Required(name, nameof(Name), "Название формы", 100);

    public void Map(IReadOnlyDictionary<string, string> mapping) => Mapping = FormFields.CheckMapping(mapping);

    public void Activate(bool active) => IsActive = active;

    /// <summary>A new key: the old address and snippet stop working (a form copied to a site it should not be on).</summary>
    public void RenewKey() => PublicKey = NewKey();

    private static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

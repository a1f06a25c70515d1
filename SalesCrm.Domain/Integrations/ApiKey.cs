using System.Security.Cryptography;
using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Integrations;

/// <summary>
/// A key an integration (website form, e-mail parser, messenger bot, partner) sends in <c>X-Api-Key</c>.
/// Only its SHA-256 hash and a short prefix (to recognise it in the list) are kept.
/// </summary>
public sealed class ApiKey : Entity
{
    private ApiKey() { }

    public ApiKey(string name, string key, int createdById, DateTime now)
    {
        Name = Guard.Required(name, nameof(Name), "Название ключа", 100);
        if (string.IsNullOrWhiteSpace(key) || key.Length < 12) throw new DomainException("Ключ должен быть не короче 12 символов.");
        KeyHash = Hash(key);
        Prefix = key[..4] + "…";
        CreatedById = createdById;
        CreatedAt = now;
    }

    public string Name { get; private set; } = "";
    [Sensitive]
    public string KeyHash { get; private set; } = "";
    public string Prefix { get; private set; } = "";
    public int CreatedById { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public DateTime? LastUsedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    public void Revoke(DateTime now) => RevokedAt ??= now;

    public void Used(DateTime now) => LastUsedAt = now;

    public static string NewKey() => "crm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));
}

using System.Security.Cryptography;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Integrations;

/// <summary>
/// A shared secret a connected system signs its requests with (the PBX's HMAC, later the messenger's webhook token).
/// The secret itself is kept, because verifying a signature needs it; it is shown to a person once, when generated, and
/// afterwards only by its last characters. Rotating keeps the previous secret valid for a grace period, so the other
/// system can be switched over without losing events.
/// </summary>
public sealed class IntegrationSecret : Entity
{
    /// <summary>How long the previous secret is still accepted after a rotation.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromHours(24);

    private IntegrationSecret() { }

    public IntegrationSecret(IntegrationKind kind, string secret, int? createdById, DateTime now)
    {
        Kind = kind;
        Set(secret, createdById, now);
    }

    public IntegrationKind Kind { get; private set; }

    /// <summary>
    /// The connected system's own account identifier that comes with its requests (Mango Office's <c>vpbx_api_key</c>,
    /// Zadarma's API key); null for a secret SalesCrm generated.
    /// </summary>
    public string? Account { get; private set; }

    [Sensitive]
    public string Secret { get; private set; } = "";
    /// <summary>The last four characters, to tell which secret the other system has.</summary>
    public string Hint { get; private set; } = "";
    [Sensitive]
    public string? PreviousSecret { get; private set; }
    public DateTime? PreviousValidUntil { get; private set; }
    public int? CreatedById { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>
    /// The account and secret a connected system issued (entered from its settings): the previous secret stays valid for
    /// <see cref="Grace"/> when the account is the same, and is dropped when it is another account.
    /// </summary>
    public void Issued(string account, string secret, int? byId, DateTime now)
    {
        account = Guard.Required(account, nameof(Account), "Ключ учётной записи", 200);
        if (Account != account)
        {
            Account = account;
            Set(secret, byId, now);
            (PreviousSecret, PreviousValidUntil) = (null, null);
        }
        else if (secret.Trim() != Secret) Rotate(secret, byId, now);
    }

    /// <summary>Replaces the secret; the old one stays valid for <see cref="Grace"/>.</summary>
    public void Rotate(string secret, int? byId, DateTime now)
    {
        PreviousSecret = Secret;
        PreviousValidUntil = now + Grace;
        Set(secret, byId, now);
    }

    /// <summary>The secrets a request may be signed with at <paramref name="now"/>: the current one, and the previous during its grace.</summary>
    public IReadOnlyList<string> ValidAt(DateTime now) =>
        PreviousSecret is { } previous && PreviousValidUntil > now ? [Secret, previous] : [Secret];

    private void Set(string secret, int? byId, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length < 16)
            throw new DomainException("Секрет должен быть не короче 16 символов.", nameof(Secret));
        Secret = secret.Trim();
        Hint = "…" + Secret[^4..];
        CreatedById = byId;
        CreatedAt = now;
    }

    /// <summary>A new random secret: 32 bytes, hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>Which connected system a secret belongs to.</summary>
public enum IntegrationKind
{
    /// <summary>The PBX signing call events (<c>POST /api/telephony/events</c>, HMAC-SHA256).</summary>
    Telephony = 1,
    /// <summary>Mango Office's virtual PBX: its <c>vpbx_api_key</c> and the salt it signs with (<c>/api/telephony/mango/…</c>).</summary>
    MangoOffice = 2,
    /// <summary>Zadarma's PBX: its API key and the API secret it signs notifications with (<c>/api/telephony/zadarma</c>).</summary>
    Zadarma = 3,
    /// <summary>The company's Telegram bot: its username (account) and the token @BotFather issued (<c>/api/messengers/telegram</c>).</summary>
    Telegram = 4,
}

using System.Security.Cryptography;
using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>
/// A secret link that opens the office TV board of one team (or of the whole department) without
/// signing in. Only a hash of the token is stored; a revoked token opens nothing.
/// </summary>
public sealed class BoardToken : Entity
{
    private BoardToken() { }

    public BoardToken(string name, int? teamId, string token, int createdById, DateTime now)
    {
        Name = Guard.Required(name, nameof(Name), "Название экрана", 100);
        if (string.IsNullOrWhiteSpace(token) || token.Length < 12)
            throw new DomainException("Токен экрана должен быть не короче 12 символов.", nameof(token));
        TeamId = teamId;
        TokenHash = Hash(token);
        CreatedById = createdById;
        CreatedAt = now;
    }

    public string Name { get; private set; } = "";
    /// <summary>The team the board shows; null for the whole department.</summary>
    public int? TeamId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public int CreatedById { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public DateTime? LastSeenAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    public void Revoke(DateTime now) => RevokedAt ??= now;

    public void Seen(DateTime now) => LastSeenAt = now;

    /// <summary>A new random token: 32 URL-safe characters.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 of the token, hex — what is stored and compared.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));
}

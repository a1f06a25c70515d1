using System.Security.Cryptography;
using System.Text;

namespace SalesCrm.Data.Identity;

/// <summary>
/// Failed sign-ins under one e-mail, whether or not an account has it (so the answers for an existing and an unknown
/// account cannot differ): the e-mail is kept only as a hash. Shared by every node through the database.
/// </summary>
public sealed class SignInFailures
{
    private SignInFailures() { }

    public SignInFailures(string email, DateTime now)
    {
        Key = KeyOf(email);
        FirstAt = now;
        LastAt = now;
    }

    public int Id { get; private set; }
    public string Key { get; private set; } = "";
    public int Count { get; private set; }
    public DateTime FirstAt { get; private set; }
    public DateTime LastAt { get; private set; }

    public void Failed(DateTime now)
    {
        // A day without failures starts the count again.
        if (now - LastAt > TimeSpan.FromDays(1))
        {
            Count = 0;
            FirstAt = now;
        }
        Count++;
        LastAt = now;
    }

    public static string KeyOf(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToUpperInvariant())));
}

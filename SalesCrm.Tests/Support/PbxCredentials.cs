using SalesCrm.Domain.Integrations;

namespace SalesCrm.Tests.Support;

/// <summary>A PBX's key and secret, as the administration keeps them, put straight into a test's database.</summary>
public static class PbxCredentials
{
    public static void Keep(string connectionString, IntegrationKind kind, string key, string secret)
    {
        using var db = TestDatabase.CreateContext(connectionString);
        if (db.IntegrationSecrets.Any(s => s.Kind == kind)) return;
        var stored = new IntegrationSecret(kind, secret, null, DateTime.UtcNow);
        stored.Issued(key, secret, null, DateTime.UtcNow);
        db.IntegrationSecrets.Add(stored);
        db.SaveChanges();
    }
}

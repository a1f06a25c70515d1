using SalesCrm.Domain.Integrations;

namespace SalesCrm.Tests.Support;

/// <summary>A PBX's key and secret, as the administration keeps them, put straight into a test's database.</summary>
public static class PbxCredentials
{
    /// <param name="at">When they were entered: the clock of the app under test (the in-memory app reads the system's).</param>
    public static void Keep(string connectionString, IntegrationKind kind, string key, string secret, TimeProvider at)
    {
        using var db = TestDatabase.CreateContext(connectionString);
        if (db.IntegrationSecrets.Any(s => s.Kind == kind)) return;
        var now = at.GetUtcNow().UtcDateTime;
        var stored = new IntegrationSecret(kind, secret, null, now);
        stored.Issued(key, secret, null, now);
        db.IntegrationSecrets.Add(stored);
        db.SaveChanges();
    }
}

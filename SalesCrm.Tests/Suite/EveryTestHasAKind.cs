using System.Reflection;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Suite;

/// <summary>
/// The fast loop leaves out what needs a server or a browser by the <c>Kind</c> trait, so a test class without it, or one
/// that starts a server while claiming not to, would silently slow the loop down or break it on a machine without them.
/// </summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class EveryTestHasAKind
{
    private static readonly string[] Kinds = [TestKind.Domain, TestKind.Data, TestKind.Web, TestKind.Server, TestKind.Browser];

    private static IEnumerable<Type> TestClasses() => typeof(EveryTestHasAKind).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()));

    [Fact]
    public void EveryTestClassCarriesExactlyOneKind()
    {
        var classes = TestClasses().ToList();
        Assert.NotEmpty(classes);
        foreach (var type in classes)
        {
            var kinds = type.GetCustomAttributes<TraitAttribute>().Where(t => t.Name == TestKind.Key).Select(t => t.Value).ToList();
            Assert.True(kinds.Count == 1 && Kinds.Contains(kinds[0]), $"{type.Name} needs one [Trait(TestKind.Key, …)] of {string.Join(", ", Kinds)}");
        }
    }

    [Fact]
    public void ATestThatTakesAServerOrTheBrowserSaysSo()
    {
        Type[] servers = [typeof(PostgresServer), typeof(RedisServer)];
        foreach (var type in TestClasses())
        {
            var kind = type.GetCustomAttributes<TraitAttribute>().Single(t => t.Name == TestKind.Key).Value;
            var takes = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToList();
            if (takes.Any(servers.Contains)) Assert.True(kind == TestKind.Server, $"{type.Name} takes a server: Kind {TestKind.Server}");
            var inBrowser = takes.Contains(typeof(RunningApp))
                || type.GetCustomAttribute<CollectionAttribute>()?.Name == EndToEndCollection.Name;
            if (inBrowser) Assert.True(kind == TestKind.Browser, $"{type.Name} runs in the browser: Kind {TestKind.Browser}");
        }
    }
}

using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Shared;

namespace SalesCrm.Tests.Web;

/// <summary>The home page greets by the hour of the department's day, not «Добрый день» at 19:30.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class Greetings
{
    [Theory]
    [InlineData(4, 59, "Доброй ночи")]
    [InlineData(5, 0, "Доброе утро")]
    [InlineData(11, 59, "Доброе утро")]
    [InlineData(12, 0, "Добрый день")]
    [InlineData(17, 59, "Добрый день")]
    [InlineData(19, 30, "Добрый вечер")]
    [InlineData(23, 0, "Доброй ночи")]
    public void TheGreetingFollowsTheHour(int hour, int minute, string greeting) =>
        Assert.Equal(greeting, Texts.Greeting(new DateTime(2026, 12, 7, hour, minute, 0)));
}

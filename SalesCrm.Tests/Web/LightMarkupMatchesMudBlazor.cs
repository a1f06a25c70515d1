using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Shared;

namespace SalesCrm.Tests.Web;

/// <summary>
/// <see cref="LightMarkup"/> writes MudBlazor's class names by hand (a cheaper icon button for what every tab renders all
/// day). An upgrade of MudBlazor that renames them would break the look silently; this makes it loud: every class the
/// light button uses is one the real MudIconButton renders.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class LightMarkupMatchesMudBlazor : BunitContext
{
    [Theory]
    [InlineData(Size.Medium, Color.Inherit)]
    [InlineData(Size.Small, Color.Primary)]
    public void TheLightIconButtonUsesOnlyClassesTheRealOneRenders(Size size, Color color)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        var real = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.Add).Add(x => x.Size, size).Add(x => x.Color, color));
        var light = Render((RenderFragment)(builder => builder.AddContent(0, LightMarkup.IconButton(this, Icons.Material.Filled.Add, "Добавить",
            color: color.ToString().ToLowerInvariant(), size: size.ToString().ToLowerInvariant()))));

        var realClasses = real.FindAll("*").SelectMany(e => e.ClassList).ToHashSet();
        var lightClasses = light.FindAll("*").SelectMany(e => e.ClassList).ToList();
        var unknown = lightClasses.Where(c => !realClasses.Contains(c)).Distinct().ToList();
        Assert.True(unknown.Count == 0, $"LightMarkup uses classes MudBlazor no longer renders: {string.Join(", ", unknown)} (MudBlazor renders: {string.Join(" ", realClasses)})");
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace SalesCrm.Web.Components.Shared;

/// <summary>
/// MudBlazor's look without MudBlazor's components, for what every open tab renders all day (the app bar, the dashboard's
/// row actions). A Blazor Server component keeps its render buffers on the server for the life of the tab; a MudIconButton
/// in a MudTooltip is half a dozen of them with a popover each. The same classes, rendered as plain elements by the page
/// that shows them, look the same and cost a few frames (measured by <c>SalesCrm.Bench --circuits</c>).
/// </summary>
public static class LightMarkup
{
    /// <summary>
    /// An icon button with MudBlazor's classes and a native tooltip. <paramref name="onClick"/> runs on the component
    /// <paramref name="receiver"/> (re-rendered afterwards, as with any event handler); a submit button needs none.
    /// </summary>
    public static RenderFragment IconButton(object receiver, string icon, string label, Func<Task>? onClick = null, string color = "inherit",
        string size = "medium", string? testId = null, bool submit = false, string? extraClass = null) => builder =>
    {
        builder.OpenElement(0, "button");
        builder.AddAttribute(1, "type", submit ? "submit" : "button");
        builder.AddAttribute(2, "class",
            // As MudIconButton renders it: the medium size is the default and has no class of its own.
            $"mud-button-root mud-icon-button mud-{color}-text hover:mud-{color}-hover mud-ripple mud-ripple-icon{(size == "medium" ? "" : $" mud-icon-button-size-{size}")} {extraClass}".TrimEnd());
        builder.AddAttribute(3, "title", label);
        builder.AddAttribute(4, "aria-label", label);
        if (onClick is not null) builder.AddAttribute(5, "onclick", EventCallback.Factory.Create<MouseEventArgs>(receiver, onClick));
        if (testId is not null) builder.AddAttribute(6, "data-testid", testId);
        builder.OpenElement(7, "span");
        builder.AddAttribute(8, "class", "mud-icon-button-label");
        builder.AddContent(9, Icon(icon, $"mud-icon-root mud-svg-icon mud-icon-size-{size}"));
        builder.CloseElement();
        builder.CloseElement();
    };

    /// <summary>An SVG icon from MudBlazor's icon constants (its own path markup, never user data).</summary>
    public static RenderFragment Icon(string icon, string cssClass) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", cssClass);
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, icon);
        builder.CloseElement();
    };
}

using MudBlazor;

namespace SalesCrm.Web.Components.Layout;

/// <summary>The app's colours and type: calm blues for daily work, readable at a glance.</summary>
public static class CrmTheme
{
    private static readonly string[] Fonts = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Light { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e8c",
            Secondary = "#0f8b8d",
            Tertiary = "#6b4fbb",
            Info = "#2f80ed",
            Success = "#2e7d32",
            Warning = "#ed8b00",
            Error = "#c62828",
            AppbarBackground = "#1f4e8c",
            Background = "#f4f6fa",
            DrawerBackground = "#ffffff",
            TextPrimary = "#1d2433",
            TextSecondary = "#5b6475",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H5 = new H5Typography { FontFamily = Fonts, FontWeight = "600", FontSize = "1.5rem" },
            H6 = new H6Typography { FontFamily = Fonts, FontWeight = "600" },
            Button = new ButtonTypography { FontFamily = Fonts, FontWeight = "500", TextTransform = "none" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "220px" },
    };
}

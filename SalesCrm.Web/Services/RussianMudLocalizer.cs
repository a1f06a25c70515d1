using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace SalesCrm.Web.Services;

/// <summary>MudBlazor's own texts (pager, filters, pickers) in Russian when the UI is Russian.</summary>
public sealed class RussianMudLocalizer : MudLocalizer
{
    private static readonly Dictionary<string, string> Ru = new()
    {
        ["MudDataGridPager_RowsPerPage"] = "Строк на странице:",
        ["MudDataGridPager_InfoFormat"] = "{0}–{1} из {2}",
        ["MudDataGridPager_AllItems"] = "Все",
        ["MudDataGridPager_FirstPage"] = "Первая страница",
        ["MudDataGridPager_PreviousPage"] = "Предыдущая страница",
        ["MudDataGridPager_NextPage"] = "Следующая страница",
        ["MudDataGridPager_LastPage"] = "Последняя страница",
        ["MudDataGrid_Loading"] = "Загрузка…",
        ["MudDataGrid_Sort"] = "Сортировать",
        ["MudDataGrid_Unsort"] = "Без сортировки",
        ["MudDataGrid_Filter"] = "Фильтр",
        ["MudDataGrid_Apply"] = "Применить",
        ["MudDataGrid_Cancel"] = "Отмена",
        ["MudDataGrid_Clear"] = "Очистить",
        ["MudDataGrid_Columns"] = "Колонки",
        ["MudDataGrid_Hide"] = "Скрыть",
        ["MudDataGrid_ShowAll"] = "Показать все",
        ["MudDataGrid_HideAll"] = "Скрыть все",
        ["MudDataGrid_RefreshData"] = "Обновить",
        ["MudInput_Clear"] = "Очистить",
        ["MudInput_Increment"] = "Увеличить",
        ["MudInput_Decrement"] = "Уменьшить",
        ["MudDialog_Close"] = "Закрыть",
        ["MudAlert_Close"] = "Закрыть",
        ["MudChip_Close"] = "Убрать",
        ["MudSnackbar_Close"] = "Закрыть",
        ["MudBaseDatePicker_Open"] = "Открыть календарь",
        ["MudBaseDatePicker_NextMonth"] = "Следующий месяц",
        ["MudBaseDatePicker_PrevMonth"] = "Предыдущий месяц",
        ["MudBaseDatePicker_NextYear"] = "Следующий год",
        ["MudBaseDatePicker_PrevYear"] = "Предыдущий год",
        ["MudFormComponent_Required"] = "Обязательное поле",
        ["MudSelect_SelectAll"] = "Выбрать все",
        ["MudPagination_FirstPage"] = "Первая страница",
        ["MudPagination_PreviousPage"] = "Предыдущая страница",
        ["MudPagination_NextPage"] = "Следующая страница",
        ["MudPagination_LastPage"] = "Последняя страница",
        ["Converter_InvalidNumber"] = "Введите число",
        ["Converter_InvalidDateTime"] = "Неверная дата",
    };

    public override LocalizedString this[string key] =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ru" && Ru.TryGetValue(key, out var value)
            ? new LocalizedString(key, value, resourceNotFound: false)
            : new LocalizedString(key, key, resourceNotFound: true);
}

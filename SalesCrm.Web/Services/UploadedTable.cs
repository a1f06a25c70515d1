using Microsoft.AspNetCore.Components.Forms;

namespace SalesCrm.Web.Services;

/// <summary>
/// A file picked in an import dialog, read into memory within the size cap and handed to the reader of that import
/// (leads, SPARK risks). A file over the cap, or one the browser fails to deliver, is answered here in the user's words.
/// </summary>
public static class UploadedTable
{
    public const string TooLarge = "Файл больше 10 МБ. Разбейте его на части.";
    public const string NotDelivered = "Файл не удалось загрузить. Попробуйте ещё раз.";

    /// <summary>What <paramref name="read"/> made of the file, or why it was not read at all (a Russian text to localize).</summary>
    public static async Task<(T? Result, string? Error)> ReadAsync<T>(IBrowserFile file, Func<string, Stream, T> read) where T : class
    {
        if (file.Size > TableFileReader.MaxBytes) return (null, TooLarge);
        try
        {
            await using var upload = file.OpenReadStream(TableFileReader.MaxBytes);
            using var buffer = new MemoryStream();
            await upload.CopyToAsync(buffer);
            buffer.Position = 0;
            return (read(file.Name, buffer), null);
        }
        catch (IOException)
        {
            return (null, NotDelivered);
        }
    }
}

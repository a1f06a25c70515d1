using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace SalesCrm.Web.Components.Shared;

/// <summary>
/// A dialog that saves through its <see cref="Submit"/> callback and stays open with the message on
/// the field when the server refuses, so the user corrects the input instead of retyping it.
/// </summary>
public abstract class SaveDialogBase<TInput> : ComponentBase
{
    [CascadingParameter]
    protected IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>Performs the save; returns what happened.</summary>
    [Parameter, EditorRequired]
    public Func<TInput, Task<SaveOutcome>> Submit { get; set; } = default!;

    protected bool Busy { get; private set; }

    protected SaveOutcome? Outcome { get; set; }

    protected string? ErrorFor(string field) => Outcome?.For(field);

    protected bool HasError(string field) => Outcome?.For(field) is not null;

    protected async Task SaveAsync(TInput input)
    {
        Busy = true;
        Outcome = null;
        try
        {
            // The dialog shows its progress before the save starts: a save that waits for a busy database is seen waiting.
            await Task.Yield();
            var outcome = await Submit(input);
            if (outcome.Saved) Dialog.Close(DialogResult.Ok(true));
            else if (outcome.Cancelled) Dialog.Cancel();
            else Outcome = outcome;
        }
        catch (Exception ex) when (SalesCrm.Data.Common.DatabaseFault.IsUnavailable(ex))
        {
            // Nothing was written (the transaction did not commit); the dialog keeps what the user typed for a retry.
            Outcome = SaveOutcome.Fail(null, SalesCrm.Data.Common.DatabaseFault.Message);
        }
        finally
        {
            Busy = false;
        }
    }

    protected void Cancel() => Dialog.Cancel();
}

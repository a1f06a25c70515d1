using Microsoft.Extensions.Localization;
using SalesCrm.Web.Resources;

namespace SalesCrm.Web.Components.Shared;

/// <summary>What happened to a save a dialog asked for: saved, refused with a message (on a field), or dropped.</summary>
public sealed record SaveOutcome(bool Saved, bool Cancelled, string? Field, string? Error)
{
    public static SaveOutcome Success { get; } = new(true, false, null, null);

    public static SaveOutcome Dropped { get; } = new(false, true, null, null);

    public static SaveOutcome Fail(string? field, string error) => new(false, false, field, error);

    /// <summary>
    /// Runs a save and says how it went: a domain or intake refusal on its field, an access refusal, a vanished record or
    /// an unavailable database as a general error, each message in the user's language (<paramref name="l"/>); a save over
    /// a version somebody else has changed goes to <paramref name="conflict"/> (the page shows what changed and may apply
    /// the change again), or is a general error when the page has no such step. Every dialog's save goes through here, so
    /// the same failure reads the same everywhere.
    /// </summary>
    public static async Task<SaveOutcome> AttemptAsync(Func<Task> save, IStringLocalizer l,
        Func<SalesCrm.Data.Access.ConcurrencyConflictException, Task<SaveOutcome>>? conflict = null)
    {
        try
        {
            await save();
            return Success;
        }
        catch (SalesCrm.Data.Access.ConcurrencyConflictException ex)
        {
            return conflict is null ? Fail(null, l[ex.Message]) : await conflict(ex);
        }
        catch (SalesCrm.Domain.Common.DomainException ex)
        {
            return Fail(ex.Field, l.For(ex));
        }
        catch (SalesCrm.Data.Leads.LeadValidationException ex) when (ex.Errors.FirstOrDefault() is { Value: [var first, ..] } error)
        {
            return Fail(error.Key, l[first]); // the intake's checks, the first on its field (a form shows one at a time)
        }
        catch (Exception ex) when (ex is SalesCrm.Data.Access.AccessDeniedException or SalesCrm.Data.Access.NotFoundException)
        {
            return Fail(null, l.For(ex));
        }
        catch (Exception ex) when (SalesCrm.Data.Common.DatabaseFault.IsUnavailable(ex))
        {
            return Fail(null, l[SalesCrm.Data.Common.DatabaseFault.Message]);
        }
    }

    /// <summary>The error when it concerns <paramref name="field"/> (case-insensitive), else null.</summary>
    public string? For(string field) =>
        Error is not null && string.Equals(Field, field, StringComparison.OrdinalIgnoreCase) ? Error : null;

    /// <summary>The error when it concerns none of the dialog's fields.</summary>
    public string? General(params string[] fields) =>
        Error is not null && (Field is null || !fields.Contains(Field, StringComparer.OrdinalIgnoreCase)) ? Error : null;
}

/// <summary>A one-click action of a page (no dialog to hold the message): the same save path, a refusal shown as a message.</summary>
public static class ActionOutcome
{
    /// <summary>Runs the action through <see cref="SaveOutcome.AttemptAsync"/>; true when it went through.</summary>
    public static async Task<bool> TryAsync(this MudBlazor.ISnackbar snackbar, IStringLocalizer l, Func<Task> action)
    {
        var outcome = await SaveOutcome.AttemptAsync(action, l);
        if (outcome.Error is { } error) snackbar.Add(error, MudBlazor.Severity.Warning);
        return outcome.Saved;
    }
}

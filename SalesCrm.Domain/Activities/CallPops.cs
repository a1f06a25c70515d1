using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Activities;

/// <summary>Where a call from outside stands at one employee's phone. A call only moves forward: ringing, talking, ended.</summary>
public enum CallLegState
{
    Ringing = 1,
    Talking = 2,
    Ended = 3,
}

/// <summary>
/// A PBX says a call from outside rings an employee's extension, was answered there, or ended there. Nothing is stored: the
/// event goes to that employee's open pages, which show the caller (<see cref="CallPops"/>).
/// </summary>
public sealed record CallLegChanged(int ManagerId, string CallId, string? Number, CallLegState State, DateTime OccurredAt) : IDomainEvent;

/// <summary>One call shown to the employee it reaches.</summary>
public sealed record CallPop(string CallId, string? Number, CallLegState State, DateTime Since);

/// <summary>
/// The calls one employee's screen shows (the screen-pop). A PBX may repeat an event or deliver it late, so a state that is not
/// ahead of the one shown changes nothing, and a call that ended or was closed never comes back. A call that rang and ended
/// without being answered here goes away (somebody else took it, or it is a missed call with its own call-back task); one that
/// was answered stays, marked ended, until closed. A call still ringing after <see cref="RingingLimit"/> with no news goes
/// away. At most <see cref="Shown"/> calls are shown, the newest first.
/// </summary>
public sealed class CallPops
{
    public static readonly TimeSpan RingingLimit = TimeSpan.FromMinutes(2);
    public const int Shown = 3;
    private const int Remembered = 100;

    private readonly List<CallPop> _calls = [];
    private readonly Queue<string> _finishedOrder = new();
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);

    /// <summary>The calls shown, the newest first.</summary>
    public IReadOnlyList<CallPop> Calls => _calls;

    /// <summary>Applies what the PBX said; true when what is shown changed.</summary>
    public bool Apply(string callId, string? number, CallLegState state, DateTime now)
    {
        var changed = Expire(now);
        if (_finished.Contains(callId)) return changed;
        var index = _calls.FindIndex(c => c.CallId == callId);
        if (index < 0)
        {
            if (state == CallLegState.Ended)
            {
                Finish(callId);
                return changed;
            }
            _calls.Insert(0, new CallPop(callId, number, state, now));
            if (_calls.Count > Shown) _calls.RemoveRange(Shown, _calls.Count - Shown);
            return true;
        }
        var shown = _calls[index];
        if (state <= shown.State) return changed;
        if (state == CallLegState.Ended) Finish(callId);
        if (state == CallLegState.Ended && shown.State == CallLegState.Ringing) _calls.RemoveAt(index);
        else _calls[index] = shown with { State = state, Since = now, Number = shown.Number ?? number };
        return true;
    }

    /// <summary>The employee closes a call: it is not shown again, whatever the PBX says of it later.</summary>
    public bool Close(string callId)
    {
        Finish(callId);
        return _calls.RemoveAll(c => c.CallId == callId) > 0;
    }

    /// <summary>Drops the calls that rang too long with no news; true when any did.</summary>
    public bool Expire(DateTime now)
    {
        var stale = _calls.Where(c => c.State == CallLegState.Ringing && now - c.Since >= RingingLimit).Select(c => c.CallId).ToList();
        foreach (var id in stale) Close(id);
        return stale.Count > 0;
    }

    private void Finish(string callId)
    {
        if (!_finished.Add(callId)) return;
        _finishedOrder.Enqueue(callId);
        while (_finishedOrder.Count > Remembered) _finished.Remove(_finishedOrder.Dequeue());
    }
}

namespace SalesCrm.Web.Live;

/// <summary>
/// A component's live subscription that coalesces bursts: while a refresh runs, further events only mark it
/// dirty, and one more refresh follows. So ten deals moved in a second cost two re-queries, not ten.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly LiveNotifier _notifier;
    private string[] _topics = [];
    private readonly Func<Task> _refresh;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly Lock _lock = new();
    private bool _running;
    private bool _dirty;
    private bool _disposed;

    private LiveRefresh(LiveNotifier notifier, Func<Task> refresh, Func<Func<Task>, Task> invoke)
    {
        _notifier = notifier;
        _refresh = refresh;
        _invoke = invoke;
    }

    /// <param name="invoke">The component's <c>InvokeAsync</c>: the refresh runs on its renderer.</param>
    /// <param name="refresh">Re-query and re-render (call StateHasChanged at the end).</param>
    public static LiveRefresh Start(LiveNotifier notifier, IEnumerable<string> topics, Func<Func<Task>, Task> invoke, Func<Task> refresh)
    {
        var live = new LiveRefresh(notifier, refresh, invoke);
        live.Follow(topics);
        return live;
    }

    /// <summary>
    /// Listens to these topics from now on, and no longer to the others (a page whose scope changed: another team, the
    /// members of a team after a transfer). Nothing happens when the topics are the same.
    /// </summary>
    public void Follow(IEnumerable<string> topics)
    {
        var wanted = topics.Distinct().Order(StringComparer.Ordinal).ToArray();
        lock (_lock)
        {
            if (_disposed || wanted.SequenceEqual(_topics)) return;
            foreach (var s in _subscriptions) s.Dispose();
            _subscriptions.Clear();
            _topics = wanted;
            foreach (var topic in wanted) _subscriptions.Add(_notifier.Subscribe(topic, _ => OnEventAsync()));
        }
    }

    private Task OnEventAsync()
    {
        lock (_lock)
        {
            if (_disposed) return Task.CompletedTask;
            if (_running)
            {
                _dirty = true;
                return Task.CompletedTask;
            }
            _running = true;
        }
        return _invoke(RunAsync);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            lock (_lock) _dirty = false;
            try
            {
                await _refresh();
            }
            catch
            {
                lock (_lock) _running = false;
                throw;
            }
            lock (_lock)
            {
                // Checked and released under one lock: an event arriving after this starts a fresh run.
                if (!_dirty || _disposed)
                {
                    _running = false;
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var s in _subscriptions) s.Dispose();
            _subscriptions.Clear();
        }
    }
}

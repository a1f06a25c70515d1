using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Data.Integrations;

/// <summary>A connector as the administration sees it; <see cref="Backlog"/> is what waits to be written (the lead intake's queue).</summary>
public sealed record ConnectorRow(Connector Connector, DateTime? LastMessageAt, long Messages, DateTime? LastErrorAt, string? LastError, long Errors,
    int? Backlog);

/// <summary>
/// Each connector's health (docs/integrations.md): the endpoints say what they took in and what they refused; this node adds it
/// up in memory and writes it at most every <see cref="WriteEvery"/> — on the next message after that, so a node without
/// background jobs writes too — and the administration reads the stored sum plus what this node has not written yet.
/// </summary>
public sealed class ConnectorHealth(IProviderContextFactory contexts, LeadIntakeService intake, TimeProvider time)
{
    public static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(15);

    private sealed class Pending
    {
        public long Messages;
        public DateTime? LastMessageAt;
        public long Errors;
        public DateTime? LastErrorAt;
        public string? LastError;
    }

    private readonly Lock _lock = new();
    private Dictionary<Connector, Pending> _pending = [];
    private DateTime _writtenAt = DateTime.MinValue;
    private int _writing;

    public void Received(Connector connector) => Note(connector, null);

    /// <summary>A refusal: what was wrong, as the sender was told (a refusal of a bad key or signature, of bad input…).</summary>
    public void Failed(Connector connector, string error) => Note(connector, error);

    private void Note(Connector connector, string? error)
    {
        var now = time.GetUtcNow().UtcDateTime;
        bool due;
        lock (_lock)
        {
            if (!_pending.TryGetValue(connector, out var p)) _pending[connector] = p = new Pending();
            if (error is null)
            {
                p.Messages++;
                p.LastMessageAt = now;
            }
            else
            {
                p.Errors++;
                p.LastErrorAt = now;
                p.LastError = error;
            }
            due = now - _writtenAt >= WriteEvery;
        }
        if (due && Interlocked.CompareExchange(ref _writing, 1, 0) == 0) _ = WriteInBackgroundAsync();
    }

    private async Task WriteInBackgroundAsync()
    {
        try
        {
            await WriteAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException || DatabaseFault.IsUnavailable(ex))
        {
            // Kept for the next write: health must never fail what it describes.
        }
        finally
        {
            Interlocked.Exchange(ref _writing, 0);
        }
    }

    /// <summary>Writes what this node saw since it last wrote. What cannot be written is kept for the next time.</summary>
    public async Task WriteAsync(CancellationToken ct = default)
    {
        Dictionary<Connector, Pending> taken;
        lock (_lock)
        {
            taken = _pending;
            _pending = [];
            _writtenAt = time.GetUtcNow().UtcDateTime;
        }
        if (taken.Count == 0) return;
        try
        {
            await using var db = contexts.Create();
            var kinds = taken.Keys.ToList();
            var rows = await db.ConnectorStates.Where(s => kinds.Contains(s.Connector)).ToDictionaryAsync(s => s.Connector, ct);
            foreach (var (connector, p) in taken)
            {
                if (!rows.TryGetValue(connector, out var row)) db.ConnectorStates.Add(row = new ConnectorState(connector));
                row.Add(p.Messages, p.LastMessageAt, p.Errors, p.LastErrorAt, p.LastError);
            }
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            lock (_lock)
            {
                foreach (var (connector, p) in taken)
                {
                    if (!_pending.TryGetValue(connector, out var now)) _pending[connector] = p;
                    else
                    {
                        now.Messages += p.Messages;
                        now.Errors += p.Errors;
                        now.LastMessageAt ??= p.LastMessageAt;
                        if (now.LastErrorAt is null) (now.LastErrorAt, now.LastError) = (p.LastErrorAt, p.LastError);
                    }
                }
            }
            throw;
        }
    }

    /// <summary>Every connector: the stored sums plus what this node has not written yet (access is the caller's to check).</summary>
    public async Task<IReadOnlyList<ConnectorRow>> ReadAsync(CancellationToken ct = default)
    {
        Dictionary<Connector, ConnectorState> stored;
        Dictionary<Domain.Activities.MessageChannel, int> outbox;
        await using (var db = contexts.Create())
        {
            stored = await db.ConnectorStates.AsNoTracking().ToDictionaryAsync(s => s.Connector, ct);
            outbox = (await db.OutboundMessages.AsNoTracking().Where(m => m.Status == Domain.Activities.OutboundStatus.Pending)
                .GroupBy(m => m.Channel).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        }
        Dictionary<Connector, Pending> pending;
        lock (_lock) pending = _pending.ToDictionary(p => p.Key, p => new Pending
        {
            Messages = p.Value.Messages, LastMessageAt = p.Value.LastMessageAt, Errors = p.Value.Errors, LastErrorAt = p.Value.LastErrorAt,
            LastError = p.Value.LastError,
        });
        return [.. Enum.GetValues<Connector>().Select(c =>
        {
            var row = new ConnectorState(c);
            if (stored.TryGetValue(c, out var s)) row.Add(s.Messages, s.LastMessageAt, s.Errors, s.LastErrorAt, s.LastError);
            if (pending.TryGetValue(c, out var p)) row.Add(p.Messages, p.LastMessageAt, p.Errors, p.LastErrorAt, p.LastError);
            int? backlog = c switch
            {
                Connector.LeadsApi or Connector.Tilda or Connector.WebForms => intake.Waiting,
                Connector.Telegram => outbox.GetValueOrDefault(Domain.Activities.MessageChannel.Telegram),
                Connector.Email => outbox.GetValueOrDefault(Domain.Activities.MessageChannel.Email),
                _ => null,
            };
            return new ConnectorRow(c, row.LastMessageAt, row.Messages, row.LastErrorAt, row.LastError, row.Errors, backlog);
        })];
    }
}

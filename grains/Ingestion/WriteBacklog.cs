using Collaboration.Errors;
using Collaboration.Journal;
using Microsoft.Extensions.Options;

namespace Collaboration.Ingestion;

/// <summary>
/// The events this silo has taken in and not yet finished storing: the depth of its queue in front of storage, in
/// events, whichever store is behind it. Entrances <see cref="Admit"/> a request before anything of it is stored, so
/// a refused request leaves nothing behind; writes already past an entrance are <see cref="Track"/>ed, so they count
/// but are never cut halfway. Each silo keeps its own count: in a cluster a slow database backs up every silo alike.
/// </summary>
public sealed class WriteBacklog(IOptions<JournalOptions> options)
{
    private long pending;

    public long Pending => Interlocked.Read(ref pending);

    /// <summary>
    /// Counts <paramref name="events"/> until the returned handle is disposed, or throws <see cref="StorageBusyException"/>
    /// when they would take the backlog past the limit. An empty backlog admits any request, so a request larger than
    /// the limit is not refused forever.
    /// </summary>
    public IDisposable Admit(int events)
    {
        var before = Interlocked.Add(ref pending, events) - events;
        if (before > 0 && before + events > options.Value.MaxQueuedEvents)
        {
            Interlocked.Add(ref pending, -events);
            throw Busy(before);
        }
        return new Entry(this, events);
    }

    /// <summary>Throws <see cref="StorageBusyException"/> when the backlog is at its limit, without counting anything.</summary>
    public void EnsureRoom()
    {
        if (Pending is var queued and > 0 && queued >= options.Value.MaxQueuedEvents)
        {
            throw Busy(queued);
        }
    }

    /// <summary>Counts <paramref name="events"/> of a request already admitted, until the returned handle is disposed.</summary>
    public IDisposable Track(int events)
    {
        Interlocked.Add(ref pending, events);
        return new Entry(this, events);
    }

    private StorageBusyException Busy(long queued)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling((double)queued / Math.Max(1, options.Value.DrainRate)), 1, 60);
        return new StorageBusyException($"{queued} events are waiting for storage; retry in {seconds} s.", seconds);
    }

    private sealed class Entry(WriteBacklog backlog, int events) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Add(ref backlog.pending, -events);
            }
        }
    }
}

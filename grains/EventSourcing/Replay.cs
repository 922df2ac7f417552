using Collaboration.Journal;

namespace Collaboration.EventSourcing;

/// <summary>Folds a key's stored events alone, ignoring snapshots: the reference a rebuild is checked against.</summary>
public static class Replay
{
    public static async Task<TState> FoldAsync<TState>(IEventStore store, EventKey key, CancellationToken ct = default)
        where TState : class, IFold<TState>, new()
    {
        var state = new TState();
        foreach (var stored in (await store.ReadAsync(key, FeedCursor.Start, ct)).Events)
        {
            state.Apply(StoredEventFormat.Decode(stored.Event));
        }
        return state;
    }
}

using Collaboration.Journal;

namespace Collaboration.EventSourcing;

/// <summary>Folds a stream from the journal alone, ignoring snapshots: the reference a rebuild is checked against.</summary>
public static class Replay
{
    public static async Task<TState> FoldAsync<TState>(IEventJournal journal, string streamId, CancellationToken ct = default)
        where TState : class, IFold<TState>, new()
    {
        var state = new TState();
        foreach (var stored in await journal.ReadStreamAsync(streamId, 0, ct))
        {
            state.Apply(StoredEventFormat.Decode(stored.Event));
        }
        return state;
    }
}

using Collaboration.Events;
using Collaboration.Rebuild;

namespace Collaboration.Threads;

/// <summary>One thread; the first stored event that names it binds it to its idea for good (the event store decides).</summary>
public interface IThreadGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>Folds stored interactions that name this thread; those it has folded already are skipped.</summary>
    Task ApplyAsync(StoredInteraction[] events);

    /// <summary>Null when no event has named this thread.</summary>
    Task<ThreadView?> GetAsync();
}

using Collaboration.Events;
using Collaboration.Rebuild;

namespace Collaboration.Threads;

/// <summary>One thread; the first stored event that names it binds it to its idea for good.</summary>
public interface IThreadGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>
    /// Stores the interactions that name this thread and refuses those that name another idea than the bound one;
    /// returns, per event, null when it is stored (now or before) or the idea the thread belongs to when refused.
    /// </summary>
    Task<string?[]> RecordAsync(Interaction[] events);

    /// <summary>Null when no event has named this thread.</summary>
    Task<ThreadView?> GetAsync();
}

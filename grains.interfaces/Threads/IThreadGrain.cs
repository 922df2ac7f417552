using Collaboration.Events;
using Collaboration.Rebuild;

namespace Collaboration.Threads;

/// <summary>One thread; the first stored event that names it binds it to its idea for good (the event store decides).</summary>
public interface IThreadGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>Null when no event has named this thread.</summary>
    Task<ThreadView?> GetAsync();
}

using Collaboration.Events;

namespace Collaboration.Threads;

/// <summary>One thread; the first stored event that names it binds it to its idea for good.</summary>
public interface IThreadGrain : IGrainWithStringKey
{
    /// <summary>Stores the interactions that name this thread, refusing those that name another idea than the bound one.</summary>
    Task<ThreadRecordResult[]> RecordAsync(Interaction[] events);

    /// <summary>Null when no event has named this thread.</summary>
    Task<ThreadView?> GetAsync();
}

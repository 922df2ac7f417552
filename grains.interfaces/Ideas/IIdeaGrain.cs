using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Orleans.Concurrency;

namespace Collaboration.Ideas;

/// <summary>One idea: owner, counts, participants and followers, folded from every event on it or its threads.</summary>
public interface IIdeaGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>Stores interactions on this idea or its threads; those its stream already holds are skipped.</summary>
    /// <remarks>Interleaves with other calls: calls arriving while an append is in flight are stored together in the next one.</remarks>
    [AlwaysInterleave]
    Task RecordAsync(Interaction[] events);

    /// <summary>Null when no event has named this idea.</summary>
    Task<IdeaView?> GetAsync();

    /// <summary>Followers in ordinal order after <paramref name="after"/>; null when the idea is unknown.</summary>
    Task<IdPage?> GetFollowersAsync(int limit, string? after);
}

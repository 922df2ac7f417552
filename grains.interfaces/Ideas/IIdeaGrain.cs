using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Rebuild;

namespace Collaboration.Ideas;

/// <summary>One idea: owner, counts, participants and followers, folded from every event on it or its threads.</summary>
public interface IIdeaGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>Null when no event has named this idea.</summary>
    Task<IdeaView?> GetAsync();

    /// <summary>Followers in ordinal order after <paramref name="after"/>; null when the idea is unknown.</summary>
    Task<IdPage?> GetFollowersAsync(int limit, string? after);

    /// <summary>What is new here for <paramref name="userId"/> since they last saw it (counts all zero when nothing is); null when the idea is unknown.</summary>
    Task<IdeaUpdate?> GetUpdateForAsync(string userId);
}

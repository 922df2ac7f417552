using Orleans.Concurrency;
using Collaboration.Reads;
using Collaboration.Rebuild;

namespace Collaboration.Analytics;

/// <summary>
/// The participation read model: one activation per replica (the key, 0 to Analytics:Replicas - 1) that folds every user
/// stream of the journal, in commit order, into counters a dashboard reads in O(window days x groups). Every read first
/// catches up with everything the journal had committed when the read began, so an acknowledged event is always counted
/// and every replica gives the same answer.
/// </summary>
public interface IAnalyticsGrain : IGrainWithIntegerKey
{
    Task<ParticipationStats> GetParticipationAsync(ReadWindow window, DateTimeOffset end, Dimension? by);

    Task<TieStats> GetTiesAsync(ReadWindow window, DateTimeOffset end, Dimension by);

    /// <summary>The ties from each group to each group of the dimension, after the privacy floor.</summary>
    Task<TieMatrix> GetTieMatrixAsync(ReadWindow window, DateTimeOffset end, Dimension by);

    /// <summary>
    /// The users by their tier in the previous window of the same length and in this one. Not defined for the all-time
    /// window, which has no previous window.
    /// </summary>
    Task<TierMoves> GetFunnelAsync(ReadWindow window, DateTimeOffset end);

    /// <summary>The <paramref name="days"/> UTC days ending with the day of <paramref name="end"/>, oldest first.</summary>
    Task<DayTierCounts[]> GetDailyAsync(int days, DateTimeOffset end);

    /// <summary>The idea's contributors in the window by group, after the privacy floor; null when no stored event names the idea.</summary>
    Task<IdeaContributors?> GetIdeaContributorsAsync(string ideaId, ReadWindow window, DateTimeOffset end, Dimension by);

    /// <summary>Null when no stored event names the idea.</summary>
    Task<IdeaReach?> GetIdeaReachAsync(string ideaId, ReadWindow window, DateTimeOffset end);

    Task<RankedIdea[]> GetTopIdeasAsync(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit);

    /// <summary>The follows in force at <paramref name="now"/> and those their follower has not seen within <paramref name="window"/>.</summary>
    Task<FollowStats> GetFollowsAsync(TimeSpan window, DateTimeOffset now, Dimension? by);

    /// <summary>Colleagues likely to help with the idea, outside its owner's group for <paramref name="by"/>; null for an idea no event names.</summary>
    Task<PeopleSuggestions?> SuggestPeopleAsync(string ideaId, Dimension by, int limit, DateTimeOffset end);

    /// <summary>Ideas for the user to help with (none they follow); null for an unknown user.</summary>
    Task<SuggestedIdea[]?> SuggestIdeasAsync(string userId, int limit, DateTimeOffset end);

    /// <summary>Null when the user is unknown.</summary>
    Task<UserBreadth?> GetBreadthAsync(string userId, ReadWindow window, DateTimeOffset end);

    /// <summary>
    /// Folds a fresh model from the start of the journal's feed up to the live model's position, compares a summary of
    /// their answers, and puts the fresh one in its place. Reads go on meanwhile (the grain is reentrant) and are
    /// answered by the live model until the swap.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<RebuildReport> RebuildAsync();

    /// <summary>
    /// Retention deleted events: the model folds the journal again (as a rebuild does, reads going on meanwhile), so its
    /// all-time answers and its snapshots forget them; at most once a day, a later call being served when the day is
    /// over. Completes when the fold it starts is done, or at once when none is due.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task ForgetExpiredAsync();

    /// <summary>
    /// The model's lag behind the journal, from what it already knows: no storage call, and answered even while a
    /// catch-up is running, so readiness probes never wait for the fold.
    /// </summary>
    [AlwaysInterleave]
    Task<ReadModelLag> GetLagAsync();

    /// <summary>The silo this replica runs on, answered at once; the silos' keepers ask it to keep replicas apart.</summary>
    [AlwaysInterleave]
    Task<SiloAddress> GetSiloAsync();
}

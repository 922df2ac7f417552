using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>The answers, each from the part that holds its data.</summary>
internal sealed partial class AnalyticsModel
{
    public ParticipationStats Participation(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        CheckEnd(end);
        return tiers.Participation(window, end, by);
    }

    public TieStats Ties(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        CheckEnd(end);
        return ties.Ties(window, end, by);
    }

    /// <summary>See <see cref="ContributionTies.Matrix"/>.</summary>
    public TieMatrix TieMatrix(ReadWindow window, DateTimeOffset end, Dimension by, int privacyFloor)
    {
        CheckEnd(end);
        return ties.Matrix(window, end, by, privacyFloor);
    }

    /// <summary>[from tier][to tier], both numbered as <see cref="Events.ParticipationLevel"/>.</summary>
    public long[][] Funnel(ReadWindow window, DateTimeOffset end)
    {
        CheckEnd(end);
        return funnel.Funnel(window, end);
    }

    /// <summary>Whole UTC days, except the last one, which counts only up to <paramref name="end"/>.</summary>
    public DayTierCounts[] Daily(int days, DateTimeOffset end)
    {
        CheckDays(days, end);
        return daily.Daily(days, end);
    }

    /// <summary>
    /// The idea's contributors in the window by group, the groups under <paramref name="privacyFloor"/> (by their users)
    /// merged as <see cref="PrivacyFloor"/> says, then most contributors first, equal ones by key; null for an idea no event names.
    /// </summary>
    public IdeaContributors? IdeaContributors(string ideaId, ReadWindow window, DateTimeOffset end, Dimension by, int privacyFloor)
    {
        CheckEnd(end);
        if (ideas.ContributorsByGroup(ideaId, window, end, by) is not { } byGroup)
        {
            return null;
        }
        var table = population.Groups[(int)by];
        var groups = PrivacyFloor.Apply(byGroup.Select(g => new GroupContributors(table.Keys[g.Key], table.Users[g.Key], g.Value)),
            privacyFloor, g => g.Key, g => g.Users,
            hidden => new GroupContributors(PrivacyFloor.OtherKey, hidden.Sum(g => g.Users), hidden.Sum(g => g.Contributors)));
        groups.Sort((a, b) => a.Contributors != b.Contributors ? b.Contributors.CompareTo(a.Contributors) : string.CompareOrdinal(a.Key, b.Key));
        return new IdeaContributors(byGroup.Values.Sum(), population.Count, groups);
    }

    /// <param name="criticalMass">The rule for <see cref="IdeaReach.CriticalMass"/>; null leaves it false.</param>
    public IdeaReach? Reach(string ideaId, ReadWindow window, DateTimeOffset end, CriticalMass? criticalMass = null)
    {
        CheckEnd(end);
        return ideas.Reach(ideaId, window, end, criticalMass);
    }

    /// <param name="criticalMass">The rule for <see cref="IdeaReach.CriticalMass"/>; null leaves it false.</param>
    public RankedIdea[] TopIdeas(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit, CriticalMass? criticalMass = null)
    {
        CheckEnd(end);
        return ideas.TopIdeas(window, end, ranking, limit, criticalMass);
    }

    /// <summary>
    /// The follows in force now and the stale ones: last seen by their follower at or before <paramref name="now"/> minus
    /// the window, grouped by the follower's group for <paramref name="by"/> when given (before the privacy floor).
    /// </summary>
    public FollowStats Follows(TimeSpan window, DateTimeOffset now, Dimension? by)
    {
        var dimension = by ?? Dimension.Country;
        var found = follows.Stale(now.UtcTicks - window.Ticks, dimension);
        var table = population.Groups[(int)dimension];
        var counts = Enumerable.Range(0, table.Keys.Count).Where(g => table.Users[g] > 0 || found.ContainsKey(g))
            .Select(g => found.TryGetValue(g, out var f)
                ? new GroupFollowCounts(table.Keys[g], table.Users[g], f.Followers.Count, f.Follows, f.Stale)
                : new GroupFollowCounts(table.Keys[g], table.Users[g], 0, 0, 0))
            .ToList();
        return new FollowStats(counts.Aggregate(new GroupFollowCounts("(all)", 0, 0, 0, 0), (sum, g) => sum + g), by is null ? null : counts);
    }

    /// <summary>The follow ledger, which the benchmark weighs.</summary>
    public FollowLedger FollowLedger => follows;

    /// <summary>The ideas by tag, which matchmaking reads (the benchmark weighs it).</summary>
    public TagIndex Tags => ideas.Tags;

    /// <summary>The activity per tag, user and day built anew from the ideas, as a loaded model does (the benchmark weighs it).</summary>
    public InterestIndex BuildInterestIndex()
    {
        var index = new InterestIndex();
        index.StartAt(HorizonDay);
        foreach (var idea in ideas.InOrder)
        {
            index.Add(idea);
        }
        return index;
    }

    /// <summary>See <see cref="Matchmaking.People"/>; null for an idea no event names.</summary>
    public PeopleSuggestions? SuggestPeople(string ideaId, Dimension by, int limit, DateTimeOffset end)
    {
        CheckEnd(end);
        return Matchmaking.People(ideas, interests, population, scratch, ideaId, by, limit, end);
    }

    /// <summary>See <see cref="Matchmaking.Ideas"/>; null for an unknown user.</summary>
    public SuggestedIdea[]? SuggestIdeas(string userId, int limit, DateTimeOffset end, CriticalMass criticalMass)
    {
        CheckEnd(end);
        return Matchmaking.Ideas(ideas, population, follows, scratch, userId, limit, end, criticalMass);
    }

    /// <summary>Per dimension (indexed by <see cref="Dimension"/>), the user's breadth; null for an unknown user.</summary>
    public int[]? Breadth(string userId, ReadWindow window, DateTimeOffset end)
    {
        CheckEnd(end);
        return ties.Breadth(userId, window, end);
    }
}

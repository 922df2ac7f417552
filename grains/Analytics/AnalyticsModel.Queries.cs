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

    /// <summary>The ideas by tag, which matchmaking reads (the benchmark weighs it).</summary>
    public TagIndex Tags => ideas.Tags;

    /// <summary>See <see cref="Matchmaking.People"/>; null for an idea no event names.</summary>
    public PeopleSuggestions? SuggestPeople(string ideaId, Dimension by, int limit, DateTimeOffset end)
    {
        CheckEnd(end);
        return Matchmaking.People(ideas, population, ideaId, by, limit, end);
    }

    /// <summary>See <see cref="Matchmaking.Ideas"/>; null for an unknown user.</summary>
    public SuggestedIdea[]? SuggestIdeas(string userId, IReadOnlySet<string> following, int limit, DateTimeOffset end, CriticalMass criticalMass)
    {
        CheckEnd(end);
        return Matchmaking.Ideas(ideas, population, userId, following, limit, end, criticalMass);
    }

    /// <summary>Per dimension (indexed by <see cref="Dimension"/>), the user's breadth; null for an unknown user.</summary>
    public int[]? Breadth(string userId, ReadWindow window, DateTimeOffset end)
    {
        CheckEnd(end);
        return ties.Breadth(userId, window, end);
    }
}

using Collaboration.Reads;

namespace Collaboration.Analytics;

internal sealed partial class AnalyticsModel
{
    public ParticipationStats Participation(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        var w = WindowIndex(window);
        var at = end.UtcTicks;
        var present = new long[LevelCount];
        for (var level = 0; level < LevelCount; level++)
        {
            present[level] = tiers[level, w].Exact.CountAt(at);
        }
        var overall = Tiers(users.Count, present[0], present[1], present[2]);
        List<GroupTierCounts>? grouped = null;
        if (by is { } dimension)
        {
            var d = (int)dimension;
            var table = groups[d];
            var byGroup = new long[LevelCount][];
            for (var level = 0; level < LevelCount; level++)
            {
                byGroup[level] = tiers[level, w].CountBySlot(d, at, table.Keys.Count, tag => users[tag].Groups[d]);
            }
            grouped = [];
            for (var g = 0; g < table.Keys.Count; g++)
            {
                if (table.Users[g] > 0)
                {
                    grouped.Add(new GroupTierCounts(table.Keys[g], Tiers(table.Users[g], byGroup[0][g], byGroup[1][g], byGroup[2][g])));
                }
            }
        }
        return new ParticipationStats(overall, grouped);
    }

    public TieStats Ties(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        var w = WindowIndex(window);
        var at = end.UtcTicks;
        var d = (int)by;
        var table = groups[d];
        // Slot 2g holds the external ties of group g's users, 2g + 1 the internal ones.
        var bySlot = tieCounts[w].CountBySlot(d, at, 2 * table.Keys.Count, tag =>
        {
            var tie = ties[tag]!;
            return 2 * tie.User.Groups[d] + (tie.Owner.Groups[d] == tie.User.Groups[d] ? 1 : 0);
        });
        var grouped = new List<GroupTieCounts>();
        for (var g = 0; g < table.Keys.Count; g++)
        {
            if (table.Users[g] > 0)
            {
                grouped.Add(new GroupTieCounts(table.Keys[g], table.Users[g], bySlot[2 * g], bySlot[2 * g + 1]));
            }
        }
        return new TieStats(tieCounts[w].Exact.CountAt(at), grouped,
            breadth[d, w].CountAt(at), tiedUsers[0, w].CountAt(at), grouped.Sum(g => g.External), grouped.Sum(g => g.Internal));
    }

    public long[][] Funnel(ReadWindow window, DateTimeOffset end)
    {
        var w = WindowIndex(window);
        if (w >= BoundedWindowCount)
        {
            throw new ArgumentException("The all-time window has no previous window.", nameof(window));
        }
        var at = end.UtcTicks;
        var previous = at - Lengths[w];
        // atLeast[x, y]: users at tier >= x in the previous window and tier >= y in this one (tier 0 = inactive).
        var atLeast = new long[6, 6];
        atLeast[0, 0] = users.Count;
        for (var level = 0; level < LevelCount; level++)
        {
            atLeast[level + 1, 0] = tiers[level, w].Exact.CountAt(previous);
            atLeast[0, level + 1] = tiers[level, w].Exact.CountAt(at);
            for (var other = 0; other < LevelCount; other++)
            {
                atLeast[level + 1, other + 1] = funnel[level, other, w].CountAt(at);
            }
        }
        var moves = new long[4][];
        for (var from = 0; from < 4; from++)
        {
            moves[from] = new long[4];
            for (var to = 0; to < 4; to++)
            {
                moves[from][to] = atLeast[from, to] - atLeast[from + 1, to] - atLeast[from, to + 1] + atLeast[from + 1, to + 1];
            }
        }
        return moves;
    }

    /// <summary>Whole UTC days, except the last one, which counts only up to <paramref name="end"/>.</summary>
    public DayTierCounts[] Daily(int days, DateTimeOffset end)
    {
        var at = end.UtcTicks;
        var last = DayTotals.DayOf(at);
        var result = new DayTierCounts[days];
        var present = new long[LevelCount];
        for (var i = 0; i < days; i++)
        {
            var day = last - days + 1 + i;
            var through = day == last ? at : DayStart(day + 1) - 1;
            for (var level = 0; level < LevelCount; level++)
            {
                present[level] = dailyFirsts.CountThrough(day, level, through);
            }
            // Levels nest (a create is a contribution is an interaction), so each tier is a difference.
            result[i] = new DayTierCounts(DateOnly.FromDayNumber(day), present[2], present[1] - present[2], present[0] - present[1]);
        }
        return result;
    }

    public IdeaReach? Reach(string ideaId, ReadWindow window, DateTimeOffset end) =>
        ideas.TryGetValue(ideaId, out var idea) ? Reach(idea, Lengths[WindowIndex(window)], end.UtcTicks) : null;

    /// <summary>
    /// Ranks by a cheap key first (contributors or views per idea) and computes the full reach only for ideas that can
    /// still make the list: an idea's contributor countries never exceed its contributors.
    /// </summary>
    public RankedIdea[] TopIdeas(ReadWindow window, DateTimeOffset end, IdeaRanking ranking, int limit)
    {
        var length = Lengths[WindowIndex(window)];
        var at = end.UtcTicks;
        var candidates = ideas.Values
            .Select(idea => (Idea: idea, Contributors: CountContributors(idea, length, at), Views: (long)Coverage.CountWithin(idea.Views, length, at)))
            .ToList();
        RankedIdea Ranked((IdeaData Idea, int Contributors, long Views) c) =>
            new(c.Idea.Id, c.Idea.Owner?.Id, c.Idea.First?.Title, c.Views, Reach(c.Idea, length, at));
        if (ranking != IdeaRanking.Reach)
        {
            var byKey = ranking == IdeaRanking.Views
                ? candidates.OrderByDescending(c => c.Views)
                : candidates.OrderByDescending(c => c.Contributors);
            return [.. byKey.ThenBy(c => c.Idea.Id, StringComparer.Ordinal).Take(limit).Select(Ranked)];
        }
        var best = new List<RankedIdea>();
        foreach (var candidate in candidates.OrderByDescending(c => c.Contributors).ThenBy(c => c.Idea.Id, StringComparer.Ordinal))
        {
            if (best.Count == limit && candidate.Contributors < best[^1].Reach.Countries)
            {
                break;
            }
            best.Add(Ranked(candidate));
            best.Sort(ByReach);
            if (best.Count > limit)
            {
                best.RemoveAt(limit);
            }
        }
        return [.. best];
    }

    private static int ByReach(RankedIdea a, RankedIdea b) =>
        a.Reach.Countries != b.Reach.Countries ? b.Reach.Countries.CompareTo(a.Reach.Countries)
        : a.Reach.Contributors != b.Reach.Contributors ? b.Reach.Contributors.CompareTo(a.Reach.Contributors)
        : string.CompareOrdinal(a.IdeaId, b.IdeaId);

    private static int CountContributors(IdeaData idea, long length, long at)
    {
        var count = 0;
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user != idea.Owner && Coverage.AnyWithin(instants, length, at))
            {
                count++;
            }
        }
        return count;
    }

    public int[]? Breadth(string userId, ReadWindow window, DateTimeOffset end)
    {
        if (!userIndex.TryGetValue(userId, out var user))
        {
            return null;
        }
        var length = Lengths[WindowIndex(window)];
        var at = end.UtcTicks;
        var reached = new HashSet<int>[Dimensions.Count];
        for (var d = 0; d < Dimensions.Count; d++)
        {
            reached[d] = [];
        }
        foreach (var idea in user.Ideas ?? [])
        {
            if (idea.Owner is { } owner && owner != user && Coverage.AnyWithin(idea.Contributions[user], length, at))
            {
                for (var d = 0; d < Dimensions.Count; d++)
                {
                    if (owner.Groups[d] != user.Groups[d])
                    {
                        reached[d].Add(owner.Groups[d]);
                    }
                }
            }
        }
        return [.. reached.Select(set => set.Count)];
    }

    private IdeaReach Reach(IdeaData idea, long length, long at)
    {
        var countries = new HashSet<int>();
        var departments = new HashSet<int>();
        var functions = new HashSet<int>();
        int contributors = 0, crossBorder = 0;
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user == idea.Owner || !Coverage.AnyWithin(instants, length, at))
            {
                continue;
            }
            contributors++;
            countries.Add(user.Groups[(int)Dimension.Country]);
            departments.Add(user.Groups[(int)Dimension.Department]);
            functions.Add(user.Groups[(int)Dimension.Function]);
            if (idea.Owner is { } owner && owner.Groups[(int)Dimension.Country] != user.Groups[(int)Dimension.Country])
            {
                crossBorder++;
            }
        }
        double? share = contributors > 0 && idea.Owner is not null ? (double)crossBorder / contributors : null;
        return new IdeaReach(contributors, countries.Count, departments.Count, functions.Count, share);
    }

    /// <summary>Tiers from the users present at each level: levels nest, so each tier is a difference.</summary>
    private static TierCounts Tiers(long userCount, long any, long contributing, long creating) =>
        new(userCount, creating, contributing - creating, any - contributing);
}

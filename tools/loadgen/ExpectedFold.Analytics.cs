using System.Runtime.InteropServices;

namespace Collaboration.LoadGen;

/// <summary>
/// Contribution ties and idea reach at the answers' time, by the README's definitions. Only the latest contribution of
/// each (idea, contributor) up to now is kept: a window (now - length, now] holds some contribution of that user to
/// that idea exactly when it holds the latest one. Owners are only settled once every event is read, so ties are
/// formed at the end, from the final owners.
/// </summary>
public sealed partial class ExpectedFold
{
    /// <summary>Per user, the group per <see cref="Dimensions.Names"/>.</summary>
    private readonly List<string[]> userGroups = [];
    private readonly Dictionary<(int Idea, int User), long> latestContribution = [];

    private void Contributed(int idea, int user, long ticks)
    {
        if (ticks > now.UtcTicks)
        {
            return; // after the answers' time, so in no window
        }
        ref var latest = ref CollectionsMarshal.GetValueRefOrAddDefault(latestContribution, (idea, user), out var exists);
        latest = exists ? Math.Max(latest, ticks) : ticks;
    }

    private int? OwnerOf(int idea) => owners[idea] is { } owner ? userIndex[owner.UserId] : null;

    /// <summary>Per idea, its reach in each window of <see cref="Windows.Names"/>.</summary>
    private ReachAnswer[][] Reach()
    {
        var contributors = Enumerable.Range(0, ideaIds.Count).Select(_ => new List<(int User, long Latest)>()).ToArray();
        foreach (var ((idea, user), latest) in latestContribution)
        {
            contributors[idea].Add((user, latest));
        }
        var reach = new ReachAnswer[ideaIds.Count][];
        for (var i = 0; i < ideaIds.Count; i++)
        {
            var owner = OwnerOf(i);
            reach[i] = new ReachAnswer[Windows.Names.Length];
            for (var w = 0; w < Windows.Names.Length; w++)
            {
                var window = w;
                var counted = contributors[i]
                    .Where(c => c.User != owner && Windows.Holds(window, c.Latest, now.UtcTicks))
                    .Select(c => userGroups[c.User])
                    .ToList();
                var crossBorder = owner is { } o ? counted.Count(g => g[Dimensions.Country] != userGroups[o][Dimensions.Country]) : 0;
                reach[i][w] = new ReachAnswer(counted.Count, DistinctGroups(counted, Dimensions.Country),
                    DistinctGroups(counted, Dimensions.Department), DistinctGroups(counted, Dimensions.Function), crossBorder);
            }
        }
        return reach;
    }

    /// <summary>Per window and dimension: the ties at now, split over every group that has users.</summary>
    private List<TieAnswer> Ties()
    {
        // A (contributor, owner) pair is a tie in a window when it holds the latest contribution to any of the owner's ideas.
        var pairs = new Dictionary<(int User, int Owner), long>();
        foreach (var ((idea, user), latest) in latestContribution)
        {
            if (OwnerOf(idea) is { } owner && owner != user)
            {
                ref var pairLatest = ref CollectionsMarshal.GetValueRefOrAddDefault(pairs, (user, owner), out var exists);
                pairLatest = exists ? Math.Max(pairLatest, latest) : latest;
            }
        }
        var answers = new List<TieAnswer>();
        for (var w = 0; w < Windows.Names.Length; w++)
        {
            var window = w;
            var ties = pairs.Where(p => Windows.Holds(window, p.Value, now.UtcTicks)).Select(p => p.Key).ToList();
            var tiedUsers = ties.Select(t => t.User).Distinct().Count();
            for (var d = 0; d < Dimensions.Names.Length; d++)
            {
                var dimension = d;
                // Per group: [users, external, internal].
                var groups = userGroups.GroupBy(g => g[dimension], StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => new long[] { g.Count(), 0, 0 }, StringComparer.Ordinal);
                var reached = new HashSet<(int User, string Group)>();
                foreach (var (user, owner) in ties)
                {
                    var (own, ownersGroup) = (userGroups[user][d], userGroups[owner][d]);
                    groups[own][own == ownersGroup ? 2 : 1]++;
                    if (own != ownersGroup)
                    {
                        reached.Add((user, ownersGroup));
                    }
                }
                answers.Add(new TieAnswer(Windows.Names[w], Dimensions.Names[d], ties.Count, tiedUsers, reached.Count,
                    [.. groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupTieAnswer(g.Key, g.Value[0], g.Value[1], g.Value[2]))]));
            }
        }
        return answers;
    }

    private static int DistinctGroups(List<string[]> groups, int dimension) =>
        groups.Select(g => g[dimension]).Distinct(StringComparer.Ordinal).Count();
}

using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>
/// Tiers over windows: per presence level and window, the users present at each window end, split by group at read
/// time. A user's marks are tagged with the user's number, and the slot of every dimension is the user's group.
/// </summary>
internal sealed class ParticipationTiers(Population population)
{
    /// <summary>[level][window], levels numbered as <see cref="PresenceLevels"/>.</summary>
    private readonly GroupedCounter[][] counters = PresenceLevels.New(ModelWindows.Count, () => new GroupedCounter());
    private readonly List<Run> runs = [];

    public void Emit(UserData user, ChangeScope scope, int sign, PendingMarks pending)
    {
        for (var level = PresenceLevels.First; level <= scope.TopLevel; level++)
        {
            if (user.Levels[level] is not { } instants)
            {
                continue;
            }
            for (var w = 0; w < ModelWindows.Count; w++)
            {
                var length = ModelWindows.Length(w);
                runs.Clear();
                Coverage.Cover(instants, length, scope.From, scope.RegionEnd(length), runs);
                pending.Mark(runs, sign, counters[level][w], user.Index, user.Groups);
            }
        }
    }

    /// <summary>Keeps the marks before <paramref name="floorDay"/> only as sums (see <see cref="InstantCounter.Forget"/>).</summary>
    public void Forget(int floorDay)
    {
        foreach (var counter in counters.SelectMany(perWindow => perWindow))
        {
            counter.Forget(floorDay);
        }
    }

    /// <summary>The users present at a level in the window (by number, see <see cref="ModelWindows"/>) ending at <paramref name="at"/>.</summary>
    public long Present(int level, int window, long at) => counters[level][window].Exact.CountAt(at);

    public ParticipationStats Participation(ReadWindow window, DateTimeOffset end, Dimension? by)
    {
        var w = ModelWindows.IndexOf(window);
        var at = end.UtcTicks;
        var present = new long[PresenceLevels.Slots];
        for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
        {
            present[level] = Present(level, w, at);
        }
        var overall = Tiers(population.Count, present);
        List<GroupTierCounts>? grouped = null;
        if (by is { } dimension)
        {
            var d = (int)dimension;
            var table = population.Groups[d];
            var byGroup = new long[PresenceLevels.Slots][];
            for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
            {
                byGroup[level] = counters[level][w].CountBySlot(d, at, table.Keys.Count, tag => population[tag].Groups[d]);
            }
            grouped = [];
            for (var g = 0; g < table.Keys.Count; g++)
            {
                if (table.Users[g] > 0)
                {
                    for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
                    {
                        present[level] = byGroup[level][g];
                    }
                    grouped.Add(new GroupTierCounts(table.Keys[g], Tiers(table.Users[g], present)));
                }
            }
        }
        return new ParticipationStats(overall, grouped);
    }

    private static TierCounts Tiers(long users, long[] present) => new(users,
        PresenceLevels.Tier(present, PresenceLevels.Creator), PresenceLevels.Tier(present, PresenceLevels.Editor),
        PresenceLevels.Tier(present, PresenceLevels.Audience));

    public void WriteTo(ModelWriter writer)
    {
        foreach (var counter in counters.SelectMany(perWindow => perWindow))
        {
            counter.WriteTo(writer);
        }
    }

    public static ParticipationTiers ReadFrom(ModelReader reader, Population population)
    {
        var tiers = new ParticipationTiers(population);
        foreach (var perWindow in tiers.counters)
        {
            for (var w = 0; w < perWindow.Length; w++)
            {
                perWindow[w] = GroupedCounter.ReadFrom(reader, population.Count);
            }
        }
        return tiers;
    }
}

namespace Collaboration.Analytics;

/// <summary>
/// The promotion funnel: per bounded window and pair of levels (a, b), the users present at level a in the previous
/// window (ending one length earlier) and at level b in this one. With the tiers' own counts that gives every user's
/// move between tiers.
/// </summary>
internal sealed class TierFunnel(Population population, ParticipationTiers tiers)
{
    /// <summary>[a][b][bounded window].</summary>
    private readonly InstantCounter[][][] counters = [.. Enumerable.Range(0, PresenceLevels.Slots).Select(a => a < PresenceLevels.First
        ? []
        : PresenceLevels.New(ModelWindows.Bounded, () => new InstantCounter()))];
    private readonly List<Run> runs = [];
    private readonly List<Run> shifted = [];
    private readonly List<Run> joint = [];

    public void Emit(UserData user, ChangeScope scope, int sign, PendingMarks pending)
    {
        var from = scope.From;
        for (var w = 0; w < ModelWindows.Bounded; w++)
        {
            var length = ModelWindows.Length(w);
            var to = scope.RegionEnd(2 * length);
            for (var a = PresenceLevels.First; a <= PresenceLevels.Last; a++)
            {
                if (user.Levels[a] is not { } before)
                {
                    continue;
                }
                shifted.Clear();
                Coverage.Cover(before, length, scope.IsEverything ? from : from - length, to == Coverage.Forever ? to : to - length, shifted);
                for (var i = 0; i < shifted.Count; i++)
                {
                    shifted[i] = new Run(shifted[i].Start + length, Coverage.Plus(shifted[i].End, length));
                }
                for (var b = PresenceLevels.First; b <= PresenceLevels.Last; b++)
                {
                    if ((a > scope.TopLevel && b > scope.TopLevel) || user.Levels[b] is not { } now)
                    {
                        continue;
                    }
                    runs.Clear();
                    Coverage.Cover(now, length, from, to, runs);
                    joint.Clear();
                    Coverage.Intersect(shifted, runs, joint);
                    pending.Mark(joint, sign, counters[a][b][w]);
                }
            }
        }
    }

    /// <summary>Keeps the marks before <paramref name="floorDay"/> only as sums (see <see cref="InstantCounter.Forget"/>).</summary>
    public void Forget(int floorDay)
    {
        foreach (var counter in counters.SelectMany(a => a).SelectMany(b => b))
        {
            counter.Forget(floorDay);
        }
    }

    /// <summary>[from tier][to tier], both numbered as <see cref="Events.ParticipationLevel"/>.</summary>
    public long[][] Funnel(Reads.ReadWindow window, DateTimeOffset end)
    {
        var w = ModelWindows.IndexOf(window);
        if (w >= ModelWindows.Bounded)
        {
            throw new ArgumentException("The all-time window has no previous window.", nameof(window));
        }
        var at = end.UtcTicks;
        var previous = at - ModelWindows.Length(w);
        // atLeast[x, y]: users at tier >= x in the previous window and tier >= y in this one (every user is at least inactive).
        const int slots = PresenceLevels.Slots;
        var atLeast = new long[slots + 1, slots + 1];
        atLeast[0, 0] = population.Count;
        for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
        {
            atLeast[level, 0] = tiers.Present(level, w, previous);
            atLeast[0, level] = tiers.Present(level, w, at);
            for (var other = PresenceLevels.First; other <= PresenceLevels.Last; other++)
            {
                atLeast[level, other] = counters[level][other][w].CountAt(at);
            }
        }
        var moves = new long[slots][];
        for (var from = 0; from < slots; from++)
        {
            moves[from] = new long[slots];
            for (var to = 0; to < slots; to++)
            {
                moves[from][to] = atLeast[from, to] - atLeast[from + 1, to] - atLeast[from, to + 1] + atLeast[from + 1, to + 1];
            }
        }
        return moves;
    }

    public void WriteTo(ModelWriter writer)
    {
        foreach (var counter in counters.SelectMany(a => a).SelectMany(b => b))
        {
            counter.WriteTo(writer);
        }
    }

    public static TierFunnel ReadFrom(ModelReader reader, Population population, ParticipationTiers tiers)
    {
        var funnel = new TierFunnel(population, tiers);
        foreach (var perWindow in funnel.counters.SelectMany(a => a))
        {
            for (var w = 0; w < perWindow.Length; w++)
            {
                perWindow[w] = InstantCounter.ReadFrom(reader, 0);
            }
        }
        return funnel;
    }
}

using System.Runtime.InteropServices;
using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>
/// Contribution ties and breadth: every (contributor, idea owner) pair with the instants of the contributor's
/// contributions to the owner's ideas, counted per window and split by group (external or internal to the
/// contributor's group); the users with any tie; and per dimension the sum over users of the other groups they have
/// ties to (whose mean is the breadth).
/// </summary>
internal sealed class ContributionTies(Population population)
{
    /// <summary>Every pair by its tag; a pair left without contributions leaves a null.</summary>
    private readonly List<TieData?> ties = [];

    /// <summary>Ties per window; tagged by tie, the slot is 2 x the contributor's group, + 1 when the owner is in it too.</summary>
    private readonly GroupedCounter[] counts = [.. Enumerable.Range(0, ModelWindows.Count).Select(_ => new GroupedCounter())];

    /// <summary>Users with at least one tie, per window.</summary>
    private readonly InstantCounter[] tiedUsers = [.. Enumerable.Range(0, ModelWindows.Count).Select(_ => new InstantCounter())];

    /// <summary>[dimension][window]: the sum over users of the other groups they have ties to.</summary>
    private readonly InstantCounter[][] breadth = [.. Enumerable.Range(0, Dimensions.Count)
        .Select(_ => Enumerable.Range(0, ModelWindows.Count).Select(_ => new InstantCounter()).ToArray())];

    private readonly List<Run> runs = [];
    private readonly List<long> gathered = [];
    private readonly int[] slots = new int[Dimensions.Count];

    /// <summary>Adds a contribution instant to the pair (user, owner), created on the user's first one.</summary>
    public void Add(UserData user, UserData owner, long at) => Coverage.InsertKeepingDayEnds(Tie(user, owner).Instants, at);

    /// <summary>Recomputes the pair (user, owner) from the user's contributions to the ideas the owner has now.</summary>
    /// <param name="forgetBefore">The model's horizon: a tie keeps what a tie built event by event would (see <see cref="Coverage.ForgetBefore"/>).</param>
    public void Rebuild(UserData user, UserData owner, long forgetBefore)
    {
        if (user == owner)
        {
            return;
        }
        var instants = new List<long>();
        foreach (var idea in user.Ideas ?? [])
        {
            if (idea.Owner == owner)
            {
                instants.AddRange(idea.Contributions[user]);
            }
        }
        Coverage.SortDistinct(instants);
        Coverage.KeepDayEnds(instants);
        Coverage.ForgetBefore(instants, forgetBefore);
        if (instants.Count > 0)
        {
            var tie = Tie(user, owner);
            tie.Instants.Clear();
            tie.Instants.AddRange(instants);
        }
        else if (user.Ties?.Remove(owner, out var gone) == true)
        {
            ties[gone.Tag] = null;
        }
    }

    /// <summary>
    /// Forgets the instants before <paramref name="before"/> (see <see cref="Coverage.ForgetBefore"/>) and keeps the
    /// counters' marks before <paramref name="floorDay"/> only as sums: the ties are read at an answer's end, no earlier
    /// than a bounded window after <paramref name="before"/>.
    /// </summary>
    public void Forget(long before, int floorDay)
    {
        foreach (var tie in ties)
        {
            if (tie is not null)
            {
                Coverage.ForgetBefore(tie.Instants, before);
            }
        }
        foreach (var counter in counts)
        {
            counter.Forget(floorDay);
        }
        foreach (var counter in tiedUsers.Concat(breadth.SelectMany(perWindow => perWindow)))
        {
            counter.Forget(floorDay);
        }
    }

    /// <summary>Forgets the instants of one tie before <paramref name="before"/>, after a late event added one there.</summary>
    public void ForgetBefore(UserData user, UserData owner, long before) => Coverage.ForgetBefore(Tie(user, owner).Instants, before);

    private TieData Tie(UserData user, UserData owner)
    {
        if (!(user.Ties ??= []).TryGetValue(owner, out var tie))
        {
            user.Ties[owner] = tie = new TieData(ties.Count, user, owner);
            ties.Add(tie);
        }
        return tie;
    }

    /// <summary>The user's ties within the scope, the user's presence in any tie, and per dimension in ties to each other group.</summary>
    public void Emit(UserData user, ChangeScope scope, int sign, PendingMarks pending)
    {
        if (user.Ties is not { Count: > 0 } userTies || !(scope.AllTies || scope.TieOwner is not null))
        {
            return;
        }
        foreach (var tie in userTies.Values)
        {
            if (!scope.AllTies && tie.Owner != scope.TieOwner)
            {
                continue;
            }
            for (var d = 0; d < Dimensions.Count; d++)
            {
                slots[d] = 2 * user.Groups[d] + (tie.Owner.Groups[d] == user.Groups[d] ? 1 : 0);
            }
            for (var w = 0; w < ModelWindows.Count; w++)
            {
                var length = ModelWindows.Length(w);
                runs.Clear();
                Coverage.Cover(tie.Instants, length, scope.From, scope.RegionEnd(length), runs);
                pending.Mark(runs, sign, counts[w], tie.Tag, slots);
            }
        }
        EmitUnion(userTies.Values, scope, sign, tiedUsers, pending);
        for (var d = 0; d < Dimensions.Count; d++)
        {
            var dimension = d;
            var own = user.Groups[d];
            var reached = scope.AllTies
                ? userTies.Keys.Select(owner => owner.Groups[dimension]).Where(g => g != own).Distinct().ToList()
                : scope.TieOwner!.Groups[d] != own ? [scope.TieOwner.Groups[d]] : [];
            foreach (var group in reached)
            {
                EmitUnion(userTies.Values.Where(t => t.Owner.Groups[dimension] == group), scope, sign, breadth[d], pending);
            }
        }
    }

    /// <summary>Marks the presence in any of the <paramref name="selected"/> ties, for every window.</summary>
    private void EmitUnion(IEnumerable<TieData> selected, ChangeScope scope, int sign, InstantCounter[] perWindow, PendingMarks pending)
    {
        // Bounded windows only see instants after from minus the longest; the all-time window only needs each tie's earliest.
        var lowest = scope.IsEverything ? long.MinValue : scope.From - ModelWindows.LongestBounded + 1;
        gathered.Clear();
        foreach (var tie in selected)
        {
            gathered.Add(tie.Instants[0]);
            for (var i = Math.Max(1, Coverage.LowerBound(tie.Instants, lowest)); i < tie.Instants.Count; i++)
            {
                gathered.Add(tie.Instants[i]);
            }
        }
        Coverage.SortDistinct(gathered);
        for (var w = 0; w < ModelWindows.Count; w++)
        {
            var length = ModelWindows.Length(w);
            runs.Clear();
            Coverage.Cover(gathered, length, scope.From, scope.RegionEnd(length), runs);
            pending.Mark(runs, sign, perWindow[w]);
        }
    }

    public TieStats Ties(ReadWindow window, DateTimeOffset end, Dimension by)
    {
        var w = ModelWindows.IndexOf(window);
        var at = end.UtcTicks;
        var d = (int)by;
        var table = population.Groups[d];
        // Slot 2g holds the external ties of group g's users, 2g + 1 the internal ones.
        // A removed tie's marks cancel out at every instant (each +1 has its -1 at the same instant), so any slot takes them.
        var bySlot = counts[w].CountBySlot(d, at, 2 * table.Keys.Count, tag =>
            ties[tag] is { } tie ? 2 * tie.User.Groups[d] + (tie.Owner.Groups[d] == tie.User.Groups[d] ? 1 : 0) : 0);
        var grouped = new List<GroupTieCounts>();
        for (var g = 0; g < table.Keys.Count; g++)
        {
            if (table.Users[g] > 0)
            {
                grouped.Add(new GroupTieCounts(table.Keys[g], table.Users[g], bySlot[2 * g], bySlot[2 * g + 1]));
            }
        }
        return new TieStats(counts[w].Exact.CountAt(at), grouped,
            breadth[d][w].CountAt(at), tiedUsers[w].CountAt(at), grouped.Sum(g => g.External), grouped.Sum(g => g.Internal));
    }

    /// <summary>
    /// The ties in the window from each group to each group, read off every tie at the answer's end (so unlike
    /// <see cref="Ties"/> it costs a pass over the ties, a few milliseconds per hundred thousand). Groups under the
    /// privacy floor are merged as <see cref="PrivacyFloor"/> says, for rows and columns alike.
    /// </summary>
    public TieMatrix Matrix(ReadWindow window, DateTimeOffset end, Dimension by, int floor)
    {
        var length = ModelWindows.Length(ModelWindows.IndexOf(window));
        var at = end.UtcTicks;
        var d = (int)by;
        var table = population.Groups[d];
        var pairs = new Dictionary<(int From, int To), long>();
        var total = 0L;
        foreach (var tie in ties)
        {
            if (tie is not null && Coverage.AnyWithin(tie.Instants, length, at))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(pairs, (tie.User.Groups[d], tie.Owner.Groups[d]), out _)++;
                total++;
            }
        }
        var shown = PrivacyFloor.Apply(
            Enumerable.Range(0, table.Keys.Count).Where(g => table.Users[g] > 0).Select(g => (Key: table.Keys[g], Users: table.Users[g], Members: new[] { g })),
            floor, g => g.Key, g => g.Users,
            hidden => (PrivacyFloor.OtherKey, hidden.Sum(g => g.Users), hidden.SelectMany(g => g.Members).ToArray()));
        var shownAs = new int[table.Keys.Count];
        Array.Fill(shownAs, -1);
        for (var i = 0; i < shown.Count; i++)
        {
            foreach (var member in shown[i].Members)
            {
                shownAs[member] = i;
            }
        }
        var cells = new long[shown.Count, shown.Count];
        foreach (var ((from, to), count) in pairs)
        {
            if (shownAs[from] >= 0 && shownAs[to] >= 0)
            {
                cells[shownAs[from], shownAs[to]] += count;
            }
        }
        return new TieMatrix(total, [.. shown.Select(g => new GroupSize(g.Key, g.Users))],
            [.. from i in Enumerable.Range(0, shown.Count) from j in Enumerable.Range(0, shown.Count) select new TieCell(shown[i].Key, shown[j].Key, cells[i, j])]);
    }

    /// <summary>Per dimension, how many groups other than the user's own own ideas the user contributed to in the window.</summary>
    public int[]? Breadth(string userId, ReadWindow window, DateTimeOffset end)
    {
        if (!population.TryFind(userId, out var user))
        {
            return null;
        }
        var length = ModelWindows.Length(ModelWindows.IndexOf(window));
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

    /// <summary>The pairs (user and owner numbers, -1 for a hole) with their instants, then the counters.</summary>
    public void WriteTo(ModelWriter writer)
    {
        writer.Write(ties.Count);
        writer.WriteItems<int>([.. ties.Select(t => t?.User.Index ?? -1)]);
        writer.WriteItems<int>([.. ties.Select(t => t?.Owner.Index ?? -1)]);
        writer.WriteLists(ties.Select(t => t?.Instants));
        foreach (var counter in counts)
        {
            counter.WriteTo(writer);
        }
        foreach (var counter in tiedUsers.Concat(breadth.SelectMany(perWindow => perWindow)))
        {
            counter.WriteTo(writer);
        }
    }

    public static ContributionTies ReadFrom(ModelReader reader, Population population)
    {
        var part = new ContributionTies(population);
        var count = reader.ReadCount(2 * sizeof(int));
        var users = reader.ReadItems<int>(count);
        var owners = reader.ReadItems<int>(count);
        var instants = reader.ReadLists<long>(count);
        for (var tag = 0; tag < count; tag++)
        {
            if (users[tag] == -1)
            {
                part.ties.Add(null);
                continue;
            }
            var (user, owner) = (population[users[tag]], population[owners[tag]]);
            var tie = new TieData(tag, user, owner);
            tie.Instants.AddRange(instants[tag] is { Count: > 0 } list ? list : throw ModelReader.Damaged("a tie without instants"));
            (user.Ties ??= []).Add(owner, tie);
            part.ties.Add(tie);
        }
        for (var w = 0; w < ModelWindows.Count; w++)
        {
            part.counts[w] = GroupedCounter.ReadFrom(reader, count);
        }
        for (var w = 0; w < ModelWindows.Count; w++)
        {
            part.tiedUsers[w] = InstantCounter.ReadFrom(reader, 0);
        }
        foreach (var perWindow in part.breadth)
        {
            for (var w = 0; w < ModelWindows.Count; w++)
            {
                perWindow[w] = InstantCounter.ReadFrom(reader, 0);
            }
        }
        return part;
    }
}

using System.Runtime.InteropServices;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Analytics;

/// <summary>
/// The fold of every user stream into counters that answer participation, tie and funnel questions for any window end
/// in O(groups x log days). Each user's presence in a window is a set of runs over the window end (see
/// <see cref="Coverage"/>); counters add up those runs per level and window, and split them by group.
///
/// A change to a user is applied as "subtract what the user contributed to the counters over the ends the change can
/// affect, change, add it back": counts are exact, and the same code moves users between groups and ties between
/// owners. Not thread-safe: the analytics grain owns it.
/// </summary>
internal sealed partial class AnalyticsModel
{
    /// <summary>Window lengths in ticks: 7d, 28d, 90d and all time.</summary>
    private static readonly long[] Lengths =
        [TimeSpan.FromDays(7).Ticks, TimeSpan.FromDays(28).Ticks, TimeSpan.FromDays(90).Ticks, Coverage.Forever];

    private const int WindowCount = 4;
    private const int BoundedWindowCount = 3;

    /// <summary>Presence levels: 0 any interaction (audience or above), 1 a create or contribution (editor or above), 2 a create.</summary>
    private const int LevelCount = 3;

    private readonly Dictionary<string, UserData> userIndex = new(StringComparer.Ordinal);
    private readonly List<UserData> users = [];
    private readonly Dictionary<string, IdeaData> ideas = new(StringComparer.Ordinal);

    /// <summary>Every (contributor, owner) pair by its tag; a pair left without contributions leaves a null.</summary>
    private readonly List<TieData?> ties = [];

    private readonly GroupTable[] groups = [new(), new(), new(), new()];

    /// <summary>Users present per level and window; marks are tagged by user, and the slot is the user's group.</summary>
    private readonly GroupedCounter[,] tiers = New(LevelCount, WindowCount, () => new GroupedCounter());

    /// <summary>Users present at level a in the previous window and level b in this one: [a, b, window].</summary>
    private readonly InstantCounter[,,] funnel = New(LevelCount, LevelCount, BoundedWindowCount);

    /// <summary>Ties per window; tagged by tie, the slot is 2 x the contributor's group, + 1 when the owner is in it too.</summary>
    private readonly GroupedCounter[] tieCounts = [.. Enumerable.Range(0, WindowCount).Select(_ => new GroupedCounter())];

    /// <summary>Users with at least one tie, per window.</summary>
    private readonly InstantCounter[,] tiedUsers = New(1, WindowCount, () => new InstantCounter());

    /// <summary>Per dimension and window, the sum over users of the other groups they have ties to.</summary>
    private readonly InstantCounter[,] breadth = New(Dimensions.Count, WindowCount, () => new InstantCounter());

    /// <summary>Each active user's first instant per day and level, so that the last day of an answer can stop at its end.</summary>
    private DailyFirstInstants dailyFirsts = new(LevelCount);

    // Marks of one change are summed here first, so that what a change leaves alone costs nothing.
    private Dictionary<(InstantCounter Counter, long At, int Tag), int> pendingMarks = [];
    private Dictionary<(DayTotals Totals, int Day), long> pendingDays = [];
    private Dictionary<(int Level, long At), int> pendingFirsts = [];
    private readonly List<Run> runs = [];
    private readonly List<Run> shifted = [];
    private readonly List<Run> joint = [];
    private readonly List<long> gathered = [];
    private readonly int[] slots = new int[Dimensions.Count];

    public long EventsApplied { get; private set; }

    public void Apply(string userId, IStreamEvent streamEvent)
    {
        var user = User(userId);
        switch (streamEvent)
        {
            case ProfileUpdated updated:
                SetGroups(user, updated.Profile);
                break;
            case Interaction interaction:
                Record(user, interaction);
                break;
        }
        EventsApplied++;
    }

    private void Record(UserData user, Interaction interaction)
    {
        var at = interaction.OccurredAt.UtcTicks;
        var idea = Idea(interaction.IdeaId);
        if (interaction.Type == InteractionType.View)
        {
            idea.Views.Insert(Coverage.LowerBound(idea.Views, at + 1), at);
        }
        if (interaction.Type == InteractionType.Create && interaction.ThreadId is null)
        {
            var first = FirstCreate.Earliest(idea.First, interaction);
            if (first != idea.First)
            {
                idea.First = first;
                SetOwner(idea, userIndex[first!.UserId]);
            }
        }

        var top = interaction.Type.Level() switch
        {
            ParticipationLevel.Creator => 2,
            ParticipationLevel.Editor => 1,
            _ => 0,
        };
        var isContribution = interaction.Type is InteractionType.Comment or InteractionType.Like or InteractionType.Edit or InteractionType.Share
            || (interaction.Type == InteractionType.Create && interaction.ThreadId is not null);
        var contributions = isContribution ? idea.ContributionsOf(user) : null;
        var isNew = contributions is not null && !Contains(contributions, at);
        for (var level = 0; level <= top; level++)
        {
            isNew |= user.Levels[level] is not { } instants || !Contains(instants, at);
        }
        if (!isNew)
        {
            return; // another event at the same instant and level changes no presence
        }
        var tieOwner = isContribution && idea.Owner is { } owner && owner != user ? owner : null;
        Change([user], new Scope(at, top, tieOwner), () =>
        {
            for (var level = 0; level <= top; level++)
            {
                Coverage.InsertDistinct(user.Levels[level] ??= [], at);
            }
            if (contributions is not null)
            {
                if (contributions.Count == 0)
                {
                    (user.Ideas ??= []).Add(idea);
                }
                Coverage.InsertDistinct(contributions, at);
            }
            if (tieOwner is not null)
            {
                Coverage.InsertDistinct(Tie(user, tieOwner).Instants, at);
            }
        });
    }

    private void SetOwner(IdeaData idea, UserData owner)
    {
        var previous = idea.Owner;
        if (previous == owner)
        {
            return;
        }
        Change(idea.Contributors, Scope.Everything, () =>
        {
            previous?.Owned!.Remove(idea);
            idea.Owner = owner;
            (owner.Owned ??= []).Add(idea);
            foreach (var contributor in idea.Contributors)
            {
                if (previous is not null)
                {
                    RebuildTie(contributor, previous);
                }
                RebuildTie(contributor, owner);
            }
        });
    }

    private void SetGroups(UserData user, UserProfile profile)
    {
        string?[] values = [profile.Country, profile.Site, profile.Department, profile.Function];
        var next = new int[Dimensions.Count];
        for (var d = 0; d < Dimensions.Count; d++)
        {
            next[d] = groups[d].Find(values[d]);
        }
        if (next.AsSpan().SequenceEqual(user.Groups))
        {
            return;
        }
        // The user's own counters move, and so do the ties of everyone who contributed to the user's ideas.
        var affected = new HashSet<UserData> { user };
        foreach (var owned in user.Owned ?? [])
        {
            affected.UnionWith(owned.Contributors);
        }
        Change([.. affected], Scope.Everything, () =>
        {
            for (var d = 0; d < Dimensions.Count; d++)
            {
                groups[d].Users[user.Groups[d]]--;
                groups[d].Users[next[d]]++;
            }
            user.Groups = next;
        });
    }

    /// <summary>
    /// What a change can affect: window ends from <see cref="From"/> on (all of them for <see cref="long.MinValue"/>),
    /// presence levels up to <see cref="TopLevel"/>, and the tie to <see cref="TieOwner"/> (every tie when
    /// <see cref="AllTies"/>).
    /// </summary>
    private readonly record struct Scope(long From, int TopLevel, UserData? TieOwner, bool AllTies = false)
    {
        public static readonly Scope Everything = new(long.MinValue, LevelCount - 1, null, true);
    }

    /// <summary>Takes the users' presence out of the counters within the scope, changes, and puts it back.</summary>
    private void Change(IReadOnlyCollection<UserData> affected, Scope scope, Action change)
    {
        foreach (var user in affected)
        {
            Emit(user, scope, -1);
        }
        change();
        foreach (var user in affected)
        {
            Emit(user, scope, +1);
        }
        foreach (var ((counter, at, tag), delta) in pendingMarks)
        {
            if (delta != 0)
            {
                counter.Add(at, tag, delta);
            }
        }
        foreach (var ((totals, day), delta) in pendingDays)
        {
            if (delta != 0)
            {
                totals.Add(day, delta);
            }
        }
        foreach (var ((level, at), delta) in pendingFirsts)
        {
            if (delta != 0)
            {
                dailyFirsts.Add(level, at, delta);
            }
        }
        // Clear costs a dictionary's capacity, so one large change (a group move) must not slow every later one.
        pendingMarks = pendingMarks.Count > 1024 ? [] : pendingMarks;
        pendingDays = pendingDays.Count > 1024 ? [] : pendingDays;
        pendingFirsts = pendingFirsts.Count > 1024 ? [] : pendingFirsts;
        pendingMarks.Clear();
        pendingDays.Clear();
        pendingFirsts.Clear();
    }

    private void Emit(UserData user, Scope scope, int sign)
    {
        EmitTiers(user, scope, sign);
        EmitFunnel(user, scope, sign);
        EmitDaily(user, scope, sign);
        if (scope.AllTies || scope.TieOwner is not null)
        {
            EmitTies(user, scope, sign);
        }
    }

    private void EmitTiers(UserData user, Scope scope, int sign)
    {
        for (var level = 0; level <= scope.TopLevel; level++)
        {
            if (user.Levels[level] is not { } instants)
            {
                continue;
            }
            for (var w = 0; w < WindowCount; w++)
            {
                runs.Clear();
                Coverage.Cover(instants, Lengths[w], scope.From, RegionEnd(scope.From, Lengths[w]), runs);
                Mark(runs, sign, tiers[level, w], user.Index, user.Groups);
            }
        }
    }

    /// <summary>Present at level a in the previous window (ends shifted by L) and at level b in this one.</summary>
    private void EmitFunnel(UserData user, Scope scope, int sign)
    {
        var from = scope.From;
        for (var w = 0; w < BoundedWindowCount; w++)
        {
            var length = Lengths[w];
            var to = RegionEnd(from, 2 * length);
            for (var a = 0; a < LevelCount; a++)
            {
                if (user.Levels[a] is not { } before)
                {
                    continue;
                }
                shifted.Clear();
                Coverage.Cover(before, length, from == long.MinValue ? from : from - length, to == Coverage.Forever ? to : to - length, shifted);
                for (var i = 0; i < shifted.Count; i++)
                {
                    shifted[i] = new Run(shifted[i].Start + length, Coverage.Plus(shifted[i].End, length));
                }
                for (var b = 0; b < LevelCount; b++)
                {
                    if ((a > scope.TopLevel && b > scope.TopLevel) || user.Levels[b] is not { } now)
                    {
                        continue;
                    }
                    runs.Clear();
                    Coverage.Cover(now, length, from, to, runs);
                    joint.Clear();
                    Coverage.Intersect(shifted, runs, joint);
                    Mark(joint, sign, funnel[a, b, w]);
                }
            }
        }
    }

    /// <summary>
    /// The user's first instant at each level on each day of the scope: a new event only moves the firsts of its own
    /// day, and only at the levels it reaches.
    /// </summary>
    private void EmitDaily(UserData user, Scope scope, int sign)
    {
        if (user.Levels[0] is not { } any)
        {
            return;
        }
        var from = scope.From;
        var lastDay = from == long.MinValue ? int.MaxValue : DayTotals.DayOf(from);
        var i = from == long.MinValue ? 0 : Coverage.LowerBound(any, DayStart(lastDay));
        while (i < any.Count && DayTotals.DayOf(any[i]) <= lastDay)
        {
            var dayStart = DayStart(DayTotals.DayOf(any[i]));
            var nextDay = dayStart + TimeSpan.TicksPerDay;
            for (var level = 0; level <= scope.TopLevel; level++)
            {
                if (user.Levels[level] is { } instants && Coverage.LowerBound(instants, dayStart) is var j
                    && j < instants.Count && instants[j] < nextDay)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(pendingFirsts, (level, instants[j]), out _) += sign;
                }
            }
            i = Coverage.LowerBound(any, nextDay);
        }
    }

    private static long DayStart(int day) => day * TimeSpan.TicksPerDay;

    /// <summary>
    /// The user's contribution ties: each (user, owner) pair, the user's presence in any tie, and per dimension the
    /// user's presence in ties to each other group (whose sum over users is the breadth).
    /// </summary>
    private void EmitTies(UserData user, Scope scope, int sign)
    {
        if (user.Ties is not { Count: > 0 } userTies)
        {
            return;
        }
        var from = scope.From;
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
            for (var w = 0; w < WindowCount; w++)
            {
                runs.Clear();
                Coverage.Cover(tie.Instants, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
                Mark(runs, sign, tieCounts[w], tie.Tag, slots);
            }
        }
        EmitUnion(userTies.Values, from, sign, tiedUsers, 0);
        for (var d = 0; d < Dimensions.Count; d++)
        {
            var dimension = d;
            var own = user.Groups[d];
            var reached = scope.AllTies
                ? userTies.Keys.Select(owner => owner.Groups[dimension]).Where(g => g != own).Distinct().ToList()
                : scope.TieOwner!.Groups[d] != own ? [scope.TieOwner.Groups[d]] : [];
            foreach (var group in reached)
            {
                EmitUnion(userTies.Values.Where(t => t.Owner.Groups[dimension] == group), from, sign, breadth, d);
            }
        }
    }

    /// <summary>Marks the presence in any of the <paramref name="selected"/> ties, for every window.</summary>
    private void EmitUnion(IEnumerable<TieData> selected, long from, int sign, InstantCounter[,] counters, int row)
    {
        // Bounded windows only see instants after from - 90d; the all-time window only needs each tie's earliest.
        var lowest = from == long.MinValue ? long.MinValue : from - Lengths[BoundedWindowCount - 1] + 1;
        gathered.Clear();
        foreach (var tie in selected)
        {
            gathered.Add(tie.Instants[0]);
            for (var i = Math.Max(1, Coverage.LowerBound(tie.Instants, lowest)); i < tie.Instants.Count; i++)
            {
                gathered.Add(tie.Instants[i]);
            }
        }
        SortDistinct(gathered);
        for (var w = 0; w < WindowCount; w++)
        {
            runs.Clear();
            Coverage.Cover(gathered, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
            Mark(runs, sign, counters[row, w]);
        }
    }

    /// <summary>Marks runs on an ungrouped counter.</summary>
    private void Mark(List<Run> spans, int sign, InstantCounter counter)
    {
        foreach (var span in spans)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(pendingMarks, (counter, span.Start, -1), out _) += sign;
            if (span.End != Coverage.Forever)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(pendingMarks, (counter, span.End, -1), out _) -= sign;
            }
        }
    }

    /// <summary>Marks runs of one tag on a grouped counter, and on its day totals for the tag's slot in every dimension.</summary>
    private void Mark(List<Run> spans, int sign, GroupedCounter counter, int tag, int[] slotPerDimension)
    {
        foreach (var span in spans)
        {
            MarkAt(counter, span.Start, tag, slotPerDimension, sign);
            if (span.End != Coverage.Forever)
            {
                MarkAt(counter, span.End, tag, slotPerDimension, -sign);
            }
        }
    }

    private void MarkAt(GroupedCounter counter, long at, int tag, int[] slotPerDimension, int delta)
    {
        CollectionsMarshal.GetValueRefOrAddDefault(pendingMarks, (counter.Exact, at, tag), out _) += delta;
        var day = DayTotals.DayOf(at);
        for (var d = 0; d < Dimensions.Count; d++)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(pendingDays, (counter.Slot(d, slotPerDimension[d]), day), out _) += delta;
        }
    }

    /// <summary>The pair (user, owner), created on the user's first contribution to one of the owner's ideas.</summary>
    private TieData Tie(UserData user, UserData owner)
    {
        if (!(user.Ties ??= []).TryGetValue(owner, out var tie))
        {
            user.Ties[owner] = tie = new TieData(ties.Count, user, owner);
            ties.Add(tie);
        }
        return tie;
    }

    /// <summary>Recomputes the pair (user, owner) from the user's contributions to the ideas the owner has now.</summary>
    private void RebuildTie(UserData user, UserData owner)
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
        SortDistinct(instants);
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

    private static long RegionEnd(long from, long span) => from == long.MinValue ? Coverage.Forever : Coverage.Plus(from, span);

    private static bool Contains(List<long> instants, long at) =>
        Coverage.LowerBound(instants, at) is var i && i < instants.Count && instants[i] == at;

    private static void SortDistinct(List<long> instants)
    {
        instants.Sort();
        var kept = 0;
        for (var i = 0; i < instants.Count; i++)
        {
            if (kept == 0 || instants[i] != instants[kept - 1])
            {
                instants[kept++] = instants[i];
            }
        }
        instants.RemoveRange(kept, instants.Count - kept);
    }

    private UserData User(string userId)
    {
        if (!userIndex.TryGetValue(userId, out var user))
        {
            userIndex[userId] = user = new UserData(userId, users.Count);
            users.Add(user);
            foreach (var table in groups)
            {
                table.Users[0]++;
            }
        }
        return user;
    }

    private IdeaData Idea(string ideaId)
    {
        if (!ideas.TryGetValue(ideaId, out var idea))
        {
            ideas[ideaId] = idea = new IdeaData(ideaId);
        }
        return idea;
    }

    private static int WindowIndex(ReadWindow window) => window.Name switch
    {
        "7d" => 0,
        "28d" => 1,
        "90d" => 2,
        _ => 3,
    };

    private sealed class UserData(string id, int index)
    {
        public string Id { get; } = id;

        /// <summary>The tag of the user's marks.</summary>
        public int Index { get; } = index;

        /// <summary>Group index per dimension; 0 is "unknown".</summary>
        public int[] Groups { get; set; } = new int[Dimensions.Count];

        /// <summary>Distinct instants per presence level, sorted; null until the user reaches the level.</summary>
        public List<long>?[] Levels { get; } = new List<long>?[LevelCount];

        /// <summary>Ideas the user contributed to.</summary>
        public List<IdeaData>? Ideas { get; set; }

        /// <summary>Ideas the user owns.</summary>
        public List<IdeaData>? Owned { get; set; }

        /// <summary>The user's contribution ties, by owner.</summary>
        public Dictionary<UserData, TieData>? Ties { get; set; }
    }

    /// <summary>A contributor's tie to an idea owner: the distinct instants of their contributions to the owner's ideas.</summary>
    private sealed class TieData(int tag, UserData user, UserData owner)
    {
        public int Tag { get; } = tag;

        public UserData User { get; } = user;

        public UserData Owner { get; } = owner;

        public List<long> Instants { get; } = [];
    }

    private sealed class IdeaData(string id)
    {
        public string Id { get; } = id;

        public FirstCreate? First { get; set; }

        public UserData? Owner { get; set; }

        /// <summary>Per contributor, the distinct instants of their contributions, sorted.</summary>
        public Dictionary<UserData, List<long>> Contributions { get; } = [];

        /// <summary>The instants of every view event, sorted.</summary>
        public List<long> Views { get; } = [];

        public IReadOnlyCollection<UserData> Contributors => Contributions.Keys;

        public List<long> ContributionsOf(UserData user)
        {
            if (!Contributions.TryGetValue(user, out var instants))
            {
                Contributions[user] = instants = [];
            }
            return instants;
        }
    }

    /// <summary>The groups of one dimension; group 0 is "unknown".</summary>
    private sealed class GroupTable
    {
        private readonly Dictionary<string, int> index = new(StringComparer.Ordinal) { [Dimensions.Unknown] = 0 };

        public GroupTable()
        {
        }

        /// <summary>A table with these keys (the first is "unknown") and no user counts yet.</summary>
        public GroupTable(string[] keys)
        {
            Keys = [.. keys];
            Users = [];
            for (var g = 1; g < keys.Length; g++)
            {
                index.Add(keys[g], g);
            }
        }

        public List<string> Keys { get; } = [Dimensions.Unknown];

        public List<long> Users { get; } = [0];

        public int Find(string? key)
        {
            key ??= Dimensions.Unknown;
            if (!index.TryGetValue(key, out var group))
            {
                index[key] = group = Keys.Count;
                Keys.Add(key);
                Users.Add(0);
            }
            return group;
        }
    }

    private static T[,] New<T>(int rows, int columns, Func<T> create)
    {
        var items = new T[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                items[r, c] = create();
            }
        }
        return items;
    }

    private static InstantCounter[,,] New(int a, int b, int c)
    {
        var counters = new InstantCounter[a, b, c];
        for (var i = 0; i < a; i++)
        {
            for (var j = 0; j < b; j++)
            {
                for (var k = 0; k < c; k++)
                {
                    counters[i, j, k] = new InstantCounter();
                }
            }
        }
        return counters;
    }
}

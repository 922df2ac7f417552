using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;
using Collaboration.Users;
using System.Runtime.InteropServices;

namespace Collaboration.Analytics;

/// <summary>
/// The fold of every user stream into counters that answer participation, tie and funnel questions for any window end
/// in O(groups x log days). Each user's presence in a window is a set of runs over the window end (see
/// <see cref="Coverage"/>); counters add up those runs per tier level, window length and group.
///
/// A change to a user is applied as "subtract what the user contributed to the counters over the region the change
/// can affect, change, add it back": counts are exact, and the same code moves a user between groups.
/// Not thread-safe: the analytics grain owns it.
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
    private readonly GroupTable[] groups = [new(), new(), new(), new()];
    private readonly TotalCounters total = new();

    /// <summary>UTC day -> users active that day by their highest tier (index = <see cref="ParticipationLevel"/>).</summary>
    private readonly Dictionary<int, long[]> daily = [];

    private Dictionary<(InstantCounter Counter, long At), int> pending = [];
    private readonly List<Run> runs = [];
    private readonly List<Run> shifted = [];
    private readonly List<Run> joint = [];

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
        Change([user], new Scope(at, top, isContribution), () =>
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
        });
    }

    private void SetOwner(IdeaData idea, UserData owner)
    {
        if (idea.Owner == owner)
        {
            return;
        }
        Change(idea.Contributors, Scope.Everything, () =>
        {
            idea.Owner?.Owned!.Remove(idea);
            idea.Owner = owner;
            (owner.Owned ??= []).Add(idea);
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
    /// presence levels up to <see cref="TopLevel"/>, and contribution ties or not.
    /// </summary>
    private readonly record struct Scope(long From, int TopLevel, bool Ties)
    {
        public static readonly Scope Everything = new(long.MinValue, LevelCount - 1, true);
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
        foreach (var ((counter, at), delta) in pending)
        {
            counter.Add(at, delta);
        }
        // Clear costs the dictionary's capacity, so one large change (a group move) must not slow every later one.
        if (pending.Count > 1024)
        {
            pending = [];
        }
        else
        {
            pending.Clear();
        }
    }

    private void Emit(UserData user, Scope scope, int sign)
    {
        EmitTiers(user, scope, sign);
        EmitFunnel(user, scope, sign);
        EmitDaily(user, scope.From, sign);
        if (scope.Ties)
        {
            EmitTies(user, scope.From, sign);
        }
    }

    private void EmitTiers(UserData user, Scope scope, int sign)
    {
        var from = scope.From;
        for (var level = 0; level <= scope.TopLevel; level++)
        {
            if (user.Levels[level] is not { } instants)
            {
                continue;
            }
            for (var w = 0; w < WindowCount; w++)
            {
                runs.Clear();
                Coverage.Cover(instants, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
                Mark(runs, sign, total.Tiers[level, w]);
                for (var d = 0; d < Dimensions.Count; d++)
                {
                    Mark(runs, sign, groups[d].Counters[user.Groups[d]].Tiers[level, w]);
                }
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
                    Mark(joint, sign, total.Funnel[a, b, w]);
                }
            }
        }
    }

    private void EmitDaily(UserData user, long from, int sign)
    {
        if (user.Levels[0] is not { } any)
        {
            return;
        }
        var start = from == long.MinValue ? 0 : Coverage.LowerBound(any, from - from % TimeSpan.TicksPerDay);
        var last = from == long.MinValue ? int.MaxValue : DayOf(from);
        var previous = -1;
        for (var i = start; i < any.Count && DayOf(any[i]) <= last; i++)
        {
            var day = DayOf(any[i]);
            if (day == previous)
            {
                continue;
            }
            previous = day;
            var tier = 1;
            for (var level = 2; level >= 1 && tier == 1; level--)
            {
                if (user.Levels[level] is { } instants && Coverage.LowerBound(instants, (long)day * TimeSpan.TicksPerDay) is var j
                    && j < instants.Count && DayOf(instants[j]) == day)
                {
                    tier = level + 1;
                }
            }
            if (!daily.TryGetValue(day, out var counts))
            {
                daily[day] = counts = new long[4];
            }
            counts[tier] += sign;
        }
    }

    /// <summary>Contribution ties of <paramref name="user"/> to the owners of the ideas the user contributed to.</summary>
    private void EmitTies(UserData user, long from, int sign)
    {
        if (user.Ideas is null)
        {
            return;
        }
        // Bounded windows only see instants after from - 90d; the all-time window only needs the earliest one.
        var lowest = from == long.MinValue ? long.MinValue : from - Lengths[BoundedWindowCount - 1] + 1;
        var byOwner = new Dictionary<UserData, List<long>>();
        foreach (var idea in user.Ideas)
        {
            if (idea.Owner is not { } owner || owner == user)
            {
                continue;
            }
            var contributions = idea.Contributions[user];
            if (!byOwner.TryGetValue(owner, out var instants))
            {
                byOwner[owner] = instants = [];
            }
            instants.Add(contributions[0]);
            for (var i = Math.Max(1, Coverage.LowerBound(contributions, lowest)); i < contributions.Count; i++)
            {
                instants.Add(contributions[i]);
            }
        }
        if (byOwner.Count == 0)
        {
            return;
        }
        var all = new List<long>();
        var byGroup = new Dictionary<int, List<long>>[Dimensions.Count];
        for (var d = 0; d < Dimensions.Count; d++)
        {
            byGroup[d] = [];
        }
        foreach (var (owner, instants) in byOwner)
        {
            SortDistinct(instants);
            all.AddRange(instants);
            for (var w = 0; w < WindowCount; w++)
            {
                runs.Clear();
                Coverage.Cover(instants, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
                Mark(runs, sign, total.Ties[w]);
                for (var d = 0; d < Dimensions.Count; d++)
                {
                    var counters = groups[d].Counters[user.Groups[d]];
                    Mark(runs, sign, owner.Groups[d] == user.Groups[d] ? counters.Internal[w] : counters.External[w]);
                }
            }
            for (var d = 0; d < Dimensions.Count; d++)
            {
                if (owner.Groups[d] != user.Groups[d])
                {
                    if (!byGroup[d].TryGetValue(owner.Groups[d], out var groupInstants))
                    {
                        byGroup[d][owner.Groups[d]] = groupInstants = [];
                    }
                    groupInstants.AddRange(instants);
                }
            }
        }
        SortDistinct(all);
        foreach (var perGroup in byGroup)
        {
            foreach (var groupInstants in perGroup.Values)
            {
                SortDistinct(groupInstants);
            }
        }
        for (var w = 0; w < WindowCount; w++)
        {
            runs.Clear();
            Coverage.Cover(all, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
            Mark(runs, sign, total.TiedUsers[w]);
            for (var d = 0; d < Dimensions.Count; d++)
            {
                foreach (var groupInstants in byGroup[d].Values)
                {
                    runs.Clear();
                    Coverage.Cover(groupInstants, Lengths[w], from, RegionEnd(from, Lengths[w]), runs);
                    Mark(runs, sign, total.Breadth[d, w]);
                }
            }
        }
    }

    private void Mark(List<Run> spans, int sign, InstantCounter counter)
    {
        foreach (var span in spans)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(pending, (counter, span.Start), out _) += sign;
            if (span.End != Coverage.Forever)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(pending, (counter, span.End), out _) -= sign;
            }
        }
    }

    private static long RegionEnd(long from, long span) => from == long.MinValue ? Coverage.Forever : Coverage.Plus(from, span);

    private static int DayOf(long ticks) => (int)(ticks / TimeSpan.TicksPerDay);

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
            userIndex[userId] = user = new UserData(userId);
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

    private sealed class UserData(string id)
    {
        public string Id { get; } = id;

        /// <summary>Group index per dimension; 0 is "unknown".</summary>
        public int[] Groups { get; set; } = new int[Dimensions.Count];

        /// <summary>Distinct instants per presence level, sorted; null until the user reaches the level.</summary>
        public List<long>?[] Levels { get; } = new List<long>?[LevelCount];

        /// <summary>Ideas the user contributed to.</summary>
        public List<IdeaData>? Ideas { get; set; }

        /// <summary>Ideas the user owns.</summary>
        public List<IdeaData>? Owned { get; set; }
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

        public List<string> Keys { get; } = [Dimensions.Unknown];

        public List<long> Users { get; } = [0];

        public List<GroupCounters> Counters { get; } = [new()];

        public int Find(string? key)
        {
            key ??= Dimensions.Unknown;
            if (!index.TryGetValue(key, out var group))
            {
                index[key] = group = Keys.Count;
                Keys.Add(key);
                Users.Add(0);
                Counters.Add(new GroupCounters());
            }
            return group;
        }
    }

    private sealed class GroupCounters
    {
        public InstantCounter[,] Tiers { get; } = Counters(LevelCount, WindowCount);

        /// <summary>Ties from this group's users to owners in another group of the dimension.</summary>
        public InstantCounter[] External { get; } = Counters(WindowCount);

        public InstantCounter[] Internal { get; } = Counters(WindowCount);
    }

    private sealed class TotalCounters
    {
        public InstantCounter[,] Tiers { get; } = Counters(LevelCount, WindowCount);

        public InstantCounter[,,] Funnel { get; } = Counters(LevelCount, LevelCount, BoundedWindowCount);

        public InstantCounter[] Ties { get; } = Counters(WindowCount);

        /// <summary>Users with at least one tie.</summary>
        public InstantCounter[] TiedUsers { get; } = Counters(WindowCount);

        /// <summary>Per dimension, the sum over users of the other groups they have ties to.</summary>
        public InstantCounter[,] Breadth { get; } = Counters(Dimensions.Count, WindowCount);
    }

    private static InstantCounter[] Counters(int count) => [.. Enumerable.Range(0, count).Select(_ => new InstantCounter())];

    private static InstantCounter[,] Counters(int rows, int columns)
    {
        var counters = new InstantCounter[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                counters[r, c] = new InstantCounter();
            }
        }
        return counters;
    }

    private static InstantCounter[,,] Counters(int a, int b, int c)
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

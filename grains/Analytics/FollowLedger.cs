using System.Runtime.InteropServices;
using Collaboration.Events;
using Collaboration.Folds;

namespace Collaboration.Analytics;

/// <summary>
/// Company-wide follows and when each follower last saw what they follow: the "keep it relevant" KPI. Per (user,
/// idea) with any event of the user there, on the idea or its threads: the latest instant of those events (when they
/// last saw it; a maximum, so order independent). Per pair with a follow decision (a follow, an unfollow or the idea's
/// create): the decision in force, by the user grain's rule (<see cref="FollowMark"/>). Kept for all time: it grows
/// with pairs, not with events.
/// </summary>
internal sealed class FollowLedger
{
    private readonly Dictionary<(UserData User, IdeaData Idea), long> lastSeen = [];
    private readonly Dictionary<(UserData User, IdeaData Idea), FollowMark> decisions = [];

    /// <summary>How many (user, idea) pairs it holds, and how many of them have a decision, for the memory report.</summary>
    public (int Seen, int Decided) Pairs => (lastSeen.Count, decisions.Count);

    /// <summary>Whether the user's follow decision in force on the idea is to follow it.</summary>
    public bool Follows(UserData user, IdeaData idea) => decisions.TryGetValue((user, idea), out var decision) && decision.Following;

    public void Record(UserData user, IdeaData idea, Interaction interaction)
    {
        var at = interaction.OccurredAt.UtcTicks;
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(lastSeen, (user, idea), out var known);
        seen = known ? Math.Max(seen, at) : at;
        if (interaction.CountsAsFollowMark)
        {
            var mark = new FollowMark(at, interaction.EventId, interaction.MarksFollowing);
            ref var decision = ref CollectionsMarshal.GetValueRefOrAddDefault(decisions, (user, idea), out var decided);
            if (!decided || mark.IsLaterThan(decision))
            {
                decision = mark;
            }
        }
    }

    /// <summary>
    /// The follows in force and those not seen since <paramref name="seenBy"/> (last seen at or before it), by the
    /// follower's group for <paramref name="by"/>: per group, its followers, follows and stale follows.
    /// </summary>
    public Dictionary<int, (HashSet<UserData> Followers, long Follows, long Stale)> Stale(long seenBy, Dimension by)
    {
        var groups = new Dictionary<int, (HashSet<UserData> Followers, long Follows, long Stale)>();
        foreach (var (pair, decision) in decisions)
        {
            if (!decision.Following)
            {
                continue;
            }
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, pair.User.Groups[(int)by], out var exists);
            if (!exists)
            {
                group.Followers = [];
            }
            group.Followers.Add(pair.User);
            group.Follows++;
            group.Stale += lastSeen[pair] <= seenBy ? 1 : 0;
        }
        return groups;
    }

    /// <summary>A ledger of the same pairs, built anew: what the benchmark weighs.</summary>
    public FollowLedger Copy()
    {
        var copy = new FollowLedger();
        foreach (var (pair, seen) in lastSeen)
        {
            copy.lastSeen.Add(pair, seen);
        }
        foreach (var (pair, decision) in decisions)
        {
            copy.decisions.Add(pair, decision with { EventId = new string(decision.EventId) });
        }
        return copy;
    }

    public void WriteTo(ModelWriter writer)
    {
        writer.WriteArray([.. lastSeen.Keys.Select(p => p.User.Index)]);
        writer.WriteItems<int>([.. lastSeen.Keys.Select(p => p.Idea.Index)]);
        writer.WriteItems<long>([.. lastSeen.Values]);
        writer.WriteArray([.. decisions.Keys.Select(p => p.User.Index)]);
        writer.WriteItems<int>([.. decisions.Keys.Select(p => p.Idea.Index)]);
        writer.WriteItems<long>([.. decisions.Values.Select(d => d.Ticks)]);
        writer.WriteItems<int>([.. decisions.Values.Select(d => d.Following ? 1 : 0)]);
        foreach (var decision in decisions.Values)
        {
            writer.WriteString(decision.EventId);
        }
    }

    public static FollowLedger ReadFrom(ModelReader reader, Population population, IReadOnlyList<IdeaData> ideas)
    {
        var ledger = new FollowLedger();
        var users = reader.ReadInts();
        var ideaNumbers = reader.ReadItems<int>(users.Length);
        var ticks = reader.ReadItems<long>(users.Length);
        for (var i = 0; i < users.Length; i++)
        {
            ledger.lastSeen.Add(Pair(population, ideas, users[i], ideaNumbers[i]), ticks[i]);
        }
        users = reader.ReadInts();
        ideaNumbers = reader.ReadItems<int>(users.Length);
        ticks = reader.ReadItems<long>(users.Length);
        var following = reader.ReadItems<int>(users.Length);
        for (var i = 0; i < users.Length; i++)
        {
            var pair = Pair(population, ideas, users[i], ideaNumbers[i]);
            var eventId = reader.ReadString() ?? throw ModelReader.Damaged("a follow decision without an event id");
            if (!ledger.lastSeen.ContainsKey(pair) || following[i] is not (0 or 1))
            {
                throw ModelReader.Damaged("a follow decision of a pair never seen");
            }
            ledger.decisions.Add(pair, new FollowMark(ticks[i], eventId, following[i] == 1));
        }
        return ledger;
    }

    private static (UserData, IdeaData) Pair(Population population, IReadOnlyList<IdeaData> ideas, int user, int idea) =>
        (uint)user < (uint)population.Count && (uint)idea < (uint)ideas.Count
            ? (population[user], ideas[idea])
            : throw ModelReader.Damaged($"a follow pair of user {user} and idea {idea}");
}

using System.Runtime.InteropServices;

namespace Collaboration.LoadGen;

/// <summary>
/// Computes the expected answers by reading the generated files back, with the README's rules and nothing from the
/// service: duplicates (same eventId) count once; a (user, idea) follow state is set by its latest follow, unfollow
/// or idea-level create (ties go to the larger eventId); the owner is the earliest idea-level create (ties go to the
/// smaller eventId); tiers take the highest level in a window (now - length, now]. Ties and reach are in
/// ExpectedFold.Analytics.cs.
/// </summary>
public sealed partial class ExpectedFold
{
    private readonly DateTimeOffset now;
    private readonly Dictionary<string, int> userIndex = new(StringComparer.Ordinal);
    private readonly List<string> userIds = [];
    private readonly List<long> userTotals = [];
    private readonly List<byte> userLevels = [];
    private readonly List<byte> userNearEdge = [];
    private readonly List<byte> ideaNearEdge = [];
    private readonly Dictionary<string, int> ideaIndex = new(StringComparer.Ordinal);
    private readonly List<string> ideaIds = [];
    private readonly List<long> ideaCounts = [];
    private readonly List<(long Ticks, string EventId, string UserId)?> owners = [];
    private readonly List<HashSet<string>> threads = [];
    private readonly Dictionary<(int Idea, int User), (byte Level, long LastSeen)> participation = [];
    // Every event of each idea (its threads' too), for what is new to its followers.
    private readonly List<List<(long Ticks, EventType Type)>> ideaActivity = [];
    private readonly Dictionary<(int User, int Idea), (long Ticks, string EventId, bool Following)> follows = [];
    // Event id hash -> content hash; 64-bit hashes keep 10 million ids in a few hundred MB instead of gigabytes.
    private readonly Dictionary<ulong, ulong> seen = [];
    private long lines;

    private ExpectedFold(DateTimeOffset now) => this.now = now;

    /// <summary>Folds events.ndjson and, when present, registers the users of directory.csv with their groups.</summary>
    public static ExpectedAnswers Compute(string eventsPath, string? directoryPath, DateTimeOffset now)
    {
        var fold = new ExpectedFold(now);
        if (directoryPath is not null && File.Exists(directoryPath))
        {
            foreach (var (userId, groups) in Dimensions.ReadDirectory(directoryPath))
            {
                fold.userGroups[fold.User(userId)] = groups;
            }
        }
        foreach (var line in File.ReadLines(eventsPath))
        {
            if (line.Length > 0)
            {
                fold.Add(line);
            }
        }
        return fold.Answers();
    }

    private void Add(string line)
    {
        lines++;
        var e = WireEvent.Parse(line);
        var (idHash, contentHash) = (Hash(e.EventId), Hash(line));
        if (seen.TryGetValue(idHash, out var earlier))
        {
            // The generator must only repeat an event byte for byte; anything else would be a conflict (409).
            if (earlier != contentHash)
            {
                throw new InvalidDataException($"event {e.EventId} appears with two contents");
            }
            return;
        }
        seen.Add(idHash, contentHash);

        var type = EventTypes.Parse(e.Type);
        var level = type.Level();
        var (user, idea) = (User(e.UserId), Idea(e.IdeaId));
        var ticks = e.OccurredAt.UtcTicks;

        userTotals[user * EventTypes.Count + (int)type]++;
        var nearEdge = Windows.NearEdges(ticks, now.UtcTicks);
        userNearEdge[user] |= nearEdge;
        for (var w = 0; w < Windows.Names.Length; w++)
        {
            if (Windows.Holds(w, ticks, now.UtcTicks) && userLevels[user * Windows.Names.Length + w] < level)
            {
                userLevels[user * Windows.Names.Length + w] = level;
            }
        }

        ideaCounts[idea * EventTypes.Count + (int)type]++;
        if (e.ThreadId is not null)
        {
            threads[idea].Add(e.ThreadId);
        }
        ref var participant = ref CollectionsMarshal.GetValueRefOrAddDefault(participation, (idea, user), out var known);
        participant = (Math.Max(participant.Level, level), known ? Math.Max(participant.LastSeen, ticks) : ticks);
        ideaActivity[idea].Add((ticks, type));
        if (type.IsContribution(e.ThreadId is not null))
        {
            ideaNearEdge[idea] |= nearEdge;
            Contributed(idea, user, ticks);
            ContributedOnDay(idea, user, ticks);
        }

        var ideaLevel = e.ThreadId is null;
        if (ideaLevel && type == EventType.Create && (owners[idea] is not { } owner || Earlier(ticks, e.EventId, owner.Ticks, owner.EventId)))
        {
            owners[idea] = (ticks, e.EventId, e.UserId);
            Owned(idea, e.Tags);
        }
        if (ideaLevel && type is EventType.Create or EventType.Follow or EventType.Unfollow)
        {
            var on = type != EventType.Unfollow;
            if (!follows.TryGetValue((user, idea), out var mark) || Earlier(mark.Ticks, mark.EventId, ticks, e.EventId))
            {
                follows[(user, idea)] = (ticks, e.EventId, on);
            }
        }
    }

    private ExpectedAnswers Answers()
    {
        var following = new int[userIds.Count];
        var followers = new int[ideaIds.Count];
        foreach (var ((user, idea), mark) in follows)
        {
            if (mark.Following)
            {
                following[user]++;
                followers[idea]++;
            }
        }
        var participants = new int[ideaIds.Count * 3];
        foreach (var ((idea, _), (level, _)) in participation)
        {
            participants[idea * 3 + (3 - level)]++;
        }

        var windows = Windows.Names.Length;
        var users = new UserAnswer[userIds.Count];
        var tierTotals = Windows.Names.ToDictionary(w => w, _ => new int[Tiers.Names.Length]);
        for (var u = 0; u < users.Length; u++)
        {
            var levels = CollectionsMarshal.AsSpan(userLevels).Slice(u * windows, windows).ToArray();
            for (var w = 0; w < windows; w++)
            {
                tierTotals[Windows.Names[w]][levels[w]]++;
            }
            users[u] = new UserAnswer(userIds[u], new string(levels.Select(Tiers.Letter).ToArray()),
                Slice(userTotals, u), following[u], userNearEdge[u]);
        }
        var reach = Reach();
        var ideas = Enumerable.Range(0, ideaIds.Count)
            .Select(i => new IdeaAnswer(ideaIds[i], owners[i]?.UserId, threads[i].Count, followers[i], Slice(ideaCounts, i),
                participants[(i * 3)..(i * 3 + 3)], reach[i], ideaNearEdge[i]))
            .ToArray();
        var (people, suggested) = Suggestions(reach);
        return new ExpectedAnswers(now, lines, seen.Count, users, ideas, tierTotals, Ties(), EdgesKnown: true, Updates: Updates(following),
            People: people, Suggested: suggested);
    }

    private int User(string id)
    {
        if (!userIndex.TryGetValue(id, out var index))
        {
            userIndex.Add(id, index = userIds.Count);
            userIds.Add(id);
            userTotals.AddRange(new long[EventTypes.Count]);
            userLevels.AddRange(new byte[Windows.Names.Length]);
            userNearEdge.Add(0);
            userGroups.Add(Dimensions.UnknownGroups);
        }
        return index;
    }

    private int Idea(string id)
    {
        if (!ideaIndex.TryGetValue(id, out var index))
        {
            ideaIndex.Add(id, index = ideaIds.Count);
            ideaIds.Add(id);
            ideaCounts.AddRange(new long[EventTypes.Count]);
            ideaNearEdge.Add(0);
            owners.Add(null);
            threads.Add(new HashSet<string>(StringComparer.Ordinal));
            ideaActivity.Add([]);
            ownerTags.Add([]);
        }
        return index;
    }

    /// <summary>How many users' updates are worked out (spread evenly over the users who follow something).</summary>
    public const int UpdatesSample = 1_000;

    /// <summary>
    /// The updates of a sample of the users who follow something: each followed idea whose latest event is after the
    /// user's latest own event there, with what came after that among the idea's 90 days up to its latest.
    /// </summary>
    private List<UpdatesAnswer> Updates(int[] following)
    {
        var followers = Enumerable.Range(0, userIds.Count).Where(u => following[u] > 0).ToList();
        var step = Math.Max(1, followers.Count / UpdatesSample);
        var sample = followers.Where((_, i) => i % step == 0).Take(UpdatesSample).ToHashSet();
        var followed = follows.Where(pair => pair.Value.Following && sample.Contains(pair.Key.User)).GroupBy(pair => pair.Key.User, pair => pair.Key.Idea);
        var kept = TimeSpan.FromDays(90).Ticks;
        return [.. followed.OrderBy(user => userIds[user.Key], StringComparer.Ordinal).Select(user => new UpdatesAnswer(userIds[user.Key], [.. user
            .Select(idea => (Idea: idea, Seen: participation[(idea, user.Key)].LastSeen, Last: ideaActivity[idea].Max(a => a.Ticks)))
            .Where(news => news.Last > news.Seen)
            .OrderByDescending(news => news.Last).ThenBy(news => ideaIds[news.Idea], StringComparer.Ordinal)
            .Select(news =>
            {
                var counts = new long[EventTypes.Count];
                foreach (var (ticks, type) in ideaActivity[news.Idea])
                {
                    if (ticks > news.Seen && ticks >= news.Last - kept)
                    {
                        counts[(int)type]++;
                    }
                }
                return new UpdateItem(ideaIds[news.Idea], news.Last, news.Seen, counts);
            })]))];
    }

    private static bool Earlier(long ticks, string eventId, long otherTicks, string otherEventId) =>
        ticks < otherTicks || (ticks == otherTicks && string.CompareOrdinal(eventId, otherEventId) < 0);

    private static long[] Slice(List<long> values, int index) =>
        CollectionsMarshal.AsSpan(values).Slice(index * EventTypes.Count, EventTypes.Count).ToArray();

    /// <summary>FNV-1a over the UTF-16 text; stable across runs, unlike string.GetHashCode.</summary>
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}

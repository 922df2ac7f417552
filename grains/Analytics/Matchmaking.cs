using System.Runtime.InteropServices;

namespace Collaboration.Analytics;

/// <summary>
/// Interests and weak-tie matchmaking (listen, filter, connect: the connect part), read from what the model already
/// folds: each idea's tags and owner (its first create) and each contributor's instants on it. Nothing is kept for it
/// but the <see cref="TagIndex"/>, so it is order independent and rebuilt from the journal like the
/// rest of the model.
///
/// A user's <b>interest</b> in a tag at the UTC day D: over the ideas with that tag (ignoring case), each UTC day d of
/// the 90 ending with D (D whole) on which the user created the idea (its first create) or contributed to it counts
/// 4 when D - d &lt; 30, 2 when &lt; 60 and 1 when &lt; 90: it halves every 30 days and is gone after 90. An idea and a
/// day count once, whatever was done on it that day, so a burst of likes weighs what one comment does.
/// </summary>
internal static class Matchmaking
{
    public const int Days = 90;

    private static readonly long WindowLength = TimeSpan.FromDays(Days).Ticks;


    /// <summary>
    /// Colleagues outside the owner's group for <paramref name="by"/> who are likely to help with the idea: not its
    /// owner, no contribution to it ever, not opted out, their group known and not the owner's, and interest in at least
    /// one of its tags. Highest score (interest summed over the idea's tags) first, equal ones by user id. Null for an
    /// idea no event names.
    /// </summary>
    public static PeopleSuggestions? People(
        IdeaReachIndex ideas, InterestIndex interestIndex, Population population, Scratch scratch, string ideaId, Dimension by, int limit, DateTimeOffset end)
    {
        if (!ideas.TryGet(ideaId, out var idea))
        {
            return null;
        }
        var tags = idea.Tags;
        if (idea.Owner is not { } owner)
        {
            return new PeopleSuggestions(null, null, tags, []);
        }
        var dimension = (int)by;
        var ownerGroup = owner.Groups[dimension];
        var lastDay = DayTotals.DayOf(end.UtcTicks);
        bool Eligible(UserData user) =>
            user != owner && !user.SuggestionsOff && user.Groups[dimension] is not 0 && user.Groups[dimension] != ownerGroup && !idea.Contributions.ContainsKey(user);
        var best = limit <= 0 ? []
            : interestIndex.IsRanked(lastDay) ? FromTheTop(interestIndex, tags, lastDay, Eligible, limit, scratch)
            : Scanned(interestIndex, tags, lastDay, Eligible, limit, population, scratch);
        var people = best
            .Select(c => new SuggestedPerson(c.User.Id, c.Score, SharedTags(tags, [.. tags.Select(t => interestIndex.Of(t, c.User, lastDay))]),
                population.KeyOf(c.User, Dimension.Country), population.KeyOf(c.User, Dimension.Function), RecentContributions(c.User, lastDay)))
            .ToArray();
        return new PeopleSuggestions(owner.Id, ownerGroup == 0 ? null : population.KeyOf(owner, by), tags, people);
    }

    /// <summary>The order of people for an idea: the highest score first, equal ones by user id.</summary>
    private static int ByScore((UserData User, int Score) a, (UserData User, int Score) b) =>
        a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.User.Id, b.User.Id);

    private static readonly IComparer<(UserData User, int Score)> WorstScoreFirst = Comparer<(UserData User, int Score)>.Create((a, b) => ByScore(b, a));

    /// <summary>
    /// The best eligible users for the day the index keeps ranked (<see cref="InterestIndex.Ranked"/>): each tag's users
    /// walked from the highest interest down, always in the tag whose next group is the highest, scoring each user met
    /// in full. Anyone not met yet scores at most the sum of each tag's next interest, so the walk stops once the worst
    /// of the best kept scores more than that. Most ideas are answered from a few groups instead of every active user.
    /// </summary>
    private static List<(UserData User, int Score)> FromTheTop(
        InterestIndex index, string[] tags, int lastDay, Func<UserData, bool> eligible, int limit, Scratch scratch)
    {
        var best = scratch.BestPeople;
        best.Clear();
        var met = scratch.Met;
        met.Clear();
        var cursors = new SortedDictionary<int, HashSet<UserData>>.Enumerator[tags.Length];
        var live = new bool[tags.Length];
        for (var t = 0; t < tags.Length; t++)
        {
            cursors[t] = index.Ranked(tags[t]).GetEnumerator();
            live[t] = cursors[t].MoveNext();
        }
        while (true)
        {
            var (unmetAtMost, next) = (0, -1);
            for (var t = 0; t < tags.Length; t++)
            {
                if (live[t])
                {
                    unmetAtMost += cursors[t].Current.Key;
                    next = next < 0 || cursors[t].Current.Key > cursors[next].Current.Key ? t : next;
                }
            }
            if (next < 0 || (best.Count == limit && best.Peek().Score > unmetAtMost))
            {
                break;
            }
            foreach (var user in cursors[next].Current.Value)
            {
                if (!met.Add(user) || !eligible(user))
                {
                    continue;
                }
                var score = 0;
                foreach (var tag in tags)
                {
                    score += index.Of(tag, user, lastDay);
                }
                Keep(best, (user, score), limit);
            }
            live[next] = cursors[next].MoveNext();
        }
        return Drain(best);
    }

    /// <summary>The best eligible users for any day: every user active on the idea's tags scored, in a kept array by user number.</summary>
    private static List<(UserData User, int Score)> Scanned(
        InterestIndex index, string[] tags, int lastDay, Func<UserData, bool> eligible, int limit, Population population, Scratch scratch)
    {
        var scores = scratch.ScoresFor(population.Count);
        var scored = scratch.Scored;
        scored.Clear();
        foreach (var tag in tags)
        {
            foreach (var (user, activity) in index.Active(tag))
            {
                if (index.InterestOf(activity, lastDay) is var interest and > 0 && eligible(user))
                {
                    if (scores[user.Index] == 0)
                    {
                        scored.Add(user);
                    }
                    scores[user.Index] += interest;
                }
            }
        }
        var best = scratch.BestPeople;
        best.Clear();
        foreach (var user in scored)
        {
            Keep(best, (user, scores[user.Index]), limit);
            scores[user.Index] = 0;
        }
        return Drain(best);
    }

    private static void Keep<T>(PriorityQueue<T, T> worstFirst, T item, int limit)
    {
        if (worstFirst.Count < limit)
        {
            worstFirst.Enqueue(item, item);
        }
        else
        {
            worstFirst.EnqueueDequeue(item, item);
        }
    }

    /// <summary>Empties a heap that keeps the worst on top into a list, the best first.</summary>
    private static List<T> Drain<T>(PriorityQueue<T, T> worstFirst)
    {
        var list = new List<T>(worstFirst.Count);
        while (worstFirst.Count > 0)
        {
            list.Add(worstFirst.Dequeue());
        }
        list.Reverse();
        return list;
    }

    /// <summary>
    /// Ideas that match the user's interests, owned by someone whose country or function is known and differs from the
    /// user's, that the user neither owns, contributed to, nor follows (by the <see cref="FollowLedger"/>), and that lack
    /// critical mass in the 90-day window ending at <paramref name="end"/>: fewest contributors and countries missing
    /// first, then the highest score (the user's interest summed over the idea's tags), then by idea id. Null for an
    /// unknown user.
    /// </summary>
    public static SuggestedIdea[]? Ideas(IdeaReachIndex ideas, Population population, FollowLedger follows, Scratch scratch, string userId, int limit,
        DateTimeOffset end, CriticalMass criticalMass)
    {
        if (!population.TryFind(userId, out var user))
        {
            return null;
        }
        var interests = InterestsOf(user, DayTotals.DayOf(end.UtcTicks));
        var (countries, best) = (scratch.Countries, scratch.BestIdeas);
        best.Clear();
        // An idea with several of the user's tags is met once per tag: the query's stamp on it says it was seen.
        var stamp = ++scratch.Queries;
        foreach (var tag in interests.Keys)
        {
            foreach (var idea in ideas.Tags.Tagged(tag))
            {
                if (idea.Stamp == stamp)
                {
                    continue;
                }
                idea.Stamp = stamp;
                // The cheap tests first: the owner's groups, the reach (remembered), then what the best kept so far rule out
                // (an idea lacking more than the worst of them cannot enter), then the lookups and the score.
                if (idea.Owner is not { } owner || owner == user || !(Differs(owner, user, Dimension.Country) || Differs(owner, user, Dimension.Function))
                    || ReachShort(idea, end.UtcTicks, criticalMass, countries) is not { } reach)
                {
                    continue;
                }
                var lacks = Math.Max(0, criticalMass.Contributors - reach.Contributors) + Math.Max(0, criticalMass.Countries - reach.Countries);
                if ((best.Count == limit && lacks > best.Peek().Lacks) || idea.Contributions.ContainsKey(user) || follows.Follows(user, idea))
                {
                    continue;
                }
                var score = 0;
                foreach (var ideaTag in idea.Tags)
                {
                    score += interests.GetValueOrDefault(ideaTag);
                }
                var candidate = new IdeaCandidate(idea, score, reach.Contributors, reach.Countries, lacks);
                Keep(best, candidate, limit);
            }
        }
        return [.. Drain(best)
            .Select(c => new SuggestedIdea(c.Idea.Id, c.Idea.First?.Title, c.Idea.Owner!.Id, population.KeyOf(c.Idea.Owner, Dimension.Country),
                population.KeyOf(c.Idea.Owner, Dimension.Function), c.Score, SharedTags(c.Idea.Tags, [.. c.Idea.Tags.Select(t => interests.GetValueOrDefault(t))]),
                c.Contributors, c.Countries, Math.Max(0, criticalMass.Contributors - c.Contributors), Math.Max(0, criticalMass.Countries - c.Countries)))];
    }

    /// <summary>
    /// Collections a query fills and empties again: kept by the model between queries (it answers one at a time), so a
    /// query over tens of thousands of candidates does not allocate large arrays each time, which would cost full
    /// collections under a large heap.
    /// </summary>
    internal sealed class Scratch
    {
        private int[] scores = [];

        /// <summary>The users with a score in <see cref="ScoresFor"/>'s array; the query sets their entries back to 0.</summary>
        public List<UserData> Scored { get; } = [];

        /// <summary>A score per user number, all 0.</summary>
        public int[] ScoresFor(int users)
        {
            if (scores.Length < users)
            {
                scores = new int[Math.Max(users, scores.Length * 2)];
            }
            return scores;
        }

        /// <summary>How many idea queries ran: each stamps the ideas it met with its number (<see cref="IdeaData.Stamp"/>).</summary>
        public int Queries { get; set; }

        public HashSet<int> Countries { get; } = [];

        /// <summary>The best people so far, the worst on top.</summary>
        public PriorityQueue<(UserData User, int Score), (UserData User, int Score)> BestPeople { get; } = new(WorstScoreFirst);

        /// <summary>The users a walk from the top met already.</summary>
        public HashSet<UserData> Met { get; } = [];

        /// <summary>The best ideas so far, the worst on top (<see cref="IdeaCandidate.WorstFirst"/>).</summary>
        public PriorityQueue<IdeaCandidate, IdeaCandidate> BestIdeas { get; } = new(IdeaCandidate.WorstFirst);
    }

    /// <summary>
    /// The idea's contributors other than its owner in the 90-day window ending at <paramref name="at"/> and their
    /// countries, as <see cref="IdeaReachIndex.Reach(IdeaData, long, long, CriticalMass?)"/> counts them; null as soon
    /// as they reach critical mass, which most busy ideas do after a few contributors.
    /// </summary>
    private static (int Contributors, int Countries)? ReachShort(IdeaData idea, long at, CriticalMass criticalMass, HashSet<int> countries)
    {
        if (idea.Reach90 is not { } memo || memo.Version != idea.Version || at < memo.From || at >= memo.Until)
        {
            idea.Reach90 = memo = CountReach(idea, at, criticalMass, countries);
        }
        return memo.Reached ? null : (memo.Contributors, memo.Countries);
    }

    /// <summary>
    /// Counts, and notes until when the count holds: a counted contributor leaves the window when its end passes their
    /// latest instant plus 90 days, and an instant after the end enters when the end reaches it. Once critical mass is
    /// reached, later contributors can only add to it, so only the counted ones' leaving matters.
    /// </summary>
    private static ReachMemo CountReach(IdeaData idea, long at, CriticalMass criticalMass, HashSet<int> countries)
    {
        countries.Clear();
        var (contributors, until, entering) = (0, long.MaxValue, long.MaxValue);
        foreach (var (user, instants) in idea.Contributions)
        {
            if (user == idea.Owner)
            {
                continue;
            }
            var after = Coverage.LowerBound(instants, at == long.MaxValue ? at : at + 1);
            if (after < instants.Count)
            {
                entering = Math.Min(entering, instants[after]);
            }
            if (after == 0 || instants[after - 1] <= at - WindowLength)
            {
                continue;
            }
            contributors++;
            countries.Add(user.Groups[(int)Dimension.Country]);
            until = Math.Min(until, instants[after - 1] + WindowLength);
            if (criticalMass.IsReachedBy(contributors, countries.Count))
            {
                return new ReachMemo(idea.Version, at, until, contributors, countries.Count, Reached: true);
            }
        }
        return new ReachMemo(idea.Version, at, Math.Min(until, entering), contributors, countries.Count, Reached: false);
    }

    /// <summary>The user's interest per tag (see the class), tags ignoring case; only tags with some interest.</summary>
    public static Dictionary<string, int> InterestsOf(UserData user, int lastDay)
    {
        var interests = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var idea in Touched(user))
        {
            var tags = idea.Tags;
            if (tags.Length == 0 || Activity(idea, user, lastDay) is not { Weight: > 0 } activity)
            {
                continue;
            }
            foreach (var tag in tags)
            {
                interests[tag] = interests.GetValueOrDefault(tag) + activity.Weight;
            }
        }
        return interests;
    }

    /// <summary>The (idea, UTC day) pairs with a create or contribution of the user in the 90 days ending with <paramref name="lastDay"/>.</summary>
    private static int RecentContributions(UserData user, int lastDay) => Touched(user).Sum(idea => Activity(idea, user, lastDay).Days);

    private static IEnumerable<IdeaData> Touched(UserData user) => (user.Ideas ?? []).Concat(user.Owned ?? []).Distinct();

    /// <summary>The weight and number of the user's units on the idea (<see cref="InterestIndex.ActiveDays"/>) in the 90 days ending with <paramref name="lastDay"/>.</summary>
    private static (int Weight, int Days) Activity(IdeaData idea, UserData user, int lastDay)
    {
        int weight = 0, days = 0;
        foreach (var day in InterestIndex.ActiveDays(idea, user, lastDay - Days + 1))
        {
            if (day <= lastDay)
            {
                (weight, days) = (weight + InterestIndex.Weight(lastDay - day), days + 1);
            }
        }
        return (weight, days);
    }

    /// <summary>The tags with some interest, the most first, equal ones in the idea's order.</summary>
    private static string[] SharedTags(string[] tags, int[] perTag) =>
        [.. tags.Select((tag, i) => (Tag: tag, Interest: perTag[i])).Where(t => t.Interest > 0).OrderByDescending(t => t.Interest).Select(t => t.Tag)];

    /// <summary>Both groups known, and not the same.</summary>
    private static bool Differs(UserData a, UserData b, Dimension by)
    {
        var (x, y) = (a.Groups[(int)by], b.Groups[(int)by]);
        return x != 0 && y != 0 && x != y;
    }
}

/// <summary>A suggested idea before its reasons are worked out: ranked by what it lacks, then score, then id.</summary>
internal readonly record struct IdeaCandidate(IdeaData Idea, int Score, int Contributors, int Countries, int Lacks)
{
    /// <summary>The ranking: fewest lacking first, then the highest score, then the idea id in ordinal order.</summary>
    public static int Order(IdeaCandidate a, IdeaCandidate b) =>
        a.Lacks != b.Lacks ? a.Lacks.CompareTo(b.Lacks) : a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Idea.Id, b.Idea.Id);

    /// <summary>The ranking reversed, so that a priority queue keeps the worst on top.</summary>
    public static readonly IComparer<IdeaCandidate> WorstFirst = Comparer<IdeaCandidate>.Create((a, b) => Order(b, a));
}

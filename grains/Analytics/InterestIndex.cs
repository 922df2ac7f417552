namespace Collaboration.Analytics;

/// <summary>
/// Each user's activity per tag and UTC day, from which their interest at any day is a weighted sum over at most 90
/// entries (see <see cref="Matchmaking"/>): per tag (ignoring case) and user, how many of the ideas with that tag they
/// were active on that day, an idea and a day counting once (a contribution, or the idea's first create by its owner).
/// Kept from the model's horizon day on (interest reads 90 days, which answers keep after it), and not stored: a
/// loaded model builds it again from the ideas. Maintained as contributions and first creates arrive, so it is a
/// function of the events like the rest of the model.
/// </summary>
internal sealed class InterestIndex
{
    private readonly Dictionary<string, Dictionary<UserData, Activity>> byTag = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Per tag, its users with some interest at <see cref="today"/> grouped by that interest, the highest first, so that
    /// people for an idea are found from the top instead of by scoring every user active on its tags. Interests are
    /// small integers, so there are few groups; kept only while <see cref="today"/> is set.
    /// </summary>
    private readonly Dictionary<string, SortedDictionary<int, HashSet<UserData>>> rankedByTag = new(StringComparer.OrdinalIgnoreCase);

    private static readonly IComparer<int> HighestFirst = Comparer<int>.Create((a, b) => b.CompareTo(a));

    private static readonly SortedDictionary<int, HashSet<UserData>> NoneRanked = new(HighestFirst);

    /// <summary>The day every entry's <see cref="Activity.Interest"/> is kept for: the latest day asked, so today's answers are a lookup.</summary>
    private int today = int.MinValue;

    /// <summary>Days before this are not kept; <see cref="int.MinValue"/> while the model keeps everything.</summary>
    public int FirstDay { get; private set; } = int.MinValue;

    /// <summary>How many (tag, user) entries and (tag, user, day) counts it holds, for the memory report.</summary>
    public (long Entries, long Days) Size => (byTag.Values.Sum(users => (long)users.Count), byTag.Values.Sum(users => users.Values.Sum(a => (long)a.Days.Days)));

    /// <summary>The users with activity on ideas with the tag; <see cref="InterestOf"/> gives their interest at a day.</summary>
    public IReadOnlyDictionary<UserData, Activity> Active(string tag) =>
        byTag.TryGetValue(tag, out var users) ? users : Empty;

    private static readonly Dictionary<UserData, Activity> Empty = [];

    /// <summary>Whether <see cref="Ranked"/> answers for <paramref name="lastDay"/>: it is the latest day asked (now or before).</summary>
    public bool IsRanked(int lastDay)
    {
        Prepare(lastDay);
        return lastDay == today;
    }

    /// <summary>The tag's users with some interest at the day <see cref="IsRanked"/> said yes to, by that interest, the highest first.</summary>
    public SortedDictionary<int, HashSet<UserData>> Ranked(string tag) => rankedByTag.GetValueOrDefault(tag) ?? NoneRanked;

    /// <summary>The user's interest in the tag at <paramref name="lastDay"/>.</summary>
    public int Of(string tag, UserData user, int lastDay)
    {
        Prepare(lastDay);
        return byTag.TryGetValue(tag, out var users) && users.TryGetValue(user, out var activity) ? InterestOf(activity, lastDay) : 0;
    }

    /// <summary>4, 2 or 1 per unit by its age in days, in 30-day steps; nothing at 90 days or more, nor ahead of the day.</summary>
    public static int Weight(int age) => age < 0 ? 0 : age < 30 ? 4 : age < 60 ? 2 : age < Matchmaking.Days ? 1 : 0;

    /// <summary>The interest an entry of <see cref="Active"/> gives at <paramref name="lastDay"/> (0 for some).</summary>
    public int InterestOf(Activity activity, int lastDay)
    {
        Prepare(lastDay);
        return lastDay == today ? activity.Interest : Sum(activity.Days, lastDay);
    }

    private static int Sum(DayCounts days, int lastDay) =>
        (int)(4 * days.Between(lastDay - 29, lastDay) + 2 * days.Between(lastDay - 59, lastDay - 30) + days.Between(lastDay - Matchmaking.Days + 1, lastDay - 60));

    /// <summary>On a later day than any asked before, every entry's interest is worked out for it once.</summary>
    private void Prepare(int lastDay)
    {
        if (lastDay <= today)
        {
            return;
        }
        today = lastDay;
        rankedByTag.Clear();
        foreach (var (tag, users) in byTag)
        {
            foreach (var (user, activity) in users)
            {
                activity.Interest = Sum(activity.Days, today);
                Move(tag, user, 0, activity.Interest);
            }
        }
    }

    /// <summary>Moves the user in the tag's <see cref="rankedByTag"/> from one interest to another (0: not there).</summary>
    private void Move(string tag, UserData user, int from, int to)
    {
        if (from == to)
        {
            return;
        }
        if (from > 0 && rankedByTag.TryGetValue(tag, out var ranked) && ranked.TryGetValue(from, out var group))
        {
            group.Remove(user);
            if (group.Count == 0)
            {
                ranked.Remove(from);
            }
        }
        if (to > 0)
        {
            if (!rankedByTag.TryGetValue(tag, out ranked))
            {
                rankedByTag[tag] = ranked = new SortedDictionary<int, HashSet<UserData>>(HighestFirst);
            }
            if (!ranked.TryGetValue(to, out group))
            {
                ranked[to] = group = [];
            }
            group.Add(user);
        }
    }

    /// <summary>Counts, or with -1 takes back, every unit of the idea: its contributors' days and its owner's create day.</summary>
    public void Add(IdeaData idea, int sign = 1)
    {
        var tags = idea.Tags;
        if (tags.Length == 0)
        {
            return;
        }
        foreach (var user in idea.Owner is { } owner && !idea.Contributions.ContainsKey(owner) ? idea.Contributors.Append(owner) : idea.Contributors)
        {
            foreach (var day in ActiveDays(idea, user, FirstDay))
            {
                foreach (var tag in tags)
                {
                    Count(tag, user, day, sign);
                }
            }
        }
    }

    /// <summary>A contribution on a day the user had no unit on the idea yet (the caller checks).</summary>
    public void AddDay(IdeaData idea, UserData user, int day)
    {
        if (day < FirstDay)
        {
            return;
        }
        foreach (var tag in idea.Tags)
        {
            Count(tag, user, day, 1);
        }
    }

    /// <summary>Whether a contribution of the user to the idea on <paramref name="day"/> would be a new unit.</summary>
    public static bool IsNewDay(IdeaData idea, UserData user, List<long> contributions, int day)
    {
        var i = Coverage.LowerBound(contributions, day * TimeSpan.TicksPerDay);
        var contributedThatDay = i < contributions.Count && DayTotals.DayOf(contributions[i]) == day;
        return !contributedThatDay && !(idea.Owner == user && idea.First is { } first && DayTotals.DayOf(first.Ticks) == day);
    }

    /// <summary>
    /// The distinct UTC days from <paramref name="fromDay"/> on with a contribution of the user to the idea, or its
    /// first create when the user owns it. The contribution lists keep an instant of every day they hold.
    /// </summary>
    public static IEnumerable<int> ActiveDays(IdeaData idea, UserData user, int fromDay)
    {
        var createDay = idea.Owner == user && idea.First is { } first ? DayTotals.DayOf(first.Ticks) : int.MinValue;
        var createDone = createDay < fromDay;
        if (idea.Contributions.TryGetValue(user, out var instants))
        {
            var previous = int.MinValue;
            var start = fromDay == int.MinValue ? 0 : Coverage.LowerBound(instants, fromDay * TimeSpan.TicksPerDay);
            for (var i = start; i < instants.Count; i++)
            {
                var day = DayTotals.DayOf(instants[i]);
                if (day == previous)
                {
                    continue;
                }
                if (!createDone && createDay < day)
                {
                    createDone = true;
                    yield return createDay;
                }
                createDone |= day == createDay;
                previous = day;
                yield return day;
            }
        }
        if (!createDone)
        {
            yield return createDay;
        }
    }

    /// <summary>Drops the days before <paramref name="firstDay"/> (the model's horizon moved on).</summary>
    public void Forget(int firstDay)
    {
        FirstDay = Math.Max(FirstDay, firstDay);
        // Today's interests are worked out again when next asked: cheaper once a day than keeping them in step here.
        today = int.MinValue;
        rankedByTag.Clear();
        foreach (var users in byTag.Values)
        {
            foreach (var (user, activity) in users)
            {
                activity.Days.ForgetBefore(FirstDay);
                if (activity.Days.Days == 0)
                {
                    users.Remove(user);
                }
            }
        }
    }

    /// <summary>Sets the first day kept before the index is filled (a loaded model's horizon).</summary>
    public void StartAt(int firstDay) => FirstDay = firstDay;

    /// <summary>Adds (or with -1 takes back) one unit, keeping the interest of <see cref="today"/> in step.</summary>
    private void Count(string tag, UserData user, int day, int sign)
    {
        if (!byTag.TryGetValue(tag, out var users))
        {
            byTag[tag] = users = [];
        }
        if (!users.TryGetValue(user, out var activity))
        {
            users[user] = activity = new Activity();
        }
        activity.Days.Add(day, sign);
        if (today != int.MinValue)
        {
            var before = activity.Interest;
            activity.Interest += sign * Weight(today - day);
            Move(tag, user, before, activity.Interest);
        }
    }

    /// <summary>A user's units per day on the ideas with one tag, and their interest at <see cref="today"/>.</summary>
    internal sealed class Activity
    {
        public DayCounts Days { get; } = new();

        public int Interest { get; set; }
    }
}

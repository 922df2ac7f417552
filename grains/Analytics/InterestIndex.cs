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
    private readonly Dictionary<string, Dictionary<UserData, DayCounts>> byTag = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Days before this are not kept; <see cref="int.MinValue"/> while the model keeps everything.</summary>
    public int FirstDay { get; private set; } = int.MinValue;

    /// <summary>How many (tag, user) entries and (tag, user, day) counts it holds, for the memory report.</summary>
    public (long Entries, long Days) Size => (byTag.Values.Sum(users => (long)users.Count), byTag.Values.Sum(users => users.Values.Sum(d => (long)d.Days)));

    /// <summary>The users with activity on ideas with the tag, and their counts per day.</summary>
    public IEnumerable<KeyValuePair<UserData, DayCounts>> Active(string tag) =>
        byTag.TryGetValue(tag, out var users) ? users : [];

    /// <summary>The user's activity per day on ideas with the tag; null without any.</summary>
    public DayCounts? Of(string tag, UserData user) =>
        byTag.TryGetValue(tag, out var users) && users.TryGetValue(user, out var days) ? days : null;

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
                    Counts(tag, user).Add(day, sign);
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
            Counts(tag, user).Add(day);
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
        foreach (var users in byTag.Values)
        {
            foreach (var (user, days) in users)
            {
                days.ForgetBefore(FirstDay);
                if (days.Days == 0)
                {
                    users.Remove(user);
                }
            }
        }
    }

    /// <summary>Sets the first day kept before the index is filled (a loaded model's horizon).</summary>
    public void StartAt(int firstDay) => FirstDay = firstDay;

    private DayCounts Counts(string tag, UserData user)
    {
        if (!byTag.TryGetValue(tag, out var users))
        {
            byTag[tag] = users = [];
        }
        if (!users.TryGetValue(user, out var days))
        {
            users[user] = days = new DayCounts();
        }
        return days;
    }
}

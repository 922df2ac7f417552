using System.Runtime.InteropServices;
namespace Collaboration.Analytics;

/// <summary>A half-open span of window ends [Start, End); End = <see cref="long.MaxValue"/> means it never closes.</summary>
internal readonly record struct Run(long Start, long End);

/// <summary>
/// The ends of a window in which a set of instants is present. A window of length L ending at e holds an instant t when
/// e - L &lt; t &lt;= e, that is when e lies in [t, t + L); so the ends at which any of the instants is present are
/// the union of those spans. All times are UTC ticks; the all-time window has an infinite length.
/// </summary>
internal static class Coverage
{
    public const long Forever = long.MaxValue;

    public static long Plus(long at, long length) => length == Forever || at > Forever - length ? Forever : at + length;

    private static long Minus(long at, long length) => length == Forever || at < long.MinValue + length ? long.MinValue : at - length;

    /// <summary>
    /// Appends to <paramref name="runs"/> the union of [t, t + length) over the sorted <paramref name="instants"/>,
    /// clipped to [from, to). A run is extended by jumping to the last instant it reaches, so the cost is
    /// O(runs x log n) however many instants a busy user has inside the region.
    /// </summary>
    public static void Cover(List<long> instants, long length, long from, long to, List<Run> runs)
    {
        // The first instant whose span reaches past `from`: t + length > from.
        var lowest = Minus(from, length);
        var index = LowerBound(instants, lowest == long.MinValue ? long.MinValue : lowest + 1);
        while (index < instants.Count && instants[index] < to)
        {
            var start = Math.Max(instants[index], from);
            var end = Plus(instants[index], length);
            while (end < to)
            {
                // The span of any instant at or before `end` joins this run; the last one reaches furthest.
                var last = UpperBound(instants, end) - 1;
                if (last <= index)
                {
                    break;
                }
                index = last;
                end = Plus(instants[index], length);
            }
            if (end >= to)
            {
                runs.Add(new Run(start, to));
                return;
            }
            runs.Add(new Run(start, end));
            index++;
        }
    }

    /// <summary>Appends the ends that lie in both sorted, disjoint run lists.</summary>
    public static void Intersect(List<Run> a, List<Run> b, List<Run> result)
    {
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = Math.Max(a[i].Start, b[j].Start);
            var end = Math.Min(a[i].End, b[j].End);
            if (start < end)
            {
                result.Add(new Run(start, end));
            }
            if (a[i].End < b[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
    }

    /// <summary>Whether an instant lies in the window (end - length, end].</summary>
    public static bool AnyWithin(List<long> instants, long length, long end)
    {
        var index = LowerBound(instants, Minus(end, length) == long.MinValue ? long.MinValue : Minus(end, length) + 1);
        return index < instants.Count && instants[index] <= end;
    }

    /// <summary>How many instants lie in the window (end - length, end].</summary>
    public static int CountWithin(List<long> instants, long length, long end)
    {
        var lowest = Minus(end, length);
        var from = LowerBound(instants, lowest == long.MinValue ? long.MinValue : lowest + 1);
        return LowerBound(instants, end + 1) - from;
    }

    /// <summary>The index of the first instant at or after <paramref name="at"/>.</summary>
    public static int LowerBound(List<long> instants, long at) => LowerBound(CollectionsMarshal.AsSpan(instants), at);

    public static int LowerBound(ReadOnlySpan<long> instants, long at)
    {
        int low = 0, high = instants.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (instants[middle] < at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>How many of the sorted <paramref name="instants"/> are at or before <paramref name="at"/>.</summary>
    public static int CountThrough(ReadOnlySpan<long> instants, long at) =>
        at == long.MaxValue ? instants.Length : LowerBound(instants, at + 1);

    /// <summary>The index of the first instant after <paramref name="at"/>.</summary>
    private static int UpperBound(List<long> instants, long at) =>
        at == long.MaxValue ? instants.Count : LowerBound(instants, at + 1);

    /// <summary>Inserts keeping the list sorted; false when the instant is already there.</summary>
    public static bool InsertDistinct(List<long> instants, long at)
    {
        var index = LowerBound(instants, at);
        if (index < instants.Count && instants[index] == at)
        {
            return false;
        }
        instants.Insert(index, at);
        return true;
    }

    /// <summary>
    /// Inserts keeping only the first and the last instant of each UTC day: an instant between two of the same day
    /// changes no window of a day or longer (its span lies within the union of theirs, which overlap), nor the day's
    /// first instant. So a busy user costs at most two instants a day, whatever they do.
    /// </summary>
    public static void InsertKeepingDayEnds(List<long> instants, long at)
    {
        if (Covers(instants, at))
        {
            return;
        }
        InsertDistinct(instants, at);
        var dayStart = at - at % TimeSpan.TicksPerDay;
        var first = LowerBound(instants, dayStart);
        var inner = LowerBound(instants, dayStart + TimeSpan.TicksPerDay) - first - 2;
        if (inner > 0)
        {
            instants.RemoveRange(first + 1, inner);
        }
    }

    /// <summary>Whether <paramref name="at"/> lies between two instants of its own UTC day, or on one: it would change nothing.</summary>
    public static bool Covers(List<long> instants, long at)
    {
        var i = LowerBound(instants, at);
        if (i < instants.Count && instants[i] == at)
        {
            return true;
        }
        var dayStart = at - at % TimeSpan.TicksPerDay;
        return i > 0 && i < instants.Count && instants[i - 1] >= dayStart && instants[i] < dayStart + TimeSpan.TicksPerDay;
    }

    /// <summary>
    /// Drops the instants before <paramref name="before"/> except the earliest, which is all the all-time window needs
    /// of them; the bounded windows ending after <paramref name="before"/> plus their length never see them. How many
    /// it dropped.
    /// </summary>
    public static int ForgetBefore(List<long> instants, long before)
    {
        var dropped = LowerBound(instants, before) - 1;
        if (dropped <= 0)
        {
            return 0;
        }
        instants.RemoveRange(1, dropped);
        if (instants.Count <= instants.Capacity / 2)
        {
            instants.TrimExcess(); // what is left of an old list is usually its one earliest instant
        }
        return dropped;
    }

    /// <summary>Keeps the first and last of each UTC day's instants (see <see cref="InsertKeepingDayEnds"/>), in place, sorted.</summary>
    public static void KeepDayEnds(List<long> instants)
    {
        var kept = 0;
        for (var i = 0; i < instants.Count; i++)
        {
            var day = instants[i] / TimeSpan.TicksPerDay;
            var inner = i > 0 && i < instants.Count - 1 && instants[i - 1] / TimeSpan.TicksPerDay == day && instants[i + 1] / TimeSpan.TicksPerDay == day;
            if (!inner)
            {
                instants[kept++] = instants[i];
            }
        }
        instants.RemoveRange(kept, instants.Count - kept);
    }

    /// <summary>Sorts and drops repeats, in place.</summary>
    public static void SortDistinct(List<long> instants)
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
}

namespace Collaboration.Analytics;

/// <summary>
/// Signed totals per UTC day with prefix sums in O(log days): a Fenwick tree that widens as days arrive. Days before
/// a floor (<see cref="Forget"/>) are kept only as their sum, on the day before the floor.
/// </summary>
internal sealed class DayTotals
{
    private const int Margin = 64;

    private long[] tree = [];
    private int firstDay;
    private int floor = int.MinValue;

    /// <summary>The first day kept on its own; <see cref="int.MinValue"/> keeps every day.</summary>
    public int Floor => floor;

    public void Add(int day, long delta)
    {
        day = Math.Max(day, BaseDay);
        if (tree.Length == 0 || day < firstDay || day - firstDay + 1 >= tree.Length)
        {
            Widen(day);
        }
        for (var i = day - firstDay + 1; i < tree.Length; i += i & -i)
        {
            tree[i] += delta;
        }
    }

    /// <summary>The sum of the totals of every day up to and including <paramref name="day"/>.</summary>
    public long Through(int day)
    {
        if (tree.Length == 0 || day < firstDay)
        {
            return 0;
        }
        long sum = 0;
        for (var i = Math.Min(day - firstDay + 1, tree.Length - 1); i > 0; i -= i & -i)
        {
            sum += tree[i];
        }
        return sum;
    }

    /// <summary>
    /// Sums every day before <paramref name="floorDay"/> into the day before it, now and for later adds: prefix sums from
    /// that day on stay exact, and the tree no longer grows with the days before it.
    /// </summary>
    public void Forget(int floorDay)
    {
        if (floorDay <= floor)
        {
            return;
        }
        floor = floorDay;
        if (tree.Length == 0 || BaseDay <= firstDay)
        {
            return;
        }
        var lastDay = Math.Max(firstDay + tree.Length - 2, BaseDay);
        var days = new long[lastDay - BaseDay + 1];
        days[0] = Through(BaseDay);
        for (var i = 1; i < days.Length; i++)
        {
            days[i] = Through(BaseDay + i) - Through(BaseDay + i - 1);
        }
        firstDay = BaseDay;
        tree = new long[days.Length + 1];
        for (var i = 0; i < days.Length; i++)
        {
            for (var j = i + 1; days[i] != 0 && j < tree.Length; j += j & -j)
            {
                tree[j] += days[i];
            }
        }
    }

    /// <summary>The day that holds the sum of the days before the floor.</summary>
    private int BaseDay => floor == int.MinValue ? int.MinValue : floor - 1;

    private void Widen(int day)
    {
        var days = new long[tree.Length == 0 ? 0 : tree.Length - 1];
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = Through(firstDay + i) - Through(firstDay + i - 1);
        }
        var low = Math.Max(tree.Length == 0 ? day - Margin : Math.Min(firstDay, day - Margin), BaseDay);
        var high = tree.Length == 0 ? day + Margin : Math.Max(firstDay + days.Length - 1, day + Margin);
        var oldFirst = firstDay;
        firstDay = low;
        tree = new long[high - low + 2];
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] != 0)
            {
                for (var j = oldFirst + i - firstDay + 1; j < tree.Length; j += j & -j)
                {
                    tree[j] += days[i];
                }
            }
        }
    }

    public void WriteTo(ModelWriter writer)
    {
        writer.Write(floor);
        writer.Write(firstDay);
        writer.WriteArray(tree);
    }

    public static DayTotals ReadFrom(ModelReader reader) => new() { floor = reader.ReadInt(), firstDay = reader.ReadInt(), tree = reader.ReadLongs() };

    public static int DayOf(long ticks) => (int)(ticks / TimeSpan.TicksPerDay);
}

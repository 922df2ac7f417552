namespace Collaboration.Analytics;

/// <summary>Signed totals per UTC day with prefix sums in O(log days): a Fenwick tree that widens as days arrive.</summary>
internal sealed class DayTotals
{
    private const int Margin = 64;

    private long[] tree = [];
    private int firstDay;

    public void Add(int day, long delta)
    {
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

    private void Widen(int day)
    {
        var days = new long[tree.Length == 0 ? 0 : tree.Length - 1];
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = Through(firstDay + i) - Through(firstDay + i - 1);
        }
        var low = tree.Length == 0 ? day - Margin : Math.Min(firstDay, day - Margin);
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
        writer.Write(firstDay);
        writer.WriteArray(tree);
    }

    public static DayTotals ReadFrom(ModelReader reader) => new() { firstDay = reader.ReadInt(), tree = reader.ReadLongs() };

    public static int DayOf(long ticks) => (int)(ticks / TimeSpan.TicksPerDay);
}

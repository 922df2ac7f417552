namespace Collaboration.Analytics;

/// <summary>
/// A count per UTC day, kept only for the days that have one, sorted by day: 8 bytes per day with a count, whatever
/// the count. An idea's views are kept this way, so that they cost memory per day, not per view (issue 18).
/// </summary>
internal sealed class DayCounts
{
    private DayCount[] entries = [];
    private int length;

    /// <summary>The number of days with a count.</summary>
    public int Days => length;

    public void Add(int day, int count = 1)
    {
        var i = IndexOf(day);
        if (i < length && entries[i].Day == day)
        {
            entries[i] = entries[i] with { Count = checked(entries[i].Count + count) };
            if (entries[i].Count == 0)
            {
                // Taken back (an idea's units moving between tags): no day is kept without a count.
                Array.Copy(entries, i + 1, entries, i, length - i - 1);
                length--;
            }
            return;
        }
        if (length == entries.Length)
        {
            Array.Resize(ref entries, Math.Max(2, length * 2));
        }
        Array.Copy(entries, i, entries, i + 1, length - i);
        entries[i] = new DayCount(day, count);
        length++;
    }

    /// <summary>The counts of the days from <paramref name="firstDay"/> through <paramref name="lastDay"/>.</summary>
    public long Between(int firstDay, int lastDay)
    {
        long sum = 0;
        for (var i = IndexOf(firstDay); i < length && entries[i].Day <= lastDay; i++)
        {
            sum += entries[i].Count;
        }
        return sum;
    }

    /// <summary>Drops the days before <paramref name="day"/> and answers the sum of their counts.</summary>
    public long ForgetBefore(int day)
    {
        var cut = IndexOf(day);
        long sum = 0;
        for (var i = 0; i < cut; i++)
        {
            sum += entries[i].Count;
        }
        if (cut > 0)
        {
            Array.Copy(entries, cut, entries, 0, length - cut);
            length -= cut;
            if (length <= entries.Length / 4)
            {
                Array.Resize(ref entries, length);
            }
        }
        return sum;
    }

    public IEnumerable<DayCount> Entries => entries.Take(length);

    /// <summary>The first entry at or after <paramref name="day"/>.</summary>
    private int IndexOf(int day)
    {
        int low = 0, high = length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (entries[middle].Day < day)
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
}

internal readonly record struct DayCount(int Day, int Count);

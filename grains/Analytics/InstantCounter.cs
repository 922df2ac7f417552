namespace Collaboration.Analytics;

/// <summary>
/// Signed marks at instants; <see cref="CountAt"/> sums the marks at or before an instant. A user's presence over a
/// window end is a set of runs, each marked +1 at its start and -1 at its end, so the sum at e counts the users present
/// at e. Marks live in UTC-day buckets with a Fenwick tree over the day totals, so a read costs O(log days) plus a
/// binary search in one day. A bucket appends new marks and sorts them only when it is read or has doubled: a burst of
/// 100,000 events in one day then costs O(n log n) in all, not O(n^2).
/// </summary>
internal sealed class InstantCounter
{
    private const int Margin = 64;

    private readonly Dictionary<int, DayMarks> days = [];
    private long[] tree = [];
    private int firstDay;

    public void Add(long at, int delta)
    {
        if (delta == 0)
        {
            return;
        }
        var day = DayOf(at);
        Reserve(day);
        if (!days.TryGetValue(day, out var marks))
        {
            days[day] = marks = new DayMarks();
        }
        marks.Add(at, delta);
        for (var i = day - firstDay + 1; i < tree.Length; i += i & -i)
        {
            tree[i] += delta;
        }
    }

    public long CountAt(long end)
    {
        var day = DayOf(end);
        var count = PrefixThrough(day - 1);
        if (days.TryGetValue(day, out var marks))
        {
            count += marks.SumThrough(end);
        }
        return count;
    }

    private long PrefixThrough(int day)
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

    /// <summary>Makes the tree cover <paramref name="day"/>, rebuilding it over a wider range when it does not.</summary>
    private void Reserve(int day)
    {
        if (tree.Length > 0 && day >= firstDay && day - firstDay + 1 < tree.Length)
        {
            return;
        }
        var low = tree.Length == 0 ? day - Margin : Math.Min(firstDay, day - Margin);
        var high = tree.Length == 0 ? day + Margin : Math.Max(firstDay + tree.Length - 2, day + Margin);
        firstDay = low;
        tree = new long[high - low + 2];
        foreach (var (bucket, marks) in days)
        {
            var total = marks.Total;
            for (var i = bucket - firstDay + 1; i < tree.Length; i += i & -i)
            {
                tree[i] += total;
            }
        }
    }

    private static int DayOf(long ticks) => (int)(ticks / TimeSpan.TicksPerDay);

    /// <summary>The marks of one day: a sorted, merged prefix with running sums, and an unsorted tail of new marks.</summary>
    private sealed class DayMarks
    {
        private long[] instants = [];
        private long[] sums = [];
        private int sorted;
        private readonly List<(long At, int Delta)> tail = [];

        public long Total { get; private set; }

        public void Add(long at, int delta)
        {
            tail.Add((at, delta));
            Total += delta;
            if (tail.Count > Math.Max(16, sorted))
            {
                Compact();
            }
        }

        public long SumThrough(long end)
        {
            if (tail.Count > 0)
            {
                Compact();
            }
            int low = 0, high = sorted;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (instants[middle] <= end)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
            return low == 0 ? 0 : sums[low - 1];
        }

        /// <summary>Merges the tail into the sorted marks, summing marks at one instant and dropping those that cancel.</summary>
        private void Compact()
        {
            var merged = new List<(long At, int Delta)>(sorted + tail.Count);
            for (var i = 0; i < sorted; i++)
            {
                merged.Add((instants[i], (int)(sums[i] - (i == 0 ? 0 : sums[i - 1]))));
            }
            merged.AddRange(tail);
            tail.Clear();
            merged.Sort((a, b) => a.At.CompareTo(b.At));
            var newInstants = new List<long>(merged.Count);
            var newSums = new List<long>(merged.Count);
            long running = 0;
            for (var i = 0; i < merged.Count;)
            {
                var at = merged[i].At;
                var delta = 0;
                for (; i < merged.Count && merged[i].At == at; i++)
                {
                    delta += merged[i].Delta;
                }
                if (delta != 0)
                {
                    running += delta;
                    newInstants.Add(at);
                    newSums.Add(running);
                }
            }
            instants = [.. newInstants];
            sums = [.. newSums];
            sorted = instants.Length;
        }
    }
}

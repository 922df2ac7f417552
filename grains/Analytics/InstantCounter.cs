namespace Collaboration.Analytics;

/// <summary>
/// Signed marks at instants; <see cref="CountAt"/> sums the marks at or before an instant. A user's presence over a
/// window end is a set of runs, each marked +1 at its start and -1 at its end, so the sum at e counts the users present
/// at e. Each mark carries a tag (the user or tie it belongs to, or -1), so the marks of one day can also be split
/// by group at read time. Day totals sit in a Fenwick tree and each day's marks are sorted: a read costs O(log days)
/// plus a binary search in one day. A day appends new marks and sorts them only when read or doubled, so a burst of
/// 100,000 marks in one day costs O(n log n) in all, not O(n^2).
/// </summary>
internal sealed class InstantCounter
{
    private readonly Dictionary<int, DayMarks> days;
    private readonly DayTotals totals;

    public InstantCounter()
        : this([], new DayTotals())
    {
    }

    private InstantCounter(Dictionary<int, DayMarks> days, DayTotals totals)
    {
        this.days = days;
        this.totals = totals;
    }

    /// <summary>The first day whose marks are kept (see <see cref="Forget"/>); <see cref="int.MinValue"/> keeps all.</summary>
    public int Floor => totals.Floor;

    public void Add(long at, int tag, int delta)
    {
        var day = DayTotals.DayOf(at);
        if (day < totals.Floor)
        {
            totals.Add(day, delta);
            return;
        }
        if (!days.TryGetValue(day, out var marks))
        {
            days[day] = marks = new DayMarks();
        }
        marks.Add(at, tag, delta);
        totals.Add(day, delta);
    }

    public long CountAt(long end)
    {
        var day = DayTotals.DayOf(end);
        return totals.Through(day - 1) + (days.TryGetValue(day, out var marks) ? marks.SumThrough(end) : 0);
    }

    /// <summary>Calls <paramref name="visit"/>(tag, delta) for each mark on the day of <paramref name="end"/>, up to it.</summary>
    public void VisitDayThrough(long end, Action<int, int> visit)
    {
        if (days.TryGetValue(DayTotals.DayOf(end), out var marks))
        {
            marks.Visit(end, visit);
        }
    }

    /// <summary>
    /// Keeps the marks before <paramref name="floorDay"/> only as their sum: counts at ends from that day on stay
    /// exact, and marks added later for earlier days join the sum.
    /// </summary>
    public void Forget(int floorDay)
    {
        totals.Forget(floorDay);
        foreach (var day in days.Keys.Where(day => day < totals.Floor).ToList())
        {
            days.Remove(day);
        }
    }

    /// <summary>Days in ascending order, each day's marks merged, then the day totals.</summary>
    public void WriteTo(ModelWriter writer)
    {
        var keys = days.Keys.ToArray();
        Array.Sort(keys);
        writer.WriteArray(keys);
        foreach (var day in keys)
        {
            days[day].WriteTo(writer);
        }
        totals.WriteTo(writer);
    }

    /// <param name="tagLimit">Tags are -1 or below this.</param>
    public static InstantCounter ReadFrom(ModelReader reader, int tagLimit)
    {
        var keys = reader.ReadInts();
        var days = new Dictionary<int, DayMarks>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0 && keys[i] <= keys[i - 1])
            {
                throw ModelReader.Damaged("counter days out of order");
            }
            days[keys[i]] = DayMarks.ReadFrom(reader, keys[i], tagLimit);
        }
        return new InstantCounter(days, DayTotals.ReadFrom(reader));
    }

    /// <summary>The longest unsorted tail a read scans instead of merging it into the sorted marks.</summary>
    private const int ReadScanLimit = 512;

    /// <summary>The marks of one day: sorted, merged arrays with running sums, and an unsorted tail of new marks.</summary>
    private sealed class DayMarks
    {
        private long[] instants = [];
        private int[] tags = [];
        private int[] deltas = [];
        private long[] sums = [];
        private readonly List<(long At, int Tag, int Delta)> tail = [];

        public void WriteTo(ModelWriter writer)
        {
            if (tail.Count > 0)
            {
                Compact();
            }
            writer.WriteArray(instants);
            writer.WriteItems<int>(tags);
            writer.WriteItems<int>(deltas);
        }

        public static DayMarks ReadFrom(ModelReader reader, int day, int tagLimit)
        {
            var instants = reader.ReadLongs();
            var marks = new DayMarks
            {
                instants = instants,
                tags = reader.ReadItems<int>(instants.Length),
                deltas = reader.ReadItems<int>(instants.Length),
                sums = new long[instants.Length],
            };
            long running = 0;
            for (var k = 0; k < instants.Length; k++)
            {
                // Sorted by (instant, tag), one mark per pair, all on this day: what the binary searches rely on.
                var ordered = k == 0 || instants[k] > instants[k - 1] || (instants[k] == instants[k - 1] && marks.tags[k] > marks.tags[k - 1]);
                if (!ordered || DayTotals.DayOf(instants[k]) != day || marks.tags[k] < -1 || marks.tags[k] >= tagLimit)
                {
                    throw ModelReader.Damaged("counter marks out of order or range");
                }
                marks.sums[k] = running += marks.deltas[k];
            }
            return marks;
        }

        public void Add(long at, int tag, int delta)
        {
            tail.Add((at, tag, delta));
            if (tail.Count > Math.Max(16, instants.Length))
            {
                Compact();
            }
        }

        public long SumThrough(long end)
        {
            var count = CountThrough(end);
            var sum = count == 0 ? 0 : sums[count - 1];
            foreach (var (at, _, delta) in tail)
            {
                sum += at <= end ? delta : 0;
            }
            return sum;
        }

        public void Visit(long end, Action<int, int> visit)
        {
            var count = CountThrough(end);
            for (var i = 0; i < count; i++)
            {
                visit(tags[i], deltas[i]);
            }
            foreach (var (at, tag, delta) in tail)
            {
                if (at <= end)
                {
                    visit(tag, delta);
                }
            }
        }

        /// <summary>
        /// Marks of the sorted part through <paramref name="end"/>. A read scans a short tail rather than merging it:
        /// merging copies the whole day, and a dashboard polled during ingestion would pay that on every read.
        /// </summary>
        private int CountThrough(long end)
        {
            if (tail.Count > ReadScanLimit)
            {
                Compact();
            }
            return Coverage.CountThrough(instants, end);
        }

        /// <summary>Merges the tail into the sorted marks, summing marks of one (instant, tag) and dropping those that cancel.</summary>
        private void Compact()
        {
            tail.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Tag.CompareTo(b.Tag));
            var capacity = instants.Length + tail.Count;
            var (newInstants, newTags, newDeltas) = (new long[capacity], new int[capacity], new int[capacity]);
            int count = 0, i = 0, j = 0;
            while (i < instants.Length || j < tail.Count)
            {
                var takeOld = j == tail.Count ||
                    (i < instants.Length && (instants[i] < tail[j].At || (instants[i] == tail[j].At && tags[i] <= tail[j].Tag)));
                var (at, tag, delta) = takeOld ? (instants[i], tags[i], deltas[i++]) : tail[j++];
                if (count > 0 && newInstants[count - 1] == at && newTags[count - 1] == tag)
                {
                    newDeltas[count - 1] += delta;
                    if (newDeltas[count - 1] == 0)
                    {
                        count--;
                    }
                }
                else
                {
                    (newInstants[count], newTags[count], newDeltas[count]) = (at, tag, delta);
                    count++;
                }
            }
            tail.Clear();
            instants = newInstants[..count];
            tags = newTags[..count];
            deltas = newDeltas[..count];
            sums = new long[count];
            long running = 0;
            for (var k = 0; k < count; k++)
            {
                sums[k] = running += deltas[k];
            }
        }
    }
}

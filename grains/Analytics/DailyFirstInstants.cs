namespace Collaboration.Analytics;

/// <summary>
/// For each UTC day and presence level, the first instant that day of every user who reached the level that day.
/// The users at a level on a day, up to an end in it, are then the instants at or before the end: the whole day is
/// the count, and a day cut at asOf is a binary search. Each (user, day, level reached) costs one long in an exact-size
/// sorted array; changes wait in a tail that is merged on read or once it outgrows the array, so a day filled in any
/// order costs O(n log n), not O(n^2).
/// </summary>
internal sealed class DailyFirstInstants(int levelCount)
{
    private readonly Dictionary<int, Instants[]> days = [];
    private int floor = int.MinValue;

    /// <summary>Adds (delta &gt; 0) or removes (delta &lt; 0) |delta| users whose first instant at the level is <paramref name="at"/>.</summary>
    public void Add(int level, long at, int delta)
    {
        var day = DayTotals.DayOf(at);
        if (day < floor)
        {
            return; // forgotten, see Forget
        }
        if (!days.TryGetValue(day, out var levels))
        {
            days[day] = levels = new Instants[levelCount];
            for (var l = 0; l < levelCount; l++)
            {
                levels[l] = new Instants();
            }
        }
        levels[level].Add(at, delta);
    }

    /// <summary>The users whose first instant at the level on <paramref name="day"/> is at or before <paramref name="end"/>.</summary>
    public long CountThrough(int day, int level, long end) =>
        days.TryGetValue(day, out var levels) ? levels[level].CountThrough(end) : 0;

    /// <summary>Drops the days before <paramref name="floorDay"/>, now and for later changes: no answer reads them.</summary>
    public void Forget(int floorDay)
    {
        if (floorDay <= floor)
        {
            return;
        }
        floor = floorDay;
        foreach (var day in days.Keys.Where(day => day < floor).ToList())
        {
            days.Remove(day);
        }
    }

    /// <summary>The floor, then the days in ascending order, each with its merged instants per level.</summary>
    public void WriteTo(ModelWriter writer)
    {
        writer.Write(floor);
        var keys = days.Keys.ToArray();
        Array.Sort(keys);
        writer.WriteArray(keys);
        foreach (var day in keys)
        {
            foreach (var instants in days[day])
            {
                instants.WriteTo(writer);
            }
        }
    }

    public static DailyFirstInstants ReadFrom(ModelReader reader, int levelCount)
    {
        var firsts = new DailyFirstInstants(levelCount) { floor = reader.ReadInt() };
        var keys = reader.ReadInts();
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0 && keys[i] <= keys[i - 1])
            {
                throw ModelReader.Damaged("daily days out of order");
            }
            var levels = new Instants[levelCount];
            for (var level = 0; level < levelCount; level++)
            {
                levels[level] = Instants.ReadFrom(reader, keys[i]);
            }
            firsts.days[keys[i]] = levels;
        }
        return firsts;
    }

    /// <summary>The longest tail of pending changes a read scans instead of merging it.</summary>
    private const int ReadScanLimit = 512;

    /// <summary>A sorted multiset of instants (users may share one).</summary>
    private sealed class Instants
    {
        private long[] sorted = [];

        public void WriteTo(ModelWriter writer)
        {
            if (tail is not null)
            {
                Compact();
            }
            writer.WriteArray(sorted);
        }

        public static Instants ReadFrom(ModelReader reader, int day)
        {
            var sorted = reader.ReadLongs();
            for (var k = 0; k < sorted.Length; k++)
            {
                if ((k > 0 && sorted[k] < sorted[k - 1]) || DayTotals.DayOf(sorted[k]) != day)
                {
                    throw ModelReader.Damaged("daily instants out of order or off their day");
                }
            }
            return new Instants { sorted = sorted };
        }

        /// <summary>Pending changes: an instant to add, or its complement (~at, negative as ticks are not) to remove one.</summary>
        private List<long>? tail;

        public void Add(long at, int delta)
        {
            tail ??= [];
            for (; delta > 0; delta--)
            {
                tail.Add(at);
            }
            for (; delta < 0; delta++)
            {
                tail.Add(~at);
            }
            if (tail.Count > Math.Max(16, sorted.Length))
            {
                Compact();
            }
        }

        /// <summary>A short tail is scanned rather than merged, as in <see cref="InstantCounter"/>: merging copies the whole day.</summary>
        public long CountThrough(long end)
        {
            if (tail is { Count: > ReadScanLimit })
            {
                Compact();
            }
            long count = Coverage.CountThrough(sorted, end);
            foreach (var entry in tail ?? [])
            {
                count += Instant(entry) > end ? 0 : entry < 0 ? -1 : 1;
            }
            return count;
        }

        /// <summary>Merges the tail into the sorted array, each instant kept as often as it was added minus removed.</summary>
        private void Compact()
        {
            var pending = tail!;
            pending.Sort((a, b) => Instant(a).CompareTo(Instant(b)));
            var merged = new long[sorted.Length + pending.Count];
            int count = 0, i = 0, j = 0;
            while (i < sorted.Length || j < pending.Count)
            {
                var at = j == pending.Count || (i < sorted.Length && sorted[i] <= Instant(pending[j])) ? sorted[i] : Instant(pending[j]);
                var copies = 0;
                for (; i < sorted.Length && sorted[i] == at; i++)
                {
                    copies++;
                }
                for (; j < pending.Count && Instant(pending[j]) == at; j++)
                {
                    copies += pending[j] < 0 ? -1 : 1;
                }
                if (copies < 0)
                {
                    throw new InvalidOperationException($"Removed a first instant ({at}) that was never added.");
                }
                for (; copies > 0; copies--)
                {
                    merged[count++] = at;
                }
            }
            sorted = count == merged.Length ? merged : merged[..count];
            tail = null; // a settled day keeps no spare capacity
        }

        private static long Instant(long entry) => entry < 0 ? ~entry : entry;
    }
}

using Collaboration.Events;

namespace Collaboration.Users;

/// <summary>
/// A user's activities sorted by time, then type, packed for memory: each one is the gap from the one before as a
/// variable-length number with its type in the low bits, in whole milliseconds when the gap is one (it is whenever the
/// apps send millisecond timestamps), else in ticks. An activity then costs 2-5 bytes instead of 16, so the 91 days a
/// user grain keeps of a busy user (50 events a day) take about 18 KB rather than 73 KB (issue 18). Activities mostly
/// arrive in order and are appended; a late one re-packs the timeline.
/// </summary>
internal sealed class Timeline : IEnumerable<(long Ticks, InteractionType Type)>
{
    private const int TypeBits = 3;
    private const ulong MillisecondsFlag = 1 << TypeBits;
    private const int FlagBits = TypeBits + 1;

    private byte[] bytes = [];
    // The packed activities are bytes[start..end); the first one's gap is from baseTicks, each later one's from the one before.
    private int start, end;
    private long baseTicks, lastTicks;
    private InteractionType lastType;

    public int Count { get; private set; }

    /// <summary>The bytes this timeline holds, for the tests that check the cost per activity.</summary>
    public int Capacity => bytes.Length;

    public void Add(long ticks, InteractionType type)
    {
        if (Count > 0 && (ticks, type).CompareTo((lastTicks, lastType)) < 0)
        {
            // A late activity: re-pack in order (rare; apps post as things happen).
            var all = new List<(long Ticks, InteractionType Type)>(Count + 1);
            foreach (var activity in this)
            {
                all.Add(activity);
            }
            all.Insert(all.FindLastIndex(a => a.CompareTo((ticks, type)) <= 0) + 1, (ticks, type));
            Clear();
            foreach (var (t, y) in all)
            {
                Append(t, y);
            }
            return;
        }
        Append(ticks, type);
    }

    /// <summary>Drops the activities before <paramref name="ticks"/>, which costs what it drops: their bytes are reused when the timeline next grows.</summary>
    public void ForgetBefore(long ticks)
    {
        var enumerator = GetEnumerator();
        var dropped = 0;
        while (enumerator.MoveNext() && enumerator.Current.Ticks < ticks)
        {
            start = enumerator.Offset;
            baseTicks = enumerator.Current.Ticks;
            dropped++;
        }
        Count -= dropped;
        if (Count == 0)
        {
            Clear();
        }
        else if (end - start < bytes.Length / 4)
        {
            MoveDown();
            Array.Resize(ref bytes, end * 2);
        }
    }

    /// <summary>Adds, per type, the activities in (<paramref name="after"/>, <paramref name="through"/>] to <paramref name="counts"/>.</summary>
    public void CountWithin(long after, long through, Span<long> counts)
    {
        foreach (var (ticks, type) in this)
        {
            if (ticks > through)
            {
                break;
            }
            if (ticks > after)
            {
                counts[(int)type]++;
            }
        }
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<(long Ticks, InteractionType Type)> IEnumerable<(long Ticks, InteractionType Type)>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private void Clear()
    {
        bytes = [];
        start = end = 0;
        Count = 0;
    }

    private void MoveDown()
    {
        Array.Copy(bytes, start, bytes, 0, end - start);
        end -= start;
        start = 0;
    }

    private void Append(long ticks, InteractionType type)
    {
        if (Count == 0)
        {
            baseTicks = ticks;
        }
        var gap = ticks - (Count == 0 ? baseTicks : lastTicks);
        var value = gap % TimeSpan.TicksPerMillisecond == 0
            ? ((ulong)(gap / TimeSpan.TicksPerMillisecond) << FlagBits) | MillisecondsFlag | (ulong)type
            : ((ulong)gap << FlagBits) | (ulong)type;
        if (end + 10 > bytes.Length)
        {
            // Reuse the room of forgotten activities before growing.
            MoveDown();
            if (end + 10 > bytes.Length)
            {
                Array.Resize(ref bytes, Math.Max(16, bytes.Length + bytes.Length / 2 + 10));
            }
        }
        for (; value >= 0x80; value >>= 7)
        {
            bytes[end++] = (byte)(value | 0x80);
        }
        bytes[end++] = (byte)value;
        lastTicks = ticks;
        lastType = type;
        Count++;
    }

    /// <summary>Walks the packed activities in order without allocating.</summary>
    public struct Enumerator(Timeline timeline) : IEnumerator<(long Ticks, InteractionType Type)>
    {
        private long ticks = timeline.baseTicks;
        private int seen;

        /// <summary>Where the next activity starts.</summary>
        public int Offset { get; private set; } = timeline.start;

        public (long Ticks, InteractionType Type) Current { get; private set; }

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (seen == timeline.Count)
            {
                return false;
            }
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = timeline.bytes[Offset++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }
            var gap = (long)(value >> FlagBits);
            ticks += (value & MillisecondsFlag) != 0 ? gap * TimeSpan.TicksPerMillisecond : gap;
            Current = (ticks, (InteractionType)(value & ((1 << TypeBits) - 1)));
            seen++;
            return true;
        }

        public readonly void Reset() => throw new NotSupportedException();

        public readonly void Dispose()
        {
        }
    }
}

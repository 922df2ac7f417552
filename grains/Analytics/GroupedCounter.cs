namespace Collaboration.Analytics;

/// <summary>
/// An <see cref="InstantCounter"/> whose count can also be split by the groups of a dimension: each group slot keeps
/// only day totals, and the day being read is split by looking up each mark's tag. So a group costs a Fenwick tree,
/// not a copy of the marks.
/// </summary>
internal sealed class GroupedCounter
{
    private readonly List<DayTotals>[] slots = [.. Enumerable.Range(0, Analytics.Dimensions.Count).Select(_ => new List<DayTotals>())];

    public InstantCounter Exact { get; private init; } = new();

    public DayTotals Slot(int dimension, int slot)
    {
        var list = slots[dimension];
        while (list.Count <= slot)
        {
            var totals = new DayTotals();
            totals.Forget(Exact.Floor);
            list.Add(totals);
        }
        return list[slot];
    }

    /// <summary>The count at <paramref name="end"/> per slot of a dimension; <paramref name="slotOf"/> maps a mark's tag to its slot now.</summary>
    public long[] CountBySlot(int dimension, long end, int slotCount, Func<int, int> slotOf)
    {
        var counts = new long[slotCount];
        var day = DayTotals.DayOf(end);
        var list = slots[dimension];
        for (var slot = 0; slot < Math.Min(slotCount, list.Count); slot++)
        {
            counts[slot] = list[slot].Through(day - 1);
        }
        Exact.VisitDayThrough(end, (tag, delta) => counts[slotOf(tag)] += delta);
        return counts;
    }

    /// <summary>Keeps what lies before <paramref name="floorDay"/> only as sums (see <see cref="InstantCounter.Forget"/>).</summary>
    public void Forget(int floorDay)
    {
        Exact.Forget(floorDay);
        foreach (var totals in slots.SelectMany(list => list))
        {
            totals.Forget(floorDay);
        }
    }

    public void WriteTo(ModelWriter writer)
    {
        Exact.WriteTo(writer);
        foreach (var list in slots)
        {
            writer.Write(list.Count);
            foreach (var totals in list)
            {
                totals.WriteTo(writer);
            }
        }
    }

    public static GroupedCounter ReadFrom(ModelReader reader, int tagLimit)
    {
        var counter = new GroupedCounter { Exact = InstantCounter.ReadFrom(reader, tagLimit) };
        foreach (var list in counter.slots)
        {
            // Each slot's totals take at least a day and a length.
            for (var count = reader.ReadCount(2 * sizeof(int)); list.Count < count;)
            {
                list.Add(DayTotals.ReadFrom(reader));
            }
        }
        return counter;
    }
}

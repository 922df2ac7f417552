using System.Runtime.InteropServices;

namespace Collaboration.Analytics;

/// <summary>
/// The marks of one change, summed before they reach the counters: a change takes a user's marks out and puts them
/// back, so what it leaves alone sums to zero and costs nothing.
/// </summary>
internal sealed class PendingMarks
{
    private Dictionary<(InstantCounter Counter, long At, int Tag), int> marks = [];
    private Dictionary<(DayTotals Totals, int Day), long> days = [];
    private Dictionary<(DailyFirstInstants Daily, int Level, long At), int> firsts = [];

    /// <summary>Runs on an ungrouped counter.</summary>
    public void Mark(List<Run> runs, int sign, InstantCounter counter)
    {
        foreach (var run in runs)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(marks, (counter, run.Start, -1), out _) += sign;
            if (run.End != Coverage.Forever)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(marks, (counter, run.End, -1), out _) -= sign;
            }
        }
    }

    /// <summary>Runs of one tag on a grouped counter, and on its day totals for the tag's slot in every dimension.</summary>
    public void Mark(List<Run> runs, int sign, GroupedCounter counter, int tag, int[] slotPerDimension)
    {
        foreach (var run in runs)
        {
            MarkAt(counter, run.Start, tag, slotPerDimension, sign);
            if (run.End != Coverage.Forever)
            {
                MarkAt(counter, run.End, tag, slotPerDimension, -sign);
            }
        }
    }

    /// <summary>A user's first instant at a level on its day.</summary>
    public void First(DailyFirstInstants daily, int level, long at, int sign) =>
        CollectionsMarshal.GetValueRefOrAddDefault(firsts, (daily, level, at), out _) += sign;

    /// <summary>Applies what did not cancel out, and starts over.</summary>
    public void Apply()
    {
        foreach (var ((counter, at, tag), delta) in marks)
        {
            if (delta != 0)
            {
                counter.Add(at, tag, delta);
            }
        }
        foreach (var ((totals, day), delta) in days)
        {
            if (delta != 0)
            {
                totals.Add(day, delta);
            }
        }
        foreach (var ((daily, level, at), delta) in firsts)
        {
            if (delta != 0)
            {
                daily.Add(level, at, delta);
            }
        }
        // Clear costs a dictionary's capacity, so one large change (a group move) must not slow every later one.
        marks = marks.Count > 1024 ? [] : marks;
        days = days.Count > 1024 ? [] : days;
        firsts = firsts.Count > 1024 ? [] : firsts;
        marks.Clear();
        days.Clear();
        firsts.Clear();
    }

    private void MarkAt(GroupedCounter counter, long at, int tag, int[] slotPerDimension, int delta)
    {
        CollectionsMarshal.GetValueRefOrAddDefault(marks, (counter.Exact, at, tag), out _) += delta;
        var day = DayTotals.DayOf(at);
        for (var d = 0; d < Dimensions.Count; d++)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(days, (counter.Slot(d, slotPerDimension[d]), day), out _) += delta;
        }
    }
}

using Collaboration.Analytics;

namespace Collaboration.Tests.Analytics;

/// <summary><see cref="DailyFirstInstants"/> against a plain list, with enough changes per day to merge its tail many times.</summary>
public class DailyFirstInstantsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Counts_match_a_plain_list_through_adds_removes_and_reads_in_any_order(int seed)
    {
        var random = new Random(seed);
        var firsts = new DailyFirstInstants(levelCount: 2);
        var expected = new List<(int Level, long At)>();
        var dayStart = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        long RandomInstant() => dayStart + random.Next(3) * TimeSpan.TicksPerDay + random.Next(200) * TimeSpan.TicksPerMinute;

        for (var step = 0; step < 3000; step++)
        {
            if (expected.Count > 0 && random.Next(3) == 0)
            {
                var gone = expected[random.Next(expected.Count)];
                expected.Remove(gone);
                firsts.Add(gone.Level, gone.At, -1);
            }
            else
            {
                var (level, at, copies) = (random.Next(2), RandomInstant(), random.Next(1, 3));
                expected.AddRange(Enumerable.Repeat((level, at), copies));
                firsts.Add(level, at, copies);
            }
            if (random.Next(40) == 0)
            {
                var (level, end) = (random.Next(2), RandomInstant() + random.Next(-1, 2));
                var day = DayTotals.DayOf(end);
                Assert.Equal(expected.Count(e => e.Level == level && DayTotals.DayOf(e.At) == day && e.At <= end),
                    firsts.CountThrough(day, level, end));
            }
        }
    }

    [Fact]
    public void Removing_an_instant_that_was_never_added_is_refused()
    {
        var firsts = new DailyFirstInstants(levelCount: 1);
        firsts.Add(0, 1000, 1);
        firsts.Add(0, 2000, -1);

        // Checked when the pending changes are merged: a read scans a short tail, writing the body merges it.
        Assert.Throws<InvalidOperationException>(() => firsts.WriteTo(new ModelWriter(Stream.Null)));
    }
}

using Collaboration.Events;
using Collaboration.Folds;
using CsCheck;

namespace Collaboration.Tests.Folds;

/// <summary>The packed timeline against a plain sorted list: the same activities, counts and order, whatever the order of arrival.</summary>
public sealed class TimelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Millisecond instants (the usual case), instants with sub-millisecond ticks, and repeats of one instant.
    private static readonly Gen<long> Instants = Gen.Frequency(
        (6, Gen.Long[0, 200L * 86_400_000].Select(ms => Start.UtcTicks + ms * TimeSpan.TicksPerMillisecond)),
        (2, Gen.Long[0, 200L * TimeSpan.TicksPerDay].Select(ticks => Start.UtcTicks + ticks)),
        (1, Gen.Const(Start.UtcTicks + TimeSpan.TicksPerDay)));

    private static readonly Gen<(long Ticks, InteractionType Type)> Activities =
        Gen.Select(Instants, Gen.Int[0, InteractionTypes.Count - 1].Select(t => (InteractionType)t));

    [Fact]
    public void Eight_types_fit_the_three_type_bits() => Assert.True(InteractionTypes.Count <= 8);

    [Fact]
    public void Holds_what_a_sorted_list_holds_through_adds_and_forgets()
    {
        // Each step adds an activity or forgets before an instant.
        var steps = Gen.Frequency((8, Activities.Select(a => (Forget: (long?)null, Activity: a))), (1, Instants.Select(t => (Forget: (long?)t, Activity: default((long Ticks, InteractionType Type))))));
        Gen.Select(steps.List[0, 400], Instants, Gen.Long[1, 120L * TimeSpan.TicksPerDay]).Sample((plan, end, length) =>
        {
            var timeline = new Timeline();
            var expected = new List<(long Ticks, InteractionType Type)>();
            // What is forgotten stays forgotten: a later activity before the point is not kept either.
            var floor = long.MinValue;
            foreach (var (forget, activity) in plan)
            {
                if (forget is { } before)
                {
                    timeline.ForgetBefore(before);
                    floor = Math.Max(floor, before);
                    expected.RemoveAll(a => a.Ticks < floor);
                }
                else
                {
                    timeline.Add(activity.Ticks, activity.Type);
                    if (activity.Ticks >= floor)
                    {
                        expected.Add(activity);
                        expected.Sort();
                    }
                }
            }
            Assert.Equal(expected, [.. timeline]);
            Assert.Equal(expected.Count, timeline.Count);
            var counts = new long[InteractionTypes.Count];
            timeline.CountWithin(end - length, end, counts);
            Assert.Equal([.. Enumerable.Range(0, InteractionTypes.Count).Select(t => (long)expected.Count(a => (int)a.Type == t && a.Ticks > end - length && a.Ticks <= end))], counts);
        });
    }

    [Fact]
    public void A_busy_user_costs_a_few_bytes_per_activity()
    {
        // 50 activities a day at millisecond instants for 91 days, with the oldest day forgotten as days go by.
        var random = new Random(7);
        var timeline = new Timeline();
        for (var day = 0; day < 200; day++)
        {
            foreach (var ms in Enumerable.Range(0, 50).Select(_ => random.NextInt64(86_400_000)).Order())
            {
                timeline.Add(Start.UtcTicks + day * TimeSpan.TicksPerDay + ms * TimeSpan.TicksPerMillisecond, (InteractionType)random.Next(InteractionTypes.Count));
            }
            timeline.ForgetBefore(Start.UtcTicks + (day - 90) * TimeSpan.TicksPerDay);
        }
        Assert.Equal(91 * 50, timeline.Count);
        // 16 bytes each as (ticks, type) pairs; packed, gaps of about half an hour take 4 bytes, plus the buffer's slack.
        var bytesEach = (double)timeline.Capacity / timeline.Count;
        Assert.True(bytesEach is >= 3 and <= 8, $"{bytesEach:F1} bytes per activity");
    }
}

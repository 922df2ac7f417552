using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.Reads;
using static Collaboration.Tests.Analytics.AnalyticsModelTests;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// A model that forgets what lies before its horizon (<see cref="AnalyticsModel.Forget"/>) against the brute-force
/// reading of every event: the answers it may give are exact, whether events arrive before or after the horizon moves
/// past them, and its size stops following events older than the horizon.
/// </summary>
public class AnalyticsModelHorizonTests
{
    private static readonly int FirstDay = DayOf(Start.AddDays(300));
    private static readonly DateTimeOffset HorizonStart = ReadHorizon.DayStart(FirstDay);
    private static readonly DateTimeOffset EarliestEnd = ReadHorizon.EarliestEnd(FirstDay);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Answers_after_the_horizon_match_a_reading_of_every_event(int seed)
    {
        var random = new Random(seed);
        var history = RandomHistory(random, events: 700, Instants(random));
        var model = new AnalyticsModel();
        var reference = new Reference();
        // Matchmaking is checked against the same model without a horizon (its own rules are the API tests' oracle's).
        var unbounded = new AnalyticsModel();
        foreach (var (index, (userId, streamEvent)) in history.Index())
        {
            // The horizon moves twice while events still arrive, so some come in after it passed them.
            if (index == history.Count / 6)
            {
                model.Forget(FirstDay - 40);
            }
            if (index == history.Count / 3)
            {
                model.Forget(FirstDay);
            }
            model.Apply(userId, streamEvent);
            reference.Apply(userId, streamEvent);
            unbounded.Apply(userId, streamEvent);
        }
        var reloaded = RoundTrip(model);

        var instants = history.Select(h => h.Event).OfType<Interaction>().Select(i => i.OccurredAt).Where(at => at >= EarliestEnd).ToList();
        var suggested = 0;
        for (var q = 0; q < 60; q++)
        {
            var window = AnalyticsModelTests.Windows[random.Next(AnalyticsModelTests.Windows.Length)];
            var end = Max(QueryEnd(random, instants, window), EarliestEnd);
            var dimension = (Dimension)random.Next(Dimensions.Count);
            foreach (var answering in new[] { model, reloaded })
            {
                AssertWindowedAnswers(answering, reference, random, window, end, dimension);
                var dailyEnd = Max(DailyEnd(random, instants), HorizonStart);
                var days = random.Next(1, DayOf(dailyEnd) - FirstDay + 2);
                Assert.Equal(reference.Daily(days, dailyEnd), answering.Daily(days, dailyEnd));
                var (user, idea) = ($"u{random.Next(24)}", $"i{random.Next(6)}");
                Assert.Equal(Json(unbounded.SuggestPeople(idea, dimension, 50, end)), Json(answering.SuggestPeople(idea, dimension, 50, end)));
                suggested += unbounded.SuggestPeople(idea, dimension, 50, end)?.People.Length ?? 0;
                Assert.Equal(Json(unbounded.SuggestIdeas(user, 50, end, new CriticalMass(3, 2))),
                    Json(answering.SuggestIdeas(user, 50, end, new CriticalMass(3, 2))));
            }
        }
        Assert.True(suggested > 10, $"only {suggested} people suggested over the queries");
    }

    [Fact]
    public void Answers_that_would_read_before_the_horizon_are_refused()
    {
        var model = new AnalyticsModel();
        model.Forget(FirstDay);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.Participation(ReadWindow.Days7, EarliestEnd.AddTicks(-1), null));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Funnel(ReadWindow.Days90, EarliestEnd.AddTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Daily(2, HorizonStart));
        Assert.Equal(0, model.Participation(ReadWindow.Days90, EarliestEnd, null).Total.Users);
        Assert.Single(model.Daily(1, HorizonStart));
    }

    [Fact]
    public void Events_older_than_the_horizon_do_not_grow_the_model()
    {
        var random = new Random(7);
        // Old events only: every instant lies 1 to 500 days before the horizon.
        var old = Enumerable.Range(0, 6000).Select(_ => HorizonStart.AddMinutes(-random.Next(1, 500 * 24 * 60))).ToArray();
        var first = RandomHistory(random, events: 3000, old);
        var second = RandomHistory(random, events: 3000, old);
        var bounded = new AnalyticsModel();
        bounded.Forget(FirstDay);
        var unbounded = new AnalyticsModel();

        var sizes = new List<(long Bounded, long Unbounded)>();
        foreach (var batch in new[] { first, second })
        {
            foreach (var (userId, streamEvent) in batch)
            {
                bounded.Apply(userId, streamEvent);
                unbounded.Apply(userId, streamEvent);
            }
            sizes.Add((Size(bounded), Size(unbounded)));
        }

        // The same users and ideas: the second batch may move first instants and counts, not add per-event state.
        Assert.True(sizes[1].Bounded <= sizes[0].Bounded * 1.05, $"bounded model grew from {sizes[0].Bounded} to {sizes[1].Bounded} bytes");
        // Kept, the same events would have broken that bound: the check above could fail.
        Assert.True(sizes[1].Unbounded - sizes[0].Unbounded > sizes[0].Bounded * 0.05,
            $"unbounded model grew from {sizes[0].Unbounded} to {sizes[1].Unbounded} bytes");
        // And forgetting keeps what the all-time window needs.
        Assert.Equal(unbounded.Participation(ReadWindow.All, EarliestEnd, null), bounded.Participation(ReadWindow.All, EarliestEnd, null));
        Assert.Equal(unbounded.TopIdeas(ReadWindow.All, EarliestEnd, IdeaRanking.Views, 6), bounded.TopIdeas(ReadWindow.All, EarliestEnd, IdeaRanking.Views, 6));
    }

    /// <summary>Random instants over 600 days, plus the instants on and next to the horizon's edges.</summary>
    private static DateTimeOffset[] Instants(Random random)
    {
        var edges = new[] { HorizonStart, EarliestEnd, EarliestEnd.AddDays(-90), EarliestEnd.AddDays(-180), HorizonStart.AddDays(90) }
            .SelectMany(edge => new[] { edge, edge.AddTicks(-1), edge.AddTicks(1) });
        return [.. Enumerable.Range(0, 100).Select(_ => Start.AddMinutes(random.Next(0, 600 * 24 * 60))).Concat(edges)];
    }

    private static string Json(object? answer) => System.Text.Json.JsonSerializer.Serialize(answer);

    private static AnalyticsModel RoundTrip(AnalyticsModel model)
    {
        var stream = new MemoryStream();
        model.WriteTo(stream);
        stream.Position = 0;
        var read = AnalyticsModel.ReadFrom(stream);
        Assert.Equal(model.HorizonDay, read.HorizonDay);
        return read;
    }

    private static long Size(AnalyticsModel model)
    {
        var stream = new MemoryStream();
        return model.WriteTo(stream);
    }

    private static int DayOf(DateTimeOffset at) => (int)(at.UtcTicks / TimeSpan.TicksPerDay);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

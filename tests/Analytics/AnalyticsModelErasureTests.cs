using System.Security.Cryptography;
using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.Privacy;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// An erasure record applied to a model that knew the person must leave it exactly as a model that folded the events
/// as the erasure rewrote them (the person's interactions under the pseudonym, their profile changes gone): that is
/// what a rebuild from the journal folds.
/// </summary>
public class AnalyticsModelErasureTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void An_erasure_leaves_the_model_as_a_fold_of_the_rewritten_events(int seed)
    {
        var random = new Random(seed);
        var history = AnalyticsModelTests.RandomHistory(random, events: 600);
        var names = new Pseudonyms(RandomNumberGenerator.GetBytes(Pseudonyms.KeyBytes));
        var person = history.First(h => h.Event is ProfileUpdated).UserId;
        var pseudonym = names.Of(person);
        var marker = new UserErased("erasure:1", pseudonym, Start, history.Count(h => h.UserId == person && h.Event is ProfileUpdated));

        var live = new AnalyticsModel { Names = names };
        foreach (var (userId, streamEvent) in history)
        {
            live.Apply(userId, streamEvent);
        }
        live.Apply(pseudonym, marker);
        var rewritten = new AnalyticsModel { Names = names };
        foreach (var (userId, streamEvent) in Rewrite(history, person, pseudonym))
        {
            rewritten.Apply(userId, streamEvent);
        }
        rewritten.Apply(pseudonym, marker);

        Assert.Equal((1, false), (live.ErasuresApplied, live.NeedsRebuild));
        Assert.Equal(0, rewritten.ErasuresApplied);
        var instants = history.Select(h => h.Event).OfType<Interaction>().Select(i => i.OccurredAt).ToList();
        for (var q = 0; q < 30; q++)
        {
            var window = AnalyticsModelTests.Windows[random.Next(AnalyticsModelTests.Windows.Length)];
            var end = AnalyticsModelTests.QueryEnd(random, instants, window);
            Assert.Equal(Json(rewritten.Summarize(end)), Json(live.Summarize(end)));
            foreach (var dimension in Enum.GetValues<Dimension>())
            {
                // Groups come in the order they first appeared, which the person's deleted profiles changed; answers sort them.
                Assert.Equal(Json(Sorted(rewritten.Participation(window, end, dimension))), Json(Sorted(live.Participation(window, end, dimension))));
                Assert.Equal(Json(Sorted(rewritten.Ties(window, end, dimension))), Json(Sorted(live.Ties(window, end, dimension))));
            }
            Assert.Equal(Json(rewritten.TopIdeas(window, end, IdeaRanking.Contributors, 10)), Json(live.TopIdeas(window, end, IdeaRanking.Contributors, 10)));
            if (window.Length is not null)
            {
                Assert.Equal(Json(rewritten.Funnel(window, end)), Json(live.Funnel(window, end)));
            }
        }
        Assert.Null(live.Breadth(person, ReadWindow.All, Start.AddYears(1)));
        Assert.Equal(Json(rewritten.Breadth(pseudonym, ReadWindow.All, Start.AddYears(1))), Json(live.Breadth(pseudonym, ReadWindow.All, Start.AddYears(1))));
    }

    [Fact]
    public void A_model_that_folded_the_person_under_both_names_needs_a_rebuild_and_is_not_stored()
    {
        var random = new Random(9);
        var history = AnalyticsModelTests.RandomHistory(random, events: 300);
        var names = new Pseudonyms(RandomNumberGenerator.GetBytes(Pseudonyms.KeyBytes));
        var person = history.First(h => h.Event is Interaction).UserId;
        var pseudonym = names.Of(person);
        var lagging = new AnalyticsModel { Names = names };
        // The first half before the erasure rewrote the rows, the second half after: the person under both names.
        var half = history.Count / 2;
        foreach (var (userId, streamEvent) in history.Take(half).Concat(Rewrite(history.Skip(half).ToList(), person, pseudonym)))
        {
            lagging.Apply(userId, streamEvent);
        }

        lagging.Apply(pseudonym, new UserErased("erasure:1", pseudonym, Start, 0));

        Assert.True(lagging.NeedsRebuild);
        Assert.Throws<InvalidOperationException>(() => ReadModelSnapshots.EnsureStorable(lagging));
    }

    /// <summary>The history as an erasure leaves it in the journal.</summary>
    private static IEnumerable<(string UserId, IStreamEvent Event)> Rewrite(List<(string UserId, IStreamEvent Event)> history, string person, string pseudonym)
    {
        foreach (var (userId, streamEvent) in history)
        {
            if (userId != person)
            {
                yield return (userId, streamEvent);
            }
            else if (streamEvent is Interaction interaction)
            {
                yield return (pseudonym, interaction with { UserId = pseudonym });
            }
        }
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    private static ParticipationStats Sorted(ParticipationStats stats) =>
        stats with { Groups = stats.Groups?.OrderBy(g => g.Key, StringComparer.Ordinal).ToList() };

    private static TieStats Sorted(TieStats stats) => stats with { Groups = [.. stats.Groups.OrderBy(g => g.Key, StringComparer.Ordinal)] };
}

using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.Users;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// The interest index kept in step with events that arrive after it was asked: the read model works each interest out
/// once for the latest day asked and then adds every new unit to it. Its answers must stay those of a model that folded
/// every event before it was first asked. (The rules themselves are checked against an oracle in the API tests.)
/// </summary>
public sealed class MatchmakingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Answers_kept_in_step_after_a_read_equal_those_of_a_model_that_folded_everything_first(int seed)
    {
        var random = new Random(seed);
        // Everything within 60 days, so that every unit weighs at the day asked.
        var instants = Enumerable.Range(0, 60).Select(_ => AnalyticsModelTests.Start.AddMinutes(random.Next(0, 60 * 24 * 60))).ToArray();
        var history = AnalyticsModelTests.RandomHistory(random, events: 900, instants);
        var end = instants.Max();
        var (first, second) = (history.Take(history.Count / 2).ToList(), history.Skip(history.Count / 2).ToList());

        var asked = new AnalyticsModel();
        foreach (var (userId, streamEvent) in first)
        {
            asked.Apply(userId, streamEvent);
        }
        var before = Answers(asked, end);
        foreach (var (userId, streamEvent) in second)
        {
            asked.Apply(userId, streamEvent);
        }
        var folded = new AnalyticsModel();
        foreach (var (userId, streamEvent) in history)
        {
            folded.Apply(userId, streamEvent);
        }

        var expected = Answers(folded, end);
        Assert.NotEqual(before, expected); // the second half changed the answers
        Assert.Equal(expected, Answers(asked, end));
    }

    [Fact]
    public void A_short_list_keeps_the_best_of_ideas_that_lack_as_much_even_when_the_better_comes_later()
    {
        var at = AnalyticsModelTests.Start.AddDays(10);
        var model = new AnalyticsModel();
        foreach (var (user, country) in new[] { ("u", "FI"), ("fi-owner", "FI"), ("de-owner", "DE"), ("in-owner", "IN") })
        {
            model.Apply(user, new ProfileUpdated($"p-{user}", new UserProfile(null, country, null, null, "R&D"), at));
        }
        // u is interested in t and s through ideas owned in FI (which it is not suggested); b (t) and c (t, s) lack as much.
        Create(model, "fi-owner", "x", at, "t");
        Create(model, "fi-owner", "y", at, "s");
        model.Apply("u", new Interaction("e-x", InteractionType.Comment, "u", "x", null, at.AddHours(1)));
        model.Apply("u", new Interaction("e-y", InteractionType.Comment, "u", "y", null, at.AddHours(1)));
        Create(model, "de-owner", "b", at, "t");
        Create(model, "in-owner", "c", at, "t", "s");

        Assert.Equal(["c", "b"], model.SuggestIdeas("u", 10, at.AddDays(1), new CriticalMass(3, 2))!.Select(i => i.IdeaId));
        Assert.Equal(["c"], model.SuggestIdeas("u", 1, at.AddDays(1), new CriticalMass(3, 2))!.Select(i => i.IdeaId));
    }

    private static void Create(AnalyticsModel model, string owner, string idea, DateTimeOffset at, params string[] tags) =>
        model.Apply(owner, new Interaction($"c-{idea}", InteractionType.Create, owner, idea, null, at, $"Idea {idea}", tags));

    private static List<string> Answers(AnalyticsModel model, DateTimeOffset end)
    {
        var answers = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            foreach (var by in new[] { Dimension.Country, Dimension.Department })
            {
                answers.Add(JsonSerializer.Serialize(model.SuggestPeople($"i{i}", by, 100, end)));
            }
        }
        for (var u = 0; u < 26; u++)
        {
            answers.Add(JsonSerializer.Serialize(model.SuggestIdeas($"u{u}", 100, end, new CriticalMass(3, 2))));
        }
        return answers;
    }
}

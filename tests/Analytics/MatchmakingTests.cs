using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Events;

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

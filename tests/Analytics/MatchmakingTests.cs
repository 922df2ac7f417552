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
        // Asked from early on (most users have no interest yet, so the ranked lists gain users afterwards) and nine times more.
        var asked = new AnalyticsModel();
        var before = new List<List<string>>();
        for (var i = 0; i < history.Count; i++)
        {
            if (i % (history.Count / 10) == 0)
            {
                before.Add(Answers(asked, end));
            }
            asked.Apply(history[i].UserId, history[i].Event);
        }
        var folded = new AnalyticsModel();
        foreach (var (userId, streamEvent) in history)
        {
            folded.Apply(userId, streamEvent);
        }

        var expected = Answers(folded, end);
        Assert.All(before.Skip(1), answers => Assert.NotEqual(answers, expected)); // later events changed the answers
        Assert.Equal(expected, Answers(asked, end));
    }

    /// <summary>
    /// People for the latest day asked are found from the top of each tag's ranked users; for an earlier day every active
    /// user is scored. Both must give the same answer for the same day, ties at the list's end included.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void People_found_from_the_top_equal_people_found_by_scoring_everyone(int seed)
    {
        var random = new Random(seed);
        var instants = Enumerable.Range(0, 60).Select(_ => AnalyticsModelTests.Start.AddMinutes(random.Next(0, 60 * 24 * 60))).ToArray();
        var model = new AnalyticsModel();
        foreach (var (userId, streamEvent) in AnalyticsModelTests.RandomHistory(random, events: 900, instants))
        {
            model.Apply(userId, streamEvent);
        }
        var end = instants.Max();

        var fromTheTop = People(model, end);
        _ = model.SuggestPeople("i0", Dimension.Country, 1, end.AddDays(40)); // a later day: the earlier one is now scored in full
        var scored = People(model, end);

        Assert.Contains(fromTheTop, answer => answer.Contains("\"Score\""));
        Assert.Equal(fromTheTop, scored);
    }

    /// <summary>
    /// A walk from the top may stop only once the worst kept scores strictly more than anyone not met could: here ann,
    /// met last, scores what quinn does and comes first by id.
    /// </summary>
    [Fact]
    public void A_walk_from_the_top_goes_on_while_someone_not_met_could_tie_the_worst_kept()
    {
        var end = AnalyticsModelTests.Start.AddDays(60);
        var model = new AnalyticsModel();
        foreach (var (user, country) in new[] { ("owner", "FI"), ("pia", "DE"), ("quinn", "IN"), ("ann", "US") })
        {
            model.Apply(user, new ProfileUpdated($"p-{user}", new UserProfile(null, country, null, null, "R&D"), AnalyticsModelTests.Start));
        }
        Create(model, "owner", "on-a", AnalyticsModelTests.Start, "a");
        Create(model, "owner", "on-b", AnalyticsModelTests.Start, "b");
        Create(model, "owner", "target", AnalyticsModelTests.Start, "a", "b");
        // pia: 4 in a and 4 in b; quinn: 4 in a; ann: 2 in a and 2 in b (40 days ago).
        foreach (var (user, idea, daysAgo) in new[] { ("pia", "on-a", 1), ("pia", "on-b", 1), ("quinn", "on-a", 1), ("ann", "on-a", 40), ("ann", "on-b", 40) })
        {
            model.Apply(user, new Interaction($"e-{user}-{idea}", InteractionType.Comment, user, idea, null, end.AddDays(-daysAgo)));
        }

        Assert.Equal(["pia", "ann"], model.SuggestPeople("target", Dimension.Country, 2, end)!.People.Select(p => p.UserId));
        Assert.Equal([8, 4], model.SuggestPeople("target", Dimension.Country, 2, end)!.People.Select(p => p.Score));
    }

    private static List<string> People(AnalyticsModel model, DateTimeOffset end) =>
        [.. from i in Enumerable.Range(0, 7)
            from dimension in new[] { Dimension.Country, Dimension.Function, Dimension.Department }
            from limit in new[] { 1, 3, 100 }
            select JsonSerializer.Serialize(model.SuggestPeople($"i{i}", dimension, limit, end))];

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

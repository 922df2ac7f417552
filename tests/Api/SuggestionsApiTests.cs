using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// Weak-tie matchmaking (README, Connect) through HTTP, against an oracle written here from the README's rules alone:
/// interests from creates and contributions by UTC day, halving every 30 days; people outside the owner's group; ideas
/// in other countries or functions that lack critical mass.
/// </summary>
public sealed class SuggestionsApiTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    /// <summary>A small critical mass, so that the random company has ideas on both sides of it.</summary>
    private static readonly Dictionary<string, string> SmallCriticalMass = new()
    {
        ["Analytics:CriticalMassContributors"] = "5",
        ["Analytics:CriticalMassCountries"] = "3",
    };

    [Fact]
    public async Task Suggestions_match_the_oracle_whatever_the_order_and_duplicates_of_delivery()
    {
        var random = new Random(15);
        var (profiles, events) = RandomCompany(random);
        var oracle = new Oracle(profiles, events, criticalMass: (5, 3));
        DateTimeOffset[] ends = [Now, Now.AddDays(-20).AddHours(-5)];
        
        Assert.True(oracle.Ideas.Count(idea => oracle.People(idea, "country", Now).Count > 0) >= 5, "several ideas should have people to suggest");
        Assert.True(oracle.Users.Count(user => oracle.SuggestedIdeas(user, Now).Count > 0) >= 10, "several users should get ideas");
        // Some lists order ideas by what they lack, and some ideas are left out for having reached critical mass.
        Assert.Contains(oracle.Users, user => oracle.SuggestedIdeas(user, Now).Select(s => s.Split(' ')[^2..]).DistinctBy(string.Concat).Count() > 1);
        Assert.Contains(oracle.Ideas, oracle.HasCriticalMass);

        var shuffled = events.OrderBy(_ => random.Next()).Concat(events.Where((_, i) => i % 3 == 0)).ToList();
        foreach (var delivery in new[] { events.OrderBy(e => e.OccurredAt).ToList(), shuffled })
        {
            await using var factory = ApiFactory.With(SmallCriticalMass);
            using var client = factory.CreateClient();
            foreach (var (user, profile) in profiles)
            {
                using var put = await client.PutAsync($"/v1/users/{user}", new StringContent(profile.ToJsonString(), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
            await client.PostEventsAsync(delivery);
            foreach (var end in ends)
            {
                var asOf = Uri.EscapeDataString(end.ToString("O"));
                foreach (var idea in oracle.Ideas)
                {
                    foreach (var by in new[] { "country", "function" })
                    {
                        var answer = await client.GetNodeAsync($"/v1/ideas/{idea}/people?by={by}&limit=100&asOf={asOf}");
                        Assert.Equal(oracle.People(idea, by, end), Describe(answer["items"]!));
                    }
                }
                foreach (var user in oracle.Users)
                {
                    var answer = await client.GetNodeAsync($"/v1/users/{user}/ideas/suggested?limit=100&asOf={asOf}");
                    Assert.Equal(oracle.SuggestedIdeas(user, end), DescribeIdeas(answer["items"]!));
                }
            }
            // The default limit is 10.
            var busiest = oracle.Ideas.MaxBy(idea => oracle.People(idea, "country", Now).Count)!;
            Assert.Equal(oracle.People(busiest, "country", Now).Take(10), Describe((await client.GetNodeAsync($"/v1/ideas/{busiest}/people"))["items"]!));
            // Short lists keep the best few of many: every user with more ideas than the limit, for limits of 1 to 3.
            foreach (var limit in new[] { 1, 2, 3 })
            {
                foreach (var user in oracle.Users.Where(u => oracle.SuggestedIdeas(u, Now).Count > limit))
                {
                    var answer = await client.GetNodeAsync($"/v1/users/{user}/ideas/suggested?limit={limit}");
                    Assert.Equal(oracle.SuggestedIdeas(user, Now).Take(limit), DescribeIdeas(answer["items"]!));
                }
            }
        }
    }

    [Fact]
    public async Task An_idea_from_Helsinki_finds_its_helpers_in_India_and_Germany_until_it_reaches_critical_mass()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string>
        {
            ["Analytics:CriticalMassContributors"] = "2",
            ["Analytics:CriticalMassCountries"] = "2",
        });
        using var client = factory.CreateClient();
        foreach (var (user, country, function, suggestions) in new[]
        {
            ("fi-owner", "FI", "Engineering", true), ("fi-colleague", "FI", "Engineering", true), ("in-engineer", "IN", "Engineering", true),
            ("de-engineer", "DE", "Engineering", true), ("us-engineer", "US", "Engineering", true), ("se-private", "SE", "Engineering", false),
            ("in-other", "IN", "Sales", true),
        })
        {
            await PutAsync(client, user, new JsonObject { ["country"] = country, ["function"] = function, ["suggestions"] = suggestions });
        }
        await client.PostEventsAsync([
            // Earlier energy work elsewhere: in-engineer the most and most recently, de-engineer less, us-engineer long ago.
            Make.Event(Create, "in-other", "grid", Now.AddDays(-40), title: "Smart grid", tags: ["Energy", "grid"]),
            Make.Event(Comment, "in-engineer", "grid", Now.AddDays(-2)),
            Make.Event(Like, "in-engineer", "grid", Now.AddDays(-2).AddHours(1)),
            Make.Event(Edit, "in-engineer", "grid", Now.AddDays(-35)),
            Make.Event(Comment, "de-engineer", "grid", Now.AddDays(-45)),
            Make.Event(Comment, "us-engineer", "grid", Now.AddDays(-70)),
            Make.Event(Comment, "fi-colleague", "grid", Now.AddDays(-1)),
            Make.Event(Comment, "se-private", "grid", Now.AddDays(-1)),
            Make.Event(Comment, "in-other", "grid", Now.AddDays(-100)),
            // The idea, posted in Helsinki today.
            Make.Event(Create, "fi-owner", "solar", Now.AddHours(-3), title: "Solar roofs", tags: ["energy"]),
        ]);

        var people = await client.GetNodeAsync("/v1/ideas/solar/people");
        Assert.Equal(("fi-owner", "FI", "country"), ((string)people["ownerId"]!, (string)people["ownerGroup"]!, (string)people["by"]!));
        // in-engineer: two days (4 + 2), de-engineer: one day 45 days ago (2), us-engineer: 70 days ago (1). in-other
        // created the grid idea 40 days ago (2) and commented 100 days ago (too old). Not FI, not the opted out.
        Assert.Equal(["in-engineer 6", "de-engineer 2", "in-other 2", "us-engineer 1"],
            people["items"]!.AsArray().Select(p => $"{p!["userId"]} {p["score"]}"));
        var why = people["items"]![0]!["why"]!;
        Assert.Equal(("IN", "Engineering", 2), ((string)why["country"]!, (string)why["function"]!, (int)why["recentContributions"]!));
        Assert.Equal(["energy"], why["sharedTags"]!.AsArray().Select(t => (string)t!));
        // By function, everyone else in Engineering is inside the owner's group: only in-other (Sales) is outside.
        Assert.Equal(["in-other"], (await client.GetNodeAsync("/v1/ideas/solar/people?by=function"))["items"]!.AsArray().Select(p => (string)p!["userId"]!));

        // us-engineer sees the idea with what it lacks; fi-colleague does not (same country and function).
        Assert.Equal("solar 1 0 0 2 2", SuggestedFor(await client.GetNodeAsync("/v1/users/us-engineer/ideas/suggested")));
        Assert.Empty((await client.GetNodeAsync("/v1/users/fi-colleague/ideas/suggested"))["items"]!.AsArray());
        var item = (await client.GetNodeAsync("/v1/users/us-engineer/ideas/suggested"))["items"]![0]!;
        Assert.Equal(("Solar roofs", "fi-owner", "FI"), ((string)item["title"]!, (string)item["ownerId"]!, (string)item["ownerCountry"]!));

        // Following it takes it off the user's list.
        await client.PostEventsAsync([Make.Event(Follow, "de-engineer", "solar", Now.AddHours(-2))]);
        Assert.Empty((await client.GetNodeAsync("/v1/users/de-engineer/ideas/suggested"))["items"]!.AsArray());

        // in-engineer contributes: the idea now lacks one contributor from a second country.
        await client.PostEventsAsync([Make.Event(Comment, "in-engineer", "solar", Now.AddHours(-1))]);
        Assert.Equal("solar 1 1 1 1 1", SuggestedFor(await client.GetNodeAsync("/v1/users/us-engineer/ideas/suggested")));
        Assert.DoesNotContain("in-engineer", (await client.GetNodeAsync("/v1/ideas/solar/people"))["items"]!.AsArray().Select(p => (string)p!["userId"]!));

        // de-engineer contributes too: critical mass (2 contributors, 2 countries), so no longer an idea that needs help.
        await client.PostEventsAsync([Make.Event(Comment, "de-engineer", "solar", Now.AddMinutes(-30))]);
        Assert.Empty((await client.GetNodeAsync("/v1/users/us-engineer/ideas/suggested"))["items"]!.AsArray());
        Assert.Equal(["in-other", "us-engineer"], (await client.GetNodeAsync("/v1/ideas/solar/people"))["items"]!.AsArray().Select(p => (string)p!["userId"]!));

        // Opting out later removes a person at once; opting back in brings them back.
        await PutAsync(client, "in-other", new JsonObject { ["country"] = "IN", ["function"] = "Sales", ["suggestions"] = false });
        Assert.Equal(["us-engineer"], (await client.GetNodeAsync("/v1/ideas/solar/people"))["items"]!.AsArray().Select(p => (string)p!["userId"]!));
        Assert.False((bool)(await client.GetNodeAsync("/v1/users/in-other"))["suggestions"]!);
        await PutAsync(client, "in-other", new JsonObject { ["country"] = "IN", ["function"] = "Sales" });
        Assert.True((bool)(await client.GetNodeAsync("/v1/users/in-other"))["suggestions"]!);
        Assert.Equal(2, (await client.GetNodeAsync("/v1/ideas/solar/people"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Bad_queries_and_unknown_ideas_or_users_get_problems()
    {
        await using var factory = ApiFactory.With(null);
        using var client = factory.CreateClient();
        await client.PostEventsAsync([Make.Event(Create, "u", "i", Now.AddDays(-1), tags: ["t"])]);
        foreach (var (path, field) in new[]
        {
            ("/v1/ideas/i/people?limit=0", "limit"), ("/v1/ideas/i/people?limit=101", "limit"), ("/v1/ideas/i/people?by=site", "by"),
            ("/v1/ideas/i/people?asOf=2099-01-01T00:00:00Z", "asOf"), ("/v1/users/u/ideas/suggested?limit=x", "limit"),
            ("/v1/users/u/ideas/suggested?asOf=yesterday", "asOf"),
        })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/v1/ideas/nothing/people", "/v1/users/nobody/ideas/suggested" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var badFlag = await client.PutAsync("/v1/users/u", new StringContent("""{"suggestions":"no"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.Contains("\"suggestions\"", await badFlag.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((bool)(await client.GetNodeAsync("/v1/users/u"))["suggestions"]!);
        Assert.False((bool)(await client.GetNodeAsync("/v1/users/u"))["registered"]!);
    }

    private static string SuggestedFor(JsonNode answer) =>
        string.Join(" | ", answer["items"]!.AsArray().Select(i => $"{i!["ideaId"]} {i["score"]} {i["contributors"]} {i["countries"]} {i["lacks"]!["contributors"]} {i["lacks"]!["countries"]}"));

    private static List<string> Describe(JsonNode items) =>
    [
        .. items.AsArray().Select(p => $"{p!["userId"]} {p["score"]} [{string.Join(',', p["why"]!["sharedTags"]!.AsArray().Select(t => (string)t!))}] " +
            $"{p["why"]!["country"]} {p["why"]!["function"]} {p["why"]!["recentContributions"]}"),
    ];

    private static List<string> DescribeIdeas(JsonNode items) =>
    [
        .. items.AsArray().Select(i => $"{i!["ideaId"]} {i["ownerId"]} {i["score"]} [{string.Join(',', i["sharedTags"]!.AsArray().Select(t => (string)t!))}] " +
            $"{i["contributors"]} {i["countries"]} {i["lacks"]!["contributors"]} {i["lacks"]!["countries"]}"),
    ];

    private static async Task PutAsync(HttpClient client, string user, JsonObject profile)
    {
        using var response = await client.PutAsync($"/v1/users/{user}", new StringContent(profile.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// 40 users in a few countries and functions (some unknown, some opted out), 30 ideas with skewed tags (one spelled
    /// in two cases), one without a create, and contributions, views and follows over 130 days.
    /// </summary>
    private static (List<(string User, JsonObject Profile)> Profiles, List<Interaction> Events) RandomCompany(Random random)
    {
        string?[] countries = ["FI", "IN", "DE", "US", "IN", "FI", null];
        string?[] functions = ["Engineering", "Sales", "Engineering", null];
        var profiles = new List<(string, JsonObject)>();
        for (var u = 0; u < 36; u++)
        {
            var profile = new JsonObject { ["country"] = countries[random.Next(countries.Length)], ["function"] = functions[random.Next(functions.Length)] };
            if (random.Next(6) == 0)
            {
                profile["suggestions"] = false;
            }
            profiles.Add(($"user-{u:D2}", profile));
        }
        string[] tagPool = ["energy", "energy", "energy", "Energy", "ai", "ai", "water", "mobility", "health"];
        var events = new List<Interaction>();
        for (var i = 0; i < 30; i++)
        {
            string[] tags = [.. Enumerable.Range(0, random.Next(4)).Select(_ => tagPool[random.Next(tagPool.Length)])];
            if (i != 29)
            {
                events.Add(Make.Event(Create, $"user-{random.Next(40):D2}", $"idea-{i:D2}", Now.AddDays(-random.Next(130)).AddMinutes(-random.Next(1440)),
                    eventId: $"c{i:D2}", title: $"Idea {i}", tags: tags));
            }
        }
        InteractionType[] types = [Comment, Comment, Like, Like, Edit, Share, Create, View, View, Follow, Unfollow];
        for (var n = 0; n < 600; n++)
        {
            var type = types[random.Next(types.Length)];
            var idea = $"idea-{random.Next(random.Next(1, 31)):D2}"; // the first ideas busiest
            var thread = type == Create || (type is not (Follow or Unfollow) && random.Next(4) == 0) ? $"{idea}-t{random.Next(3)}" : null;
            // Over 130 days, denser lately, and some on the day of the earlier end after its hour.
            var at = random.Next(8) == 0 ? Now.AddDays(-20).AddHours(random.Next(1, 6)) : Now.AddDays(-random.Next(random.Next(1, 131))).AddMinutes(-random.Next(1440));
            events.Add(Make.Event(type, $"user-{random.Next(40):D2}", idea, at, threadId: thread, eventId: $"e{n:D4}"));
        }
        return (profiles, events);
    }

    /// <summary>The README's rules for interests and suggestions, over the profiles and the list of events.</summary>
    private sealed class Oracle(List<(string User, JsonObject Profile)> profiles, List<Interaction> events, (int Contributors, int Countries) criticalMass)
    {
        private readonly Dictionary<string, JsonObject> directory = profiles.ToDictionary(p => p.User, p => p.Profile);

        public IReadOnlyList<string> Users { get; } = [.. profiles.Select(p => p.User).Concat(events.Select(e => e.UserId)).Distinct().Order(StringComparer.Ordinal)];

        public IReadOnlyList<string> Ideas { get; } = [.. events.Select(e => e.IdeaId).Distinct().Order(StringComparer.Ordinal)];

        /// <summary>"user score [shared tags] country function recentContributions", best first.</summary>
        public List<string> People(string idea, string by, DateTimeOffset end)
        {
            if (Create(idea) is not { } create)
            {
                return [];
            }
            var ownerGroup = Group(create.UserId, by);
            var tags = Tags(create);
            return [.. Users
                .Where(user => user != create.UserId && !OptedOut(user) && Group(user, by) is { } group && group != ownerGroup
                    && !events.Any(e => e.IdeaId == idea && e.UserId == user && IsContribution(e)))
                .Select(user => (User: user, PerTag: tags.Select(tag => Interest(user, tag, end)).ToArray()))
                .Where(c => c.PerTag.Sum() > 0)
                .OrderByDescending(c => c.PerTag.Sum()).ThenBy(c => c.User, StringComparer.Ordinal)
                .Select(c => $"{c.User} {c.PerTag.Sum()} [{string.Join(',', Shared(tags, c.PerTag))}] {Group(c.User, "country")} {Group(c.User, "function")} " +
                    Ideas.Sum(i => ActiveDays(c.User, i, end).Count))];
        }

        /// <summary>"idea owner score [shared tags] contributors countries lacksContributors lacksCountries", most nearly at critical mass first.</summary>
        public List<string> SuggestedIdeas(string user, DateTimeOffset end)
        {
            var found = new List<(string Idea, int Lacks, int Score, string Text)>();
            foreach (var idea in Ideas)
            {
                if (Create(idea) is not { } create || create.UserId == user || Following(user, idea)
                    || events.Any(e => e.IdeaId == idea && e.UserId == user && IsContribution(e))
                    || !(Differ(create.UserId, user, "country") || Differ(create.UserId, user, "function")))
                {
                    continue;
                }
                var tags = Tags(create);
                var perTag = tags.Select(tag => Interest(user, tag, end)).ToArray();
                if (perTag.Sum() == 0)
                {
                    continue;
                }
                var (contributors, countries) = Reach(idea, create.UserId, end);
                var (lacksContributors, lacksCountries) = (Math.Max(0, criticalMass.Contributors - contributors), Math.Max(0, criticalMass.Countries - countries));
                if (lacksContributors == 0 && lacksCountries == 0)
                {
                    continue;
                }
                found.Add((idea, lacksContributors + lacksCountries, perTag.Sum(),
                    $"{idea} {create.UserId} {perTag.Sum()} [{string.Join(',', Shared(tags, perTag))}] {contributors} {countries} {lacksContributors} {lacksCountries}"));
            }
            return [.. found.OrderBy(f => f.Lacks).ThenByDescending(f => f.Score).ThenBy(f => f.Idea, StringComparer.Ordinal).Select(f => f.Text)];
        }

        /// <summary>A tagged idea that reached critical mass by now, so no list has it.</summary>
        public bool HasCriticalMass(string idea) =>
            Create(idea) is { Tags.Length: > 0 } create && Reach(idea, create.UserId, Now) is var (contributors, countries)
                && contributors >= criticalMass.Contributors && countries >= criticalMass.Countries;

        /// <summary>Contributors other than the owner in the 90 days (end - 90 days, end], and their countries (unknown as one).</summary>
        private (int Contributors, int Countries) Reach(string idea, string owner, DateTimeOffset end)
        {
            var contributors = events.Where(e => e.IdeaId == idea && IsContribution(e) && e.UserId != owner
                && e.OccurredAt > end.AddDays(-90) && e.OccurredAt <= end).Select(e => e.UserId).Distinct().ToList();
            return (contributors.Count, contributors.Select(c => Group(c, "country") ?? "(unknown)").Distinct().Count());
        }

        /// <summary>Over the ideas with the tag (ignoring case): each active day of the 90 ending with the end's day, 4, 2 or 1 by its age.</summary>
        private int Interest(string user, string tag, DateTimeOffset end)
        {
            var lastDay = end.UtcDateTime.Date;
            return Ideas.Where(i => Create(i) is { } c && Tags(c).Contains(tag, StringComparer.OrdinalIgnoreCase))
                .SelectMany(i => ActiveDays(user, i, end))
                .Sum(day => (lastDay - day).Days switch { < 30 => 4, < 60 => 2, _ => 1 });
        }

        /// <summary>The UTC days of the 90 ending with the end's day (whole) with a contribution of the user to the idea, or its first create by them.</summary>
        private HashSet<DateTime> ActiveDays(string user, string idea, DateTimeOffset end)
        {
            var lastDay = end.UtcDateTime.Date;
            return [.. events
                .Where(e => e.IdeaId == idea && e.UserId == user && (IsContribution(e) || e == Create(idea)))
                .Select(e => e.OccurredAt.UtcDateTime.Date)
                .Where(day => day <= lastDay && day > lastDay.AddDays(-90))];
        }

        private static IEnumerable<string> Shared(string[] tags, int[] perTag) =>
            tags.Select((tag, i) => (Tag: tag, Interest: perTag[i])).Where(t => t.Interest > 0).OrderByDescending(t => t.Interest).Select(t => t.Tag);

        private Interaction? Create(string idea) =>
            events.Where(e => e.IdeaId == idea && e.Type == InteractionType.Create && e.ThreadId is null)
                .OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal).FirstOrDefault();

        private static string[] Tags(Interaction create) => [.. (create.Tags ?? []).Distinct(StringComparer.OrdinalIgnoreCase)];

        private static bool IsContribution(Interaction e) => e.Type is Comment or Like or Edit or Share || (e.Type == InteractionType.Create && e.ThreadId is not null);

        private bool Following(string user, string idea) =>
            events.Where(e => e.IdeaId == idea && e.UserId == user && e.ThreadId is null && e.Type is Follow or Unfollow or InteractionType.Create)
                .OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal).LastOrDefault() is { Type: not Unfollow };

        private string? Group(string user, string by) => directory.TryGetValue(user, out var profile) ? (string?)profile[by] : null;

        private bool Differ(string a, string b, string by) => Group(a, by) is { } x && Group(b, by) is { } y && x != y;

        private bool OptedOut(string user) => directory.TryGetValue(user, out var profile) && profile["suggestions"] is { } flag && !(bool)flag;
    }
}

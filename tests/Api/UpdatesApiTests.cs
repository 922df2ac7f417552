using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// "What's new on what I follow" (README, Listen) through HTTP, against an oracle written here from the README's rules
/// alone: which ideas a user follows, when they last saw each, and what happened there since.
/// </summary>
public sealed class UpdatesApiTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    [Fact]
    public async Task Updates_match_the_oracle_whatever_the_order_and_duplicates_of_delivery()
    {
        var events = RandomCompany(new Random(11), users: 8, ideas: 7, count: 400);
        var oracle = new Oracle(events);
        Assert.True(oracle.Users.Count(user => oracle.Updates(user).Count > 0) >= 4, "the scenario should give several users updates");

        // Twice: in order of time, and shuffled with a third of the events posted again.
        var shuffled = events.OrderBy(_ => Guid.NewGuid()).Concat(events.Where((_, i) => i % 3 == 0)).ToList();
        foreach (var delivery in new[] { events.OrderBy(e => e.OccurredAt).ToList(), shuffled })
        {
            await using var factory = ApiFactory.With(null);
            using var client = factory.CreateClient();
            await client.PostEventsAsync(delivery);
            foreach (var user in oracle.Users)
            {
                // Pages of 2, so that the cursor is exercised on every user with more than two.
                Assert.Equal(oracle.Updates(user).Select(Describe), await ReadAllAsync(client, user, pageSize: 2));
                foreach (var days in new[] { 1, 3, 30 })
                {
                    Assert.Equal(oracle.Stale(user, Now.AddDays(-days)), await ReadStaleAsync(client, user, days));
                }
            }
        }
    }

    [Fact]
    public async Task A_comment_by_another_after_my_visit_is_new_until_I_see_the_idea_again()
    {
        await using var factory = ApiFactory.With(null);
        using var client = factory.CreateClient();
        await client.PostEventsAsync([
            Make.Event(Create, "fi-engineer", "solar", Now.AddDays(-3), title: "Solar roofs"),
            Make.Event(Follow, "in-engineer", "solar", Now.AddDays(-2)),
            Make.Event(Comment, "de-engineer", "solar", Now.AddDays(-1)),
            Make.Event(Like, "de-engineer", "solar", Now.AddHours(-20), threadId: "solar-t1"),
            Make.Event(View, "audience", "solar", Now.AddHours(-2)),
        ]);

        var updates = await client.GetNodeAsync("/v1/users/in-engineer/updates");
        var item = updates["items"]!.AsArray().Single()!;
        Assert.Equal("solar", (string)item["ideaId"]!);
        Assert.Equal("Solar roofs", (string)item["title"]!);
        Assert.Equal(Now.AddHours(-2), DateTimeOffset.Parse((string)item["lastActivityAt"]!, CultureInfo.InvariantCulture));
        Assert.Equal(Now.AddDays(-2), DateTimeOffset.Parse((string)item["lastSeenAt"]!, CultureInfo.InvariantCulture));
        Assert.Equal((1L, 1L, 1L), ((long)item["counts"]!["comment"]!, (long)item["counts"]!["like"]!, (long)item["counts"]!["view"]!));
        Assert.Null(updates["nextCursor"]);
        // The owner follows by creating; everything the others did after the create (a follow too) is new to them.
        Assert.Equal(4L, (long)(await client.GetNodeAsync("/v1/users/fi-engineer/updates"))["items"]![0]!["counts"]!.AsObject().Sum(c => (long)c.Value!));

        // A view of the idea (or any own event there) makes it seen.
        await client.PostEventsAsync([Make.Event(View, "in-engineer", "solar", Now.AddMinutes(-1))]);
        Assert.Empty((await client.GetNodeAsync("/v1/users/in-engineer/updates"))["items"]!.AsArray());
        // Not following: no updates, whatever happens.
        Assert.Empty((await client.GetNodeAsync("/v1/users/audience/updates"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_prune_unfollows_the_stale_follows_once_however_often_it_is_sent_and_a_dry_run_stores_nothing()
    {
        await using var factory = ApiFactory.With(null);
        using var client = factory.CreateClient();
        await client.PostEventsAsync([
            Make.Event(Follow, "reader", "old-a", Now.AddDays(-60)),
            Make.Event(Follow, "reader", "old-b", Now.AddDays(-45)),
            Make.Event(Comment, "someone", "old-b", Now.AddDays(-2)),
            Make.Event(Follow, "reader", "seen", Now.AddDays(-60)),
            Make.Event(View, "reader", "seen", Now.AddDays(-1)),
            Make.Event(Follow, "reader", "new", Now.AddDays(-3)),
        ]);
        async Task<string[]> FollowingAsync() =>
            [.. (await client.GetNodeAsync("/v1/users/reader/following"))["items"]!.AsArray().Select(item => (string)item!["ideaId"]!)];
        async Task<long> UnfollowsStoredAsync() => (long)(await client.GetNodeAsync("/v1/users/reader?window=all"))["totals"]!["unfollow"]!;

        var dry = await PruneAsync(client, """{"days":30,"dryRun":true}""");
        Assert.Equal(["old-a", "old-b"], dry["items"]!.AsArray().Select(item => (string)item!["ideaId"]!));
        Assert.Equal(0, (int)dry["unfollowed"]!);
        Assert.Equal(["new", "old-a", "old-b", "seen"], await FollowingAsync());
        Assert.Equal(0L, await UnfollowsStoredAsync());

        // Two at once, then once more: each stale follow is undone by one stored unfollow.
        var concurrent = await Task.WhenAll(PruneAsync(client, """{"days":30}"""), PruneAsync(client, """{"days":30}"""));
        Assert.All(concurrent, receipt => Assert.False((bool)receipt["dryRun"]!));
        Assert.Contains(concurrent, receipt => (int)receipt["unfollowed"]! == 2);
        Assert.Equal(["new", "seen"], await FollowingAsync());
        Assert.Equal(0, (int)(await PruneAsync(client, """{"days":30}"""))["unfollowed"]!);
        Assert.Equal(2L, await UnfollowsStoredAsync());
        Assert.Empty((await client.GetNodeAsync("/v1/users/reader/following/stale?days=30"))["items"]!.AsArray());
        // What a shorter period finds next is the follow seen a day ago, not yet the one followed 3 days ago.
        Assert.Equal(["new"], (await client.GetNodeAsync("/v1/users/reader/following/stale?days=2"))["items"]!.AsArray().Select(item => (string)item!["ideaId"]!));
    }

    [Fact]
    public async Task The_follows_kpi_counts_follows_in_force_and_stale_ones_per_group_as_the_oracle_does()
    {
        var events = RandomCompany(new Random(5), users: 14, ideas: 6, count: 300);
        var oracle = new Oracle(events);
        string[] countries = ["FI", "IN", "DE"];
        var groups = oracle.Users.Select((user, i) => (User: user, Country: i % 4 == 3 ? "unknown" : countries[i % 3]))
            .ToDictionary(u => u.User, u => u.Country);
        // A floor of 1 shows every group, so each can be compared.
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "1" });
        using var client = factory.CreateClient();
        foreach (var (user, country) in groups.Where(g => g.Value != "unknown"))
        {
            using var put = await client.PutAsync($"/v1/users/{user}", new StringContent($$"""{"country":"{{country}}"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await client.PostEventsAsync([.. events.OrderBy(_ => Guid.NewGuid()), .. events.Where((_, i) => i % 4 == 0)]);

        foreach (var (window, days) in new[] { ("7d", 7), ("28d", 28), ("90d", 90) })
        {
            var seenBy = Now.AddDays(-days);
            string Row(string key, IEnumerable<string> users)
            {
                var members = users.ToList();
                var follows = members.Sum(u => oracle.Followed(u).Count());
                var stale = members.Sum(u => oracle.Stale(u, seenBy).Count);
                return $"{key} {members.Count} {members.Count(u => oracle.Followed(u).Any())} {follows} {stale}";
            }
            var expected = groups.GroupBy(g => g.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Row(g.Key, g.Select(u => u.Key))).Prepend(Row("(all)", groups.Keys)).ToList();

            var answer = await client.GetNodeAsync($"/v1/stats/follows?window={window}&by=country");
            Assert.Equal(seenBy, DateTimeOffset.Parse((string)answer["seenBy"]!, CultureInfo.InvariantCulture));
            Assert.True((long)answer["stale"]! > 0 && (long)answer["stale"]! < (long)answer["follows"]!, answer.ToJsonString());
            Assert.Equal(expected, answer["groups"]!.AsArray().Select(g => $"{g!["key"]} {g["users"]} {g["followers"]} {g["follows"]} {g["stale"]}")
                .Prepend($"(all) {answer["users"]} {answer["followers"]} {answer["follows"]} {answer["stale"]}"));
            Assert.Equal((double)(long)answer["stale"]! / (long)answer["follows"]!, (double)answer["staleShare"]!, 12);
        }
        using var csv = new HttpRequestMessage(HttpMethod.Get, "/v1/stats/follows?window=28d&by=country");
        csv.Headers.Accept.ParseAdd("text/csv");
        using var csvAnswer = await client.SendAsync(csv);
        var lines = (await csvAnswer.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,users,followers,follows,stale,staleShare", lines[0]);
        Assert.StartsWith($"(all),{groups.Count},", lines[1], StringComparison.Ordinal);
        foreach (var (query, field) in new[] { ("window=all", "window"), ("window=1y", "window"), ("by=team", "by") })
        {
            using var bad = await client.GetAsync($"/v1/stats/follows?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains($"\"{field}\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static async Task<JsonNode> PruneAsync(HttpClient client, string body)
    {
        using var response = await client.PostRawAsync("/v1/users/reader/following/prune", body);
        var answer = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode, answer.ToJsonString());
        return answer;
    }

    [Fact]
    public async Task Bad_queries_and_unknown_users_get_problems()
    {
        await using var factory = ApiFactory.With(null);
        using var client = factory.CreateClient();
        await client.PostEventsAsync([Make.Event(Follow, "u", "i", Now.AddDays(-1))]);
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=1001", "limit"), ("cursor=%%%", "cursor"), ("cursor=bm90LWEtY3Vyc29y", "cursor") })
        {
            using var response = await client.GetAsync($"/v1/users/u/updates?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var unknown = await client.GetAsync("/v1/users/nobody/updates");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var (query, field) in new[] { ("days=0", "days"), ("days=x", "days"), ("days=3651", "days") })
        {
            using var response = await client.GetAsync($"/v1/users/u/following/stale?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var (body, field) in new[] { ("""{"days":0}""", "days"), ("""{"days":"30"}""", "days"), ("""{"dryRun":1}""", "dryRun"), ("""{"force":true}""", "force"), ("[]", "body") })
        {
            using var response = await client.PostRawAsync("/v1/users/u/following/prune", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Single((await client.GetNodeAsync("/v1/users/u/following"))["items"]!.AsArray());
        using var unknownPrune = await client.PostRawAsync("/v1/users/nobody/following/prune", "{}");
        Assert.Equal(HttpStatusCode.NotFound, unknownPrune.StatusCode);
    }

    private static string Describe(Oracle.Update update) =>
        $"{update.IdeaId} {update.LastActivity.UtcTicks} {update.LastSeen?.UtcTicks} {string.Join(',', update.Counts)}";

    private static async Task<List<string>> ReadAllAsync(HttpClient client, string user, int pageSize)
    {
        var all = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetNodeAsync($"/v1/users/{user}/updates?limit={pageSize}" + (cursor is null ? "" : $"&cursor={cursor}"));
            foreach (var item in page["items"]!.AsArray())
            {
                var counts = item!["counts"]!.AsObject();
                var seen = (string?)item["lastSeenAt"];
                all.Add($"{item["ideaId"]} {DateTimeOffset.Parse((string)item["lastActivityAt"]!, CultureInfo.InvariantCulture).UtcTicks} " +
                    $"{(seen is null ? null : DateTimeOffset.Parse(seen, CultureInfo.InvariantCulture).UtcTicks)} " +
                    string.Join(',', Enum.GetValues<InteractionType>().Select(type => (long)counts[type.ToWireName()]!)));
            }
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return all;
    }

    private static async Task<List<string>> ReadStaleAsync(HttpClient client, string user, int days)
    {
        var answer = await client.GetNodeAsync($"/v1/users/{user}/following/stale?days={days}");
        Assert.Equal(days, (int)answer["days"]!);
        return [.. answer["items"]!.AsArray().Select(item =>
            $"{item!["ideaId"]} {Ticks(item["followedAt"])} {Ticks(item["lastSeenAt"])} " +
            string.Join(',', Enum.GetValues<InteractionType>().Select(type => (long)item["missed"]![type.ToWireName()]!)))];
    }

    private static long Ticks(JsonNode? instant) => DateTimeOffset.Parse((string)instant!, CultureInfo.InvariantCulture).UtcTicks;

    /// <summary>Events over a few days and months, on ideas with threads, with follows and unfollows, and instants that tie.</summary>
    private static List<Interaction> RandomCompany(Random random, int users, int ideas, int count)
    {
        InteractionType[] types = [View, View, View, Comment, Like, Edit, Share, Follow, Follow, Unfollow, Create];
        // Quiet followers: one follow each, days to months ago, and nothing since, so that much is new to them.
        var quiet = Enumerable.Range(0, users).Select(i => Make.Event(Follow, $"quiet-{i}", $"idea-{random.Next(ideas)}",
            Now.AddDays(-random.Next(1, 120)).AddMinutes(-random.Next(1440)), eventId: $"q{i:D4}"));
        return [.. quiet, .. Enumerable.Range(0, count).Select(i =>
        {
            var type = types[random.Next(types.Length)];
            var idea = $"idea-{random.Next(ideas)}";
            // Mostly the last few days, some older than the 90 days counted, and a few on one shared instant.
            var at = random.Next(10) switch
            {
                0 => Now.AddDays(-100 - random.Next(50)),
                1 => Now.AddHours(-1),
                _ => Now.AddMinutes(-random.Next(7 * 24 * 60)),
            };
            var thread = type is not (Follow or Unfollow) && random.Next(4) == 0 ? $"{idea}-t{random.Next(2)}" : null;
            return Make.Event(type, $"user-{random.Next(users)}", idea, at, threadId: thread, eventId: $"e{i:D4}",
                title: type == Create && thread is null ? $"Idea {idea} by event {i}" : null);
        })];
    }

    /// <summary>The README's rules for updates, over the list of events.</summary>
    private sealed class Oracle(IReadOnlyList<Interaction> events)
    {
        public sealed record Update(string IdeaId, DateTimeOffset LastActivity, DateTimeOffset? LastSeen, long[] Counts);

        public IReadOnlyList<string> Users { get; } = [.. events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal)];

        public List<Update> Updates(string user)
        {
            var updates = new List<Update>();
            foreach (var idea in events.Select(e => e.IdeaId).Distinct())
            {
                var on = events.Where(e => e.IdeaId == idea).ToList();
                if (Decision(user, idea) is not { Type: not Unfollow })
                {
                    continue;
                }
                var lastSeen = on.Where(e => e.UserId == user).Max(e => e.OccurredAt);
                var lastActivity = on.Max(e => e.OccurredAt);
                if (lastActivity <= lastSeen)
                {
                    continue;
                }
                var counted = on.Where(e => e.OccurredAt > lastSeen && e.OccurredAt >= lastActivity.AddDays(-90)).ToList();
                updates.Add(new Update(idea, lastActivity, lastSeen,
                    [.. Enum.GetValues<InteractionType>().Select(type => (long)counted.Count(e => e.Type == type))]));
            }
            return [.. updates.OrderByDescending(u => u.LastActivity).ThenBy(u => u.IdeaId, StringComparer.Ordinal)];
        }

        /// <summary>Followed ideas last seen at or before <paramref name="seenBy"/>: id, followed at, last seen, missed counts; longest unseen first.</summary>
        public List<string> Stale(string user, DateTimeOffset seenBy) =>
        [
            .. Followed(user)
                .Select(idea => (Idea: idea, Seen: events.Where(e => e.IdeaId == idea && e.UserId == user).Max(e => e.OccurredAt)))
                .Where(pair => pair.Seen <= seenBy)
                .OrderBy(pair => pair.Seen).ThenBy(pair => pair.Idea, StringComparer.Ordinal)
                .Select(pair =>
                {
                    var on = events.Where(e => e.IdeaId == pair.Idea).ToList();
                    var last = on.Max(e => e.OccurredAt);
                    var missed = on.Where(e => e.OccurredAt > pair.Seen && e.OccurredAt >= last.AddDays(-90)).ToList();
                    return $"{pair.Idea} {Decision(user, pair.Idea)!.OccurredAt.UtcTicks} {pair.Seen.UtcTicks} " +
                        string.Join(',', Enum.GetValues<InteractionType>().Select(type => missed.Count(e => e.Type == type)));
                }),
        ];

        public IEnumerable<string> Followed(string user) =>
            events.Select(e => e.IdeaId).Distinct().Where(idea => Decision(user, idea) is { Type: not Unfollow });

        /// <summary>The latest follow decision (a follow, an unfollow or the idea's own create) by time, then event id.</summary>
        private Interaction? Decision(string user, string idea) =>
            events.Where(e => e.IdeaId == idea && e.UserId == user && e.ThreadId is null && e.Type is Follow or Unfollow or Create)
                .OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal).LastOrDefault();
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// The analytics definitions on hand-built scenarios with known answers, through HTTP. Every test runs its own
/// embedded service, because the answers count every user the service knows.
/// </summary>
public sealed class StatsApiTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    private sealed class Service : IAsyncDisposable
    {
        public Service(IDictionary<string, string>? settings = null, string? dataDirectory = null)
        {
            Factory = dataDirectory is null ? ApiFactory.With(settings) : ApiFactory.On(dataDirectory, settings);
            Client = Factory.CreateClient();
        }

        public ApiFactory Factory { get; }

        public HttpClient Client { get; }

        public async Task PostAsync(params Interaction[] events)
        {
            var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
            using var response = await Client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
            var body = await response.ReadNodeAsync();
            Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
        }

        public async Task ImportAsync(string csv)
        {
            using var response = await Client.PostAsync("/v1/users/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            var body = await response.ReadNodeAsync();
            Assert.True(body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
        }

        public Task<JsonNode> GetAsync(string path) => Client.GetNodeAsync(path);

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Factory.DisposeAsync();
        }
    }

    private static long N(JsonNode? node) => node!.GetValue<long>();

    private static double D(JsonNode? node) => node!.GetValue<double>();

    private static (long Users, long Creators, long Editors, long Audience, long Inactive) Tiers(JsonNode node) =>
        (N(node["users"]), N(node["creators"]), N(node["editors"]), N(node["audience"]), N(node["inactive"]));

    private static JsonNode Group(JsonNode stats, string key) =>
        stats["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == key)!;

    private static string[] Keys(JsonNode stats) => [.. stats["groups"]!.AsArray().Select(g => g!["key"]!.GetValue<string>())];

    /// <summary>
    /// 16 directory users in FI (6), IN (5), SE (2), DK (2) and one without a country, plus a user the directory
    /// does not know. Creators: f1 (idea), n2 (a thread); editors: f2, n1, ghost; audience: f3, s1.
    /// </summary>
    private static async Task<Service> CompanyAsync(IDictionary<string, string>? settings = null)
    {
        var service = new Service(settings);
        var rows = new StringBuilder("userId,country,site\n");
        for (var i = 1; i <= 6; i++)
        {
            rows.Append($"f{i},FI,Helsinki\n");
        }
        for (var i = 1; i <= 5; i++)
        {
            rows.Append($"n{i},IN,Pune\n");
        }
        rows.Append("s1,SE,Stockholm\ns2,SE,\nd1,DK,\nd2,DK,\nx1,,\n");
        await service.ImportAsync(rows.ToString());
        await service.PostAsync(
            Make.Event(Create, "f1", "idea-a", Now.AddDays(-3), title: "Idea A"),
            Make.Event(Like, "f2", "idea-a", Now.AddDays(-2)),
            Make.Event(View, "f3", "idea-a", Now.AddDays(-2)),
            Make.Event(Comment, "n1", "idea-a", Now.AddDays(-1)),
            Make.Event(Create, "n2", "idea-a", Now.AddHours(-5), threadId: "thread-a1"),
            Make.Event(View, "s1", "idea-a", Now.AddHours(-1)),
            Make.Event(Share, "ghost", "idea-a", Now.AddHours(-1)));
        return service;
    }

    [Fact]
    public async Task Participation_counts_every_user_in_a_tier_with_shares_and_groups()
    {
        await using var service = await CompanyAsync();

        var stats = await service.GetAsync("/v1/stats/participation?window=28d&by=country");

        Assert.Equal((17L, 2L, 3L, 2L, 10L), Tiers(stats));
        Assert.Equal(("28d", Now), (stats["window"]!.GetValue<string>(), stats["asOf"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(2.0 / 17, D(stats["shares"]!["creators"]), 12);
        Assert.Equal(10.0 / 17, D(stats["shares"]!["inactive"]), 12);
        // (other) is sorted by its size like any group: 6 users, equal to FI, and "(" sorts before letters.
        Assert.Equal(["(other)", "FI", "IN"], Keys(stats));
        Assert.Equal((6L, 1L, 1L, 1L, 3L), Tiers(Group(stats, "FI")));
        Assert.Equal((5L, 1L, 1L, 0L, 3L), Tiers(Group(stats, "IN")));
        // SE, DK and unknown (x1 and the ghost) are each below the floor of 5; together they reach it.
        Assert.Equal((6L, 0L, 1L, 1L, 4L), Tiers(Group(stats, "(other)")));

        var ungrouped = await service.GetAsync("/v1/stats/participation");
        Assert.Null(ungrouped["groups"]);
        Assert.Equal((17L, 2L, 3L, 2L, 10L), Tiers(ungrouped));
    }

    [Fact]
    public async Task The_privacy_floor_hides_an_other_group_below_it_and_totals_stay_complete()
    {
        await using var service = await CompanyAsync();

        var bySite = await service.GetAsync("/v1/stats/participation?by=site");

        // Helsinki 6, Pune 5, unknown 5 (s2, d1, d2, x1, ghost), Stockholm 1 (s1). Stockholm alone would be the users
        // total minus the shown groups, so the smallest shown group (unknown, the later key of the two fives) is
        // hidden with it, and the two show as (other).
        Assert.Equal(["(other)", "Helsinki", "Pune"], Keys(bySite));
        Assert.Equal((6L, 0L, 1L, 1L, 4L), Tiers(Group(bySite, "(other)")));
        Assert.Equal(17L, N(bySite["users"]));
        Assert.Equal(17L, bySite["groups"]!.AsArray().Sum(g => N(g!["users"])));
    }

    [Fact]
    public async Task The_privacy_floor_is_configurable()
    {
        await using var service = await CompanyAsync(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "7" });

        var stats = await service.GetAsync("/v1/stats/participation?by=country");

        Assert.Equal(["(other)"], Keys(stats));
        Assert.Equal((17L, 2L, 3L, 2L, 10L), Tiers(Group(stats, "(other)")));
    }

    [Fact]
    public async Task A_group_under_the_floor_cannot_be_recovered_by_subtracting_the_shown_groups_from_the_totals()
    {
        await using var service = new Service();
        // Groups of 20, 20 and 3 users: hiding only the 3 would leave users - 20 - 20 = 3 for anyone to see.
        await service.ImportAsync("userId,country\n" + string.Join("\n",
            Enumerable.Range(0, 43).Select(i => $"p{i},{(i < 20 ? "FI" : i < 40 ? "IN" : "SE")}")) + "\n");
        await service.PostAsync([.. Enumerable.Range(0, 43).Select(i => Make.Event(View, $"p{i}", "idea", Now.AddHours(-1)))]);

        foreach (var path in new[] { "/v1/stats/participation?by=country", "/v1/stats/ties?by=country" })
        {
            var stats = await service.GetAsync(path);
            var shown = stats["groups"]!.AsArray().Where(g => g!["key"]!.GetValue<string>() != "(other)").ToList();
            Assert.Equal(["FI"], shown.Select(g => g!["key"]!.GetValue<string>()));
        }
        var participation = await service.GetAsync("/v1/stats/participation?by=country");
        Assert.Equal(23L, N(participation["users"]) - N(Group(participation, "FI")["users"]));
        Assert.Equal(23L, N(Group(participation, "(other)")["users"]));
    }

    [Fact]
    public async Task An_other_group_larger_than_a_shown_group_comes_before_it()
    {
        await using var service = await CompanyAsync(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "6" });

        var stats = await service.GetAsync("/v1/stats/participation?by=country");

        // FI (6) is shown; IN (5), SE, DK and unknown fold into an (other) of 11, which therefore comes first.
        Assert.Equal(["(other)", "FI"], Keys(stats));
        Assert.Equal(11L, N(Group(stats, "(other)")["users"]));
    }

    [Fact]
    public async Task An_event_dated_ahead_counts_at_once_in_all_time_answers_and_in_windows_when_its_time_comes()
    {
        await using var service = new Service();
        await service.PostAsync(
            Make.Event(Follow, "fan", "idea", Now.AddDays(-1)),
            Make.Event(Unfollow, "fan", "idea", Now.AddSeconds(20)),
            Make.Event(Create, "early", "other-idea", Now.AddMinutes(4)));

        // All time, without asOf: every acknowledged event, whatever its date.
        var fanAllTime = await service.GetAsync("/v1/users/fan?window=all");
        Assert.Equal((1L, 0L), (N(fanAllTime["counts"]!["unfollow"]), N(fanAllTime["following"])));
        Assert.Equal(0L, N((await service.GetAsync("/v1/ideas/idea"))["followers"]));
        var earlyAllTime = await service.GetAsync("/v1/users/early?window=all");
        Assert.Equal(("creator", 1L, 1L), (earlyAllTime["tier"]!.GetValue<string>(), N(earlyAllTime["counts"]!["create"]), N(earlyAllTime["totals"]!["create"])));
        Assert.Equal(Now.AddMinutes(4), earlyAllTime["lastActiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1L, N((await service.GetAsync("/v1/stats/participation?window=all"))["creators"]));

        // A window that ends now, or any window with asOf, counts the events dated up to its end.
        var earlyWeek = await service.GetAsync("/v1/users/early?window=7d");
        Assert.Equal(("inactive", 0L, 1L), (earlyWeek["tier"]!.GetValue<string>(), N(earlyWeek["counts"]!["create"]), N(earlyWeek["totals"]!["create"])));
        Assert.Equal(0L, N((await service.GetAsync("/v1/stats/participation?window=28d"))["creators"]));
        Assert.Equal(0L, N((await service.GetAsync("/v1/stats/participation?window=all&asOf=2026-11-26T12:00:00Z"))["creators"]));

        service.Factory.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("creator", (await service.GetAsync("/v1/users/early?window=7d"))["tier"]!.GetValue<string>());
        Assert.Equal(1L, N((await service.GetAsync("/v1/stats/participation?window=28d"))["creators"]));
    }

    [Fact]
    public async Task Windows_are_exact_at_their_boundaries_decay_with_time_and_move_with_asOf()
    {
        await using var service = new Service();
        await service.PostAsync(
            Make.Event(Create, "a", "idea", Now.AddDays(-28)),                              // on the open start: out of 28d
            Make.Event(Like, "b", "idea", Now.AddDays(-28).AddMilliseconds(1)),             // just inside
            Make.Event(View, "c", "idea", Now),                                              // on the closed end: inside
            Make.Event(View, "d", "idea", Now.AddMinutes(1)));                               // after the end

        Assert.Equal((4L, 0L, 1L, 1L, 2L), Tiers(await service.GetAsync("/v1/stats/participation?window=28d")));
        Assert.Equal((4L, 1L, 1L, 1L, 1L), Tiers(await service.GetAsync("/v1/stats/participation?window=90d")));

        service.Factory.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((4L, 0L, 0L, 1L, 3L), Tiers(await service.GetAsync("/v1/stats/participation?window=28d")));

        service.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((4L, 0L, 0L, 2L, 2L), Tiers(await service.GetAsync("/v1/stats/participation?window=28d")));
        var weekOfTheCreate = await service.GetAsync("/v1/stats/participation?window=7d&asOf=2026-11-01T00:00:00Z");
        Assert.Equal((4L, 1L, 1L, 0L, 2L), Tiers(weekOfTheCreate));

        // A month back, the create is the newest event in its window.
        var monthAgo = await service.GetAsync("/v1/stats/participation?window=28d&asOf=2026-10-29T12:00:00Z");
        Assert.Equal((4L, 1L, 0L, 0L, 3L), Tiers(monthAgo));
        Assert.Equal(new DateTimeOffset(2026, 10, 29, 12, 0, 0, TimeSpan.Zero), monthAgo["asOf"]!.GetValue<DateTimeOffset>());
        Assert.Equal((4L, 1L, 1L, 2L, 0L), Tiers(await service.GetAsync("/v1/stats/participation?window=all")));
    }

    [Fact]
    public async Task Out_of_order_arrival_and_redelivered_duplicates_count_once()
    {
        await using var service = new Service();
        var events = new[]
        {
            Make.Event(Create, "owner", "idea", Now.AddDays(-5), eventId: "create"),
            Make.Event(Comment, "u1", "idea", Now.AddDays(-4), eventId: "c1"),
            Make.Event(Comment, "u1", "idea", Now.AddDays(-4), eventId: "c2"),
            Make.Event(View, "u2", "idea", Now.AddDays(-3), eventId: "v1"),
            Make.Event(Like, "u2", "idea", Now.AddDays(-40), eventId: "old-like"),
        };
        // Newest first, then everything again (a client retry), then a batch with copies inside it.
        await service.PostAsync([.. events.Reverse()]);
        await service.PostAsync(events);
        await service.PostAsync([events[1], events[1], events[3]]);

        Assert.Equal((3L, 1L, 1L, 1L, 0L), Tiers(await service.GetAsync("/v1/stats/participation")));
        var ties = await service.GetAsync("/v1/stats/ties");
        Assert.Equal(1L, N(ties["ties"]));
        var daily = await service.GetAsync("/v1/stats/participation/daily?days=5");
        Assert.Equal((1L, 1L), (N(daily["days"]![0]!["editors"]), N(daily["days"]![0]!["active"])));
        Assert.Equal((1L, 1L), (N(daily["days"]![1]!["audience"]), N(daily["days"]![1]!["active"])));
    }

    [Fact]
    public async Task Groups_are_todays_directory_values_even_for_a_past_window()
    {
        await using var service = new Service(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "1" });
        await service.ImportAsync("userId,country\nmover,FI\nstayer,FI\n");
        await service.PostAsync(Make.Event(Create, "mover", "idea", Now.AddDays(-10)));
        Assert.Equal(1L, N(Group(await service.GetAsync("/v1/stats/participation?by=country"), "FI")["creators"]));

        await service.ImportAsync("userId,country\nmover,IN\n");

        var past = await service.GetAsync("/v1/stats/participation?by=country&window=7d&asOf=2026-11-20T00:00:00Z");
        Assert.Equal((1L, 1L, 0L, 0L, 0L), Tiers(Group(past, "IN")));
        Assert.Equal((1L, 0L, 0L, 0L, 1L), Tiers(Group(past, "FI")));
    }

    /// <summary>
    /// o1 (FI, R&amp;D) owns ideas A and B, o2 (IN, Sales) owns C, nobody owns D. Ties: (u1,o1) twice over, (u1,o2),
    /// (u2,o1), (u3,o2) through a thread, (o2,o1). A view, a contribution to one's own idea and one to D make none.
    /// </summary>
    private static async Task<Service> TiesAsync(int privacyFloor = 1)
    {
        var service = new Service(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = $"{privacyFloor}" });
        await service.ImportAsync("""
            userId,country,department
            o1,FI,R&D
            o2,IN,Sales
            u1,IN,R&D
            u2,FI,R&D
            u3,DE,Sales
            u4,FI,Sales
            """);
        await service.PostAsync(
            Make.Event(Create, "o1", "A", Now.AddDays(-20)),
            Make.Event(Create, "o1", "B", Now.AddDays(-20)),
            Make.Event(Create, "o2", "C", Now.AddDays(-20)),
            Make.Event(Comment, "u1", "A", Now.AddDays(-2)),
            Make.Event(Like, "u1", "B", Now.AddDays(-2)),
            Make.Event(Share, "u1", "C", Now.AddDays(-2)),
            Make.Event(Like, "u2", "A", Now.AddDays(-2)),
            Make.Event(Create, "u3", "C", Now.AddDays(-2), threadId: "C-thread"),
            Make.Event(View, "u4", "A", Now.AddDays(-2)),
            Make.Event(Comment, "o1", "A", Now.AddDays(-2)),
            Make.Event(Edit, "u4", "D", Now.AddDays(-2)),
            Make.Event(Like, "o2", "A", Now.AddDays(-2)));
        return service;
    }

    [Fact]
    public async Task Ties_count_distinct_contributor_owner_pairs_with_the_EI_index_per_group_and_mean_breadth()
    {
        await using var service = await TiesAsync();

        var byCountry = await service.GetAsync("/v1/stats/ties?window=28d");
        Assert.Equal((5L, 3L, 2L), (N(byCountry["ties"]), N(byCountry["external"]), N(byCountry["internal"])));
        Assert.Equal(0.2, D(byCountry["eiIndex"]), 12);
        Assert.Equal("country", byCountry["by"]!.GetValue<string>());
        Assert.Equal((2L, 1L), (N(Group(byCountry, "IN")["external"]), N(Group(byCountry, "IN")["internal"])));
        Assert.Equal(1.0 / 3, D(Group(byCountry, "IN")["eiIndex"]), 12);
        Assert.Equal(-1.0, D(Group(byCountry, "FI")["eiIndex"]));
        Assert.Equal(1.0, D(Group(byCountry, "DE")["eiIndex"]));
        // u1 reaches FI, u3 IN, o2 FI, u2 nobody abroad: 3 over 4 tied users.
        Assert.Equal(0.75, D(byCountry["meanBreadth"]), 12);

        var byDepartment = await service.GetAsync("/v1/stats/ties?by=department");
        Assert.Equal((2L, 3L), (N(byDepartment["external"]), N(byDepartment["internal"])));
        Assert.Equal(-0.2, D(byDepartment["eiIndex"]), 12);
        Assert.Equal(0.5, D(byDepartment["meanBreadth"]), 12);
        // Sites are unknown for everyone, and unknown to unknown is internal.
        var bySite = await service.GetAsync("/v1/stats/ties?by=site");
        Assert.Equal((0L, 5L, -1.0), (N(bySite["external"]), N(bySite["internal"]), D(bySite["eiIndex"])));
        Assert.Equal(0.0, D(bySite["meanBreadth"]));

        var u1 = await service.GetAsync("/v1/users/u1");
        Assert.Equal((1, 0, 1, 0), (u1["breadth"]!["country"]!.GetValue<int>(), u1["breadth"]!["site"]!.GetValue<int>(),
            u1["breadth"]!["department"]!.GetValue<int>(), u1["breadth"]!["function"]!.GetValue<int>()));
        Assert.Equal(0, (await service.GetAsync("/v1/users/u2"))["breadth"]!["country"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_tie_matrix_counts_ties_from_each_contributor_group_to_each_owner_group_with_every_cell_in_JSON_and_CSV()
    {
        await using var service = await TiesAsync();

        // FI: o1, u2, u4; IN: o2, u1; DE: u3. Ties: u1 and o2 (IN) to o1 (FI), u1 to o2 (IN, IN), u2 to o1 (FI, FI), u3 (DE) to o2 (IN).
        var matrix = await service.GetAsync("/v1/stats/ties/matrix?window=28d");
        Assert.Equal(("country", "28d", 5L), (matrix["by"]!.GetValue<string>(), matrix["window"]!.GetValue<string>(), N(matrix["ties"])));
        Assert.Equal(["FI:3", "IN:2", "DE:1"], matrix["groups"]!.AsArray().Select(g => $"{g!["key"]}:{g["users"]}"));
        Assert.Equal(["FI>FI:1", "FI>IN:0", "FI>DE:0", "IN>FI:2", "IN>IN:1", "IN>DE:0", "DE>FI:0", "DE>IN:1", "DE>DE:0"],
            matrix["cells"]!.AsArray().Select(c => $"{c!["from"]}>{c["to"]}:{c["ties"]}"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stats/ties/matrix?window=28d");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(
            ["from,to,ties", "FI,FI,1", "FI,IN,0", "FI,DE,0", "IN,FI,2", "IN,IN,1", "IN,DE,0", "DE,FI,0", "DE,IN,1", "DE,DE,0"],
            (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));

        // Nobody is external by site: everyone's is unknown.
        var bySite = await service.GetAsync("/v1/stats/ties/matrix?by=site");
        Assert.Equal(["unknown>unknown:5"], bySite["cells"]!.AsArray().Select(c => $"{c!["from"]}>{c["to"]}:{c["ties"]}"));
        service.Factory.Clock.Advance(TimeSpan.FromDays(27));
        Assert.All((await service.GetAsync("/v1/stats/ties/matrix?window=28d"))["cells"]!.AsArray(), c => Assert.Equal(0L, N(c!["ties"])));
    }

    [Fact]
    public async Task The_tie_matrix_merges_the_groups_under_the_privacy_floor_for_rows_and_columns_alike()
    {
        await using var service = await TiesAsync(privacyFloor: 3);

        // IN (2 users) and DE (1) are under the floor of 3; together they make (other), as large as FI and first by key.
        var matrix = await service.GetAsync("/v1/stats/ties/matrix");
        Assert.Equal(["(other):3", "FI:3"], matrix["groups"]!.AsArray().Select(g => $"{g!["key"]}:{g["users"]}"));
        Assert.Equal(["(other)>(other):2", "(other)>FI:2", "FI>(other):0", "FI>FI:1"],
            matrix["cells"]!.AsArray().Select(c => $"{c!["from"]}>{c["to"]}:{c["ties"]}"));
        Assert.Equal(5L, N(matrix["ties"]));
    }

    [Fact]
    public async Task An_ideas_contributors_by_group_leave_out_its_owner_and_come_most_first_in_JSON_and_CSV()
    {
        await using var service = await TiesAsync();

        // A (o1, FI): u1 and o2 (IN) and u2 (FI) contribute; o1's own comment and u4's view do not count.
        var byCountry = await service.GetAsync("/v1/stats/ideas/A/contributors?window=28d");
        Assert.Equal(("A", "country", 3L), (byCountry["ideaId"]!.GetValue<string>(), byCountry["by"]!.GetValue<string>(), N(byCountry["contributors"])));
        Assert.Equal(["IN:2:2", "FI:3:1"], byCountry["groups"]!.AsArray().Select(g => $"{g!["key"]}:{g["users"]}:{g["contributors"]}"));
        var byDepartment = await service.GetAsync("/v1/stats/ideas/A/contributors?by=department");
        Assert.Equal(["R&D:3:2", "Sales:3:1"], byDepartment["groups"]!.AsArray().Select(g => $"{g!["key"]}:{g["users"]}:{g["contributors"]}"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stats/ideas/A/contributors");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(["key,users,contributors", "(all),6,3", "IN,2,2", "FI,3,1"],
            (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));

        using var unknown = await service.Client.GetAsync("/v1/stats/ideas/nothing/contributors");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotNull((await unknown.ReadNodeAsync())["errors"]!["ideaId"]);
        service.Factory.Clock.Advance(TimeSpan.FromDays(27));
        Assert.Empty((await service.GetAsync("/v1/stats/ideas/A/contributors?window=28d"))["groups"]!.AsArray());
    }

    [Fact]
    public async Task An_ideas_contributors_by_group_hide_a_small_group_and_one_more_so_that_subtraction_finds_neither()
    {
        await using var service = await TiesAsync(privacyFloor: 3);

        // IN has 2 users, under the floor of 3; FI alone would give IN away as the total minus FI, so both go to (other).
        var groups = (await service.GetAsync("/v1/stats/ideas/A/contributors"))["groups"]!.AsArray();
        Assert.Equal(["(other):5:3"], groups.Select(g => $"{g!["key"]}:{g["users"]}:{g["contributors"]}"));
    }

    [Fact]
    public async Task Ties_decay_and_an_earlier_create_arriving_late_moves_them_to_the_new_owner()
    {
        await using var service = await TiesAsync();

        // u4 (FI) turns out to have created C before o2: ties to C now go to u4, and u4's own share is not a tie.
        await service.PostAsync(Make.Event(Create, "u4", "C", Now.AddDays(-30)));
        var moved = await service.GetAsync("/v1/stats/ties");
        // (u1,o1) (u2,o1) (o2,o1) stay; (u1,u4) and (u3,u4) replace (u1,o2) and (u3,o2).
        Assert.Equal((5L, 4L, 1L), (N(moved["ties"]), N(moved["external"]), N(moved["internal"])));
        var ideaC = (await service.GetAsync("/v1/ideas/C"))["reach"]!;
        Assert.Equal((2L, 1.0), (N(ideaC["contributors"]), D(ideaC["crossBorderShare"])));

        service.Factory.Clock.Advance(TimeSpan.FromDays(25));
        var quiet = await service.GetAsync("/v1/stats/ties?window=28d");
        Assert.Equal((5L, 5L), (N(quiet["ties"]), N((await service.GetAsync("/v1/stats/ties?window=90d"))["ties"])));
        // The contributions now lie exactly on the open start of the 28-day window.
        service.Factory.Clock.Advance(TimeSpan.FromDays(1));
        var decayed = await service.GetAsync("/v1/stats/ties?window=28d");
        Assert.Equal(0L, N(decayed["ties"]));
        Assert.Null(decayed["eiIndex"]);
        Assert.Null(decayed["meanBreadth"]);
        Assert.Equal(0, (await service.GetAsync("/v1/users/u1?window=28d"))["breadth"]!["country"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_idea_has_a_reach_and_top_ideas_rank_by_reach_contributors_or_views()
    {
        await using var service = await TiesAsync();
        // Idea E: 10 contributors from FI and IN make critical mass; F: 9 from two countries, plus many views.
        await service.ImportAsync("userId,country\n" + string.Join("\n", Enumerable.Range(0, 10).Select(i => $"e{i},{(i < 5 ? "FI" : "IN")}")) + "\n");
        await service.PostAsync([
            Make.Event(Create, "o1", "E", Now.AddDays(-3)), Make.Event(Create, "o1", "F", Now.AddDays(-3)),
            .. Enumerable.Range(0, 10).Select(i => Make.Event(Comment, $"e{i}", "E", Now.AddDays(-1))),
            .. Enumerable.Range(0, 9).Select(i => Make.Event(Like, $"e{i}", "F", Now.AddDays(-1))),
            .. Enumerable.Range(0, 30).Select(i => Make.Event(View, $"viewer{i}", "F", Now.AddDays(-1))),
        ]);

        var ideaA = await service.GetAsync("/v1/ideas/A");
        var reach = ideaA["reach"]!;
        Assert.Equal((3L, 2L, 2L, 1L), (N(reach["contributors"]), N(reach["countries"]), N(reach["departments"]), N(reach["functions"])));
        Assert.Equal(2.0 / 3, D(reach["crossBorderShare"]), 12);
        Assert.False(reach["criticalMass"]!.GetValue<bool>());
        Assert.Equal("A", ideaA["ideaId"]!.GetValue<string>());
        Assert.Null((await service.GetAsync("/v1/ideas/D"))["reach"]!["crossBorderShare"]);
        Assert.Equal(3L, N((await service.GetAsync("/v1/ideas/A?window=7d"))["reach"]!["contributors"]));

        var e = (await service.GetAsync("/v1/ideas/E"))["reach"]!;
        Assert.True(e["criticalMass"]!.GetValue<bool>());
        Assert.Equal((10L, 2L), (N(e["contributors"]), N(e["countries"])));
        Assert.False((await service.GetAsync("/v1/ideas/F"))["reach"]!["criticalMass"]!.GetValue<bool>());

        static string[] Ids(JsonNode top) => [.. top["ideas"]!.AsArray().Select(i => i!["ideaId"]!.GetValue<string>())];
        Assert.Equal(["E", "F", "A"], Ids(await service.GetAsync("/v1/stats/ideas/top?sort=contributors&limit=3")));
        Assert.Equal(["F", "A"], Ids(await service.GetAsync("/v1/stats/ideas/top?sort=views&limit=2")));
        // Reach ranks by contributor countries first: A (IN, FI, and o2's IN) ties with E and F at 2, then by contributors.
        var byReach = await service.GetAsync("/v1/stats/ideas/top?limit=3");
        Assert.Equal(["E", "F", "A"], Ids(byReach));
        Assert.Equal(30L, N(byReach["ideas"]![1]!["views"]));
    }

    [Fact]
    public async Task Views_count_by_whole_UTC_days_of_the_window()
    {
        await using var service = new Service();
        var asOf = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        await service.PostAsync(
            Make.Event(Create, "owner", "V", asOf.AddDays(-20)),
            // Inside (asOf - 7d, asOf] but on the day before the window's 7 days: not counted.
            Make.Event(View, "a", "V", asOf.AddDays(-7).AddHours(6)),
            Make.Event(View, "b", "V", asOf.AddDays(-7).AddHours(6.5)),
            // After asOf, on its day: counted, as the window's last day counts whole.
            Make.Event(View, "c", "V", asOf.AddHours(6)),
            // The next day: not counted.
            Make.Event(View, "d", "V", asOf.AddHours(12.5)));

        async Task<long> ViewsAsync(string query) =>
            N((await service.GetAsync($"/v1/stats/ideas/top?sort=views&{query}"))["ideas"]![0]!["views"]);
        Assert.Equal(1L, await ViewsAsync("window=7d&asOf=2026-11-20T12:00:00Z"));
        Assert.Equal(3L, await ViewsAsync("window=28d&asOf=2026-11-20T12:00:00Z"));
        Assert.Equal(3L, await ViewsAsync("window=all&asOf=2026-11-20T00:00:00Z"));
        Assert.Equal(2L, await ViewsAsync("window=7d"));
        Assert.Equal(4L, await ViewsAsync("window=28d"));
    }

    /// <summary>Previous 7-day window (Now-14d, Now-7d], current (Now-7d, Now].</summary>
    private static async Task<Service> MovesAsync(string? dataDirectory = null)
    {
        var service = new Service(dataDirectory: dataDirectory);
        await service.ImportAsync("userId\nr\n");
        await service.PostAsync(
            Make.Event(View, "p", "idea", Now.AddDays(-10)), Make.Event(Create, "p", "idea", Now.AddDays(-1)),
            Make.Event(Comment, "q", "idea", Now.AddDays(-8)),
            Make.Event(View, "s", "idea", Now.AddDays(-2)),
            Make.Event(Create, "t", "idea", Now.AddDays(-9), threadId: "t-thread"), Make.Event(Like, "t", "idea", Now.AddDays(-3)));
        return service;
    }

    [Fact]
    public async Task The_funnel_shows_who_moved_between_tiers_since_the_previous_window()
    {
        await using var service = await MovesAsync();

        var funnel = await service.GetAsync("/v1/stats/funnel?window=7d");

        var moves = funnel["moves"]!;
        string[] tiers = ["inactive", "audience", "editor", "creator"];
        var expected = new Dictionary<(string, string), long>
        {
            [("audience", "creator")] = 1, [("editor", "inactive")] = 1, [("inactive", "inactive")] = 1,
            [("inactive", "audience")] = 1, [("creator", "editor")] = 1,
        };
        foreach (var from in tiers)
        {
            foreach (var to in tiers)
            {
                Assert.True(expected.GetValueOrDefault((from, to)) == N(moves[from]![to]), $"{from} -> {to}");
            }
        }
        Assert.Equal(Now.AddDays(-14), funnel["previous"]!["start"]!.GetValue<DateTimeOffset>());
        Assert.Equal(Now.AddDays(-7), funnel["current"]!["start"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Daily_activity_counts_each_active_user_once_a_day_at_their_highest_tier()
    {
        await using var service = await MovesAsync();
        await service.PostAsync(Make.Event(View, "p", "idea", Now.AddDays(-1).AddMinutes(1)), Make.Event(View, "s", "idea", Now.AddDays(-1)));

        var days = (await service.GetAsync("/v1/stats/participation/daily?days=11"))["days"]!.AsArray();

        Assert.Equal(11, days.Count);
        Assert.Equal(DateOnly.FromDateTime(Now.AddDays(-10).UtcDateTime), DateOnly.Parse(days[0]!["day"]!.GetValue<string>()));
        Assert.Equal((1L, 1L), (N(days[0]!["audience"]), N(days[0]!["active"])));
        Assert.Equal(1L, N(days[1]!["creators"]));
        Assert.Equal((1L, 1L, 2L), (N(days[9]!["creators"]), N(days[9]!["audience"]), N(days[9]!["active"])));
        Assert.Equal(0L, N(days[10]!["active"]));
        Assert.Equal(7L, days.Sum(d => N(d!["active"])));
        Assert.Equal(90, (await service.GetAsync("/v1/stats/participation/daily"))["days"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_last_day_counts_only_the_events_up_to_asOf_or_now()
    {
        await using var service = new Service();
        await service.PostAsync(Make.Event(Create, "creator", "idea", Now));
        async Task<(long Active, long Creators, long Audience)> TodayAsync(string query = "")
        {
            var today = (await service.GetAsync("/v1/stats/participation/daily?days=1" + query))["days"]!.AsArray().Single()!;
            return (N(today["active"]), N(today["creators"]), N(today["audience"]));
        }

        Assert.Equal((0L, 0L, 0L), await TodayAsync("&asOf=2026-11-26T06:00:00Z"));
        Assert.Equal((1L, 1L, 0L), await TodayAsync("&asOf=2026-11-26T12:00:00Z"));

        // An event dated ahead of now (within the allowed clock skew) counts once the clock reaches it.
        await service.PostAsync(Make.Event(View, "viewer", "idea", Now.AddMinutes(4)));
        Assert.Equal((1L, 1L, 0L), await TodayAsync());
        service.Factory.Clock.Advance(TimeSpan.FromMinutes(4) - TimeSpan.FromTicks(1));
        Assert.Equal((1L, 1L, 0L), await TodayAsync());
        service.Factory.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((2L, 1L, 1L), await TodayAsync());
    }

    [Fact]
    public async Task The_counts_survive_a_restart_because_they_are_rebuilt_from_the_journal()
    {
        using var directory = new TempDirectory();
        string[] paths = ["/v1/stats/participation?by=country&window=90d", "/v1/stats/ties?window=all", "/v1/stats/funnel?window=7d",
            "/v1/stats/participation/daily?days=14"];
        var before = new List<string>();
        await using (var service = await MovesAsync(directory.Path))
        {
            foreach (var path in paths)
            {
                before.Add((await service.GetAsync(path)).ToJsonString());
            }
        }

        await using var restarted = new Service(dataDirectory: directory.Path);
        foreach (var (path, expected) in paths.Zip(before))
        {
            Assert.Equal(expected, (await restarted.GetAsync(path)).ToJsonString());
        }
        Assert.Contains("\"creators\":2", before[0]);
    }

    [Theory]
    [InlineData("/v1/stats/participation?window=5d", "window")]
    [InlineData("/v1/stats/participation?by=planet", "by")]
    [InlineData("/v1/stats/participation?asOf=yesterday", "asOf")]
    [InlineData("/v1/stats/participation?asOf=2026-11-26T12:00:00", "asOf")]
    [InlineData("/v1/stats/participation?asOf=2030-01-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/participation?asOf=1999-12-31T23:59:59Z", "asOf")]
    [InlineData("/v1/stats/participation?asOf=0001-01-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/ties?asOf=0001-03-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/ideas/top?asOf=0001-01-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/participation/daily?asOf=0001-01-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/participation/daily?asOf=0001-03-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/funnel?window=7d&asOf=0001-01-01T00:00:00Z", "asOf")]
    [InlineData("/v1/stats/ties?by=team", "by")]
    [InlineData("/v1/stats/ideas/top?sort=best", "sort")]
    [InlineData("/v1/stats/ideas/top?limit=0", "limit")]
    [InlineData("/v1/stats/ideas/top?limit=101", "limit")]
    [InlineData("/v1/stats/participation/daily?days=0", "days")]
    [InlineData("/v1/stats/participation/daily?days=367", "days")]
    [InlineData("/v1/stats/funnel?window=all", "window")]
    [InlineData("/v1/ideas/A?window=1y", "window")]
    public async Task Bad_query_values_get_a_problem_naming_the_field(string path, string field)
    {
        await using var service = await TiesAsync();

        using var response = await service.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.ReadNodeAsync())["errors"]![field]);
    }

    [Fact]
    public async Task Every_dashboard_answers_csv_on_request_with_formula_cells_defused()
    {
        await using var service = await CompanyAsync(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "1" });
        async Task<string[]> CsvAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/csv");
            using var response = await service.Client.SendAsync(request);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            return (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        }

        var participation = await CsvAsync("/v1/stats/participation?by=country");
        Assert.Equal("key,users,creators,editors,audience,inactive,creatorsShare,editorsShare,audienceShare,inactiveShare", participation[0]);
        Assert.Equal("(all),17,2,3,2,10,0.11764705882352941,0.17647058823529413,0.11764705882352941,0.5882352941176471", participation[1]);
        Assert.Equal("FI,6,1,1,1,3,0.16666666666666666,0.16666666666666666,0.16666666666666666,0.5", participation[2]);
        await service.ImportAsync("userId,department\nf1,=SUM(A1)\n");
        Assert.Contains("'=SUM(A1),1,1,0,0,0,1,0,0,0", await CsvAsync("/v1/stats/participation?by=department"));
        // The (all) row of ties carries the totals and the mean breadth, as the JSON does.
        var ties = await CsvAsync("/v1/stats/ties");
        var tiesJson = await service.GetAsync("/v1/stats/ties");
        Assert.Equal("key,ties,external,internal,eiIndex,meanBreadth", ties[0]);
        Assert.Equal($"(all),{tiesJson["ties"]},{tiesJson["external"]},{tiesJson["internal"]},{tiesJson["eiIndex"]},{tiesJson["meanBreadth"]}", ties[1]);
        Assert.Equal("from,inactive,audience,editor,creator", (await CsvAsync("/v1/stats/funnel?window=7d"))[0]);
        Assert.StartsWith("ideaId,title,ownerId,views", (await CsvAsync("/v1/stats/ideas/top"))[0]);
        Assert.Equal(8, (await CsvAsync("/v1/stats/participation/daily?days=7")).Length);
        // Contributors f2 (FI), n1 and n2 (IN) and the ghost (unknown): 3 countries, 3 of 4 abroad from f1 (FI), whose
        // country the department-only import above left alone.
        Assert.Equal("idea-a,Idea A,f1,2,4,3,1,1,0.75,false", (await CsvAsync("/v1/stats/ideas/top"))[1]);

        // Ids come out exactly as they are (a rewritten id names nothing); free text such as a title is defused.
        await service.PostAsync([Make.Event(Create, "@owner", "-idea", Now.AddHours(-1), title: "=HYPERLINK(1)"),
            .. Enumerable.Range(0, 5).Select(i => Make.Event(Comment, $"f{i + 2}", "-idea", Now.AddMinutes(-i - 1)))]);
        Assert.StartsWith("-idea,'=HYPERLINK(1),@owner,", (await CsvAsync("/v1/stats/ideas/top?sort=contributors"))[1]);
    }

    [Fact]
    public async Task Analytics_can_be_turned_off()
    {
        await using var service = new Service(new Dictionary<string, string> { ["Analytics:Enabled"] = "false" });
        await service.PostAsync(Make.Event(Create, "o", "idea", Now));

        using var response = await service.Client.GetAsync("/v1/stats/participation");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null((await service.GetAsync("/v1/users/o"))["breadth"]);
        Assert.Null((await service.GetAsync("/v1/ideas/idea"))["reach"]);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using Npgsql;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// The participation read model in Cluster mode: two silos on PostgreSQL, the api as their gateway client. The
/// database is shared by every test of the class, so each test asserts only on groups its own users make up: a new
/// department and site. The silos run with a privacy floor of 1, since under complementary suppression another
/// test's small group would hide the smallest shown one; the floor itself is tested in embedded mode.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStatsApiTests(ClusterStatsApiTests.Cluster factory) : IClassFixture<ClusterStatsApiTests.Cluster>
{
    public sealed class Cluster : ClusterApiFactory
    {
        public Cluster() => ClusterSettings["Analytics:PrivacyFloor"] = "1";
    }

    private readonly HttpClient client = factory.CreateClient();
    private readonly DateTimeOffset now = factory.Clock.GetUtcNow();

    private async Task<JsonNode> PostAsync(params Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
        return body;
    }

    private async Task ImportAsync(params string[] rows)
    {
        var csv = new StringBuilder("userId,country,site,department,function\n");
        foreach (var row in rows)
        {
            csv.Append(row).Append('\n');
        }
        using var response = await client.PostAsync("/v1/users/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
        Assert.Equal(rows.Length, body["imported"]!.GetValue<int>());
    }

    private Task<JsonNode> GetAsync(string path) => client.GetNodeAsync(path);

    private static long N(JsonNode? node) => node!.GetValue<long>();

    private static (long Users, long Creators, long Editors, long Audience, long Inactive) Tiers(JsonNode node) =>
        (N(node["users"]), N(node["creators"]), N(node["editors"]), N(node["audience"]), N(node["inactive"]));

    private static JsonNode Group(JsonNode stats, string key) =>
        Assert.Single(stats["groups"]!.AsArray(), g => g!["key"]!.GetValue<string>() == key)!;

    private async Task<(long Users, long Creators, long Editors, long Audience, long Inactive)> TiersOfAsync(
        string by, string key, string window = "28d") =>
        Tiers(Group(await GetAsync($"/v1/stats/participation?window={window}&by={by}"), key));

    private async Task<(long External, long Internal, double? EiIndex)> TiesOfAsync(string by, string key, string window = "28d")
    {
        var group = Group(await GetAsync($"/v1/stats/ties?window={window}&by={by}"), key);
        return (N(group["external"]), N(group["internal"]), group["eiIndex"]?.GetValue<double>());
    }

    private async Task<(int Country, int Site, int Department, int Function)> BreadthAsync(string userId, string window = "28d")
    {
        var breadth = (await GetAsync($"/v1/users/{userId}?window={window}"))["breadth"]!;
        return (breadth["country"]!.GetValue<int>(), breadth["site"]!.GetValue<int>(),
            breadth["department"]!.GetValue<int>(), breadth["function"]!.GetValue<int>());
    }

    private async Task<(long Contributors, long Countries, long Departments, long Functions, double? CrossBorderShare)> ReachAsync(
        string ideaId, string window = "28d")
    {
        var reach = (await GetAsync($"/v1/ideas/{ideaId}?window={window}"))["reach"]!;
        Assert.False(reach["criticalMass"]!.GetValue<bool>());
        return (N(reach["contributors"]), N(reach["countries"]), N(reach["departments"]), N(reach["functions"]),
            reach["crossBorderShare"]?.GetValue<double>());
    }

    [Fact]
    public async Task Tiers_by_department_count_every_acknowledged_event_on_the_next_read()
    {
        var (department, site) = (Make.Id("dept"), Make.Id("site"));
        var a = Enumerable.Range(1, 6).Select(i => Make.Id($"a{i}")).ToArray();
        var (x, y) = (Make.Id("idea"), Make.Id("idea"));
        await ImportAsync([.. a.Select(user => $"{user},NO,{site},{department},")]);

        // The first read activates the read model (if no earlier test did), so later reads find it following the feed.
        Assert.Equal((6L, 0L, 0L, 0L, 6L), await TiersOfAsync("department", department));

        await PostAsync(
            Make.Event(Create, a[0], x, now.AddDays(-3), title: "Idea X"),
            Make.Event(Create, a[1], x, now.AddDays(-2), threadId: Make.Id("t")),
            Make.Event(Comment, a[2], x, now.AddDays(-1)),
            Make.Event(Like, a[3], x, now.AddDays(-1)),
            Make.Event(View, a[3], x, now.AddDays(-1)),
            Make.Event(View, a[4], x, now.AddHours(-2)),
            Make.Event(Like, a[5], x, now.AddDays(-40)));

        // a1 and a2 create, a3 and a4 contribute, a5 views; a6's like is 40 days old.
        Assert.Equal((6L, 2L, 2L, 1L, 1L), await TiersOfAsync("department", department));
        Assert.Equal((6L, 2L, 2L, 1L, 1L), await TiersOfAsync("site", site));
        Assert.Equal((6L, 2L, 2L, 1L, 1L), await TiersOfAsync("department", department, "7d"));
        Assert.Equal((6L, 2L, 3L, 1L, 0L), await TiersOfAsync("department", department, "90d"));

        // One event at a time, each read right after its acknowledgement, far sooner than the model's background timer.
        await PostAsync(Make.Event(Comment, a[4], x, now.AddHours(-1)));
        Assert.Equal((6L, 2L, 3L, 0L, 1L), await TiersOfAsync("department", department));
        await PostAsync(Make.Event(View, a[5], x, now.AddHours(-1)));
        Assert.Equal((6L, 2L, 3L, 1L, 0L), await TiersOfAsync("department", department));
        await PostAsync(Make.Event(Create, a[2], y, now.AddMinutes(-30)));
        Assert.Equal((6L, 3L, 2L, 1L, 0L), await TiersOfAsync("department", department));
        Assert.Equal((6L, 3L, 2L, 1L, 0L), await TiersOfAsync("site", site));
    }

    /// <summary>
    /// c1-c5 in one department and o1 in another, all on one site. o1 (FI) owns P, c1 (DK) owns Q. Ties in 28 days:
    /// (c2,o1) (c3,o1) (c4,o1) across departments, (c2,c1) (c3,c1) inside, and (o1,c1); c5 only views P within 28 days
    /// and liked it 40 days ago; c1's comment on its own Q is no tie.
    /// </summary>
    [Fact]
    public async Task Ties_by_department_breadth_and_reach_count_only_contributions_to_other_owners()
    {
        var (contributors, owners, site) = (Make.Id("dept"), Make.Id("dept"), Make.Id("site"));
        var (c1, c2, c3, c4, c5, o1) = (Make.Id("c1"), Make.Id("c2"), Make.Id("c3"), Make.Id("c4"), Make.Id("c5"), Make.Id("o1"));
        var (p, q) = (Make.Id("idea-p"), Make.Id("idea-q"));
        await ImportAsync(
            $"{c1},DK,{site},{contributors},Sales",
            $"{c2},FI,{site},{contributors},Sales",
            $"{c3},IN,{site},{contributors},Sales",
            $"{c4},SE,{site},{contributors},Design",
            $"{c5},FI,{site},{contributors},Sales",
            $"{o1},FI,{site},{owners},Engineering");
        await PostAsync(
            Make.Event(Create, o1, p, now.AddDays(-20), title: "P"),
            Make.Event(Create, c1, q, now.AddDays(-20), title: "Q"),
            Make.Event(Comment, c2, p, now.AddDays(-2)),
            Make.Event(Like, c3, p, now.AddDays(-2)),
            Make.Event(Share, c3, p, now.AddDays(-1)),
            Make.Event(Comment, c3, q, now.AddDays(-2)),
            Make.Event(Create, c4, p, now.AddDays(-2), threadId: Make.Id("t")),
            Make.Event(View, c5, p, now.AddDays(-2)),
            Make.Event(Comment, c1, q, now.AddDays(-2)),
            Make.Event(Edit, c2, q, now.AddDays(-1)),
            Make.Event(Like, o1, q, now.AddDays(-1)),
            Make.Event(Like, c5, p, now.AddDays(-40)));

        // The contributors' department: 3 ties to o1 are external, 2 to c1 internal; (o1,c1) belongs to o1's group.
        Assert.Equal((3L, 2L, 0.2), await TiesOfAsync("department", contributors));
        Assert.Equal((4L, 2L, 2.0 / 6), await TiesOfAsync("department", contributors, "90d"));
        // Everyone shares the site, so all six ties (o1's included) are internal there.
        Assert.Equal((0L, 6L, -1.0), await TiesOfAsync("site", site));

        Assert.Equal((0, 0, 0, 0), await BreadthAsync(c1));
        Assert.Equal((1, 0, 1, 1), await BreadthAsync(c2));
        Assert.Equal((2, 0, 1, 1), await BreadthAsync(c3));
        Assert.Equal((1, 0, 1, 1), await BreadthAsync(c4));
        Assert.Equal((0, 0, 0, 0), await BreadthAsync(c5));
        Assert.Equal((0, 0, 1, 1), await BreadthAsync(c5, "90d"));
        Assert.Equal((1, 0, 1, 1), await BreadthAsync(o1));

        // P: c2 (FI), c3 (IN), c4 (SE, Design) against o1 in FI; in 90 days c5 (FI) too.
        var reachP = await ReachAsync(p);
        Assert.Equal((3L, 3L, 1L, 2L), (reachP.Contributors, reachP.Countries, reachP.Departments, reachP.Functions));
        Assert.Equal(2.0 / 3, reachP.CrossBorderShare!.Value, 12);
        Assert.Equal((4L, 3L, 1L, 2L, 0.5), await ReachAsync(p, "90d"));
        // Q: c2 (FI), c3 (IN) and o1 (FI, another department and function), all abroad from c1 in DK.
        Assert.Equal((3L, 2L, 2L, 2L, 1.0), await ReachAsync(q));
    }

    /// <summary>
    /// u1-u5 in one department, w in another. w creates R before u1 does, so w owns it; u2 owns S. Ties in 28 days:
    /// (u1,w) (u2,w) (u3,w) across departments and (u4,u2) inside; u4's like of R is 40 days old.
    /// </summary>
    [Fact]
    public async Task Redelivered_and_reversed_batches_leave_the_group_numbers_unchanged()
    {
        var (department, other, site) = (Make.Id("dept"), Make.Id("dept"), Make.Id("site"));
        var (u1, u2, u3, u4, u5, w) = (Make.Id("u1"), Make.Id("u2"), Make.Id("u3"), Make.Id("u4"), Make.Id("u5"), Make.Id("w"));
        var (r, s) = (Make.Id("idea-r"), Make.Id("idea-s"));
        await ImportAsync(
            $"{w},DE,{Make.Id("site")},{other},",
            $"{u1},DE,{site},{department},",
            $"{u2},FI,{site},{department},",
            $"{u3},FI,{site},{department},",
            $"{u4},FI,{site},{department},",
            $"{u5},FI,{site},{department},");
        Interaction[] events =
        [
            Make.Event(Create, w, r, now.AddDays(-10), title: "R by w"),
            Make.Event(Create, u1, r, now.AddDays(-6), title: "R by u1"),
            Make.Event(Create, u2, s, now.AddDays(-8)),
            Make.Event(Comment, u3, r, now.AddDays(-3)),
            Make.Event(Comment, u3, r, now.AddDays(-3)),
            Make.Event(Like, u4, s, now.AddDays(-2)),
            Make.Event(Comment, u1, r, now.AddDays(-1)),
            Make.Event(View, u5, r, now.AddDays(-1)),
            Make.Event(Share, u2, r, now.AddDays(-1)),
            Make.Event(Like, u4, r, now.AddDays(-40)),
        ];

        async Task AssertNumbersAsync()
        {
            Assert.Equal((5L, 2L, 2L, 1L, 0L), await TiersOfAsync("department", department));
            Assert.Equal((5L, 2L, 2L, 1L, 0L), await TiersOfAsync("site", site));
            Assert.Equal((3L, 1L, 0.5), await TiesOfAsync("department", department));
            Assert.Equal((4L, 1L, 0.6), await TiesOfAsync("department", department, "90d"));
            // Owned by w (DE), not u1: u1 (DE), u2 (FI) and u3 (FI) contribute, u4 only 40 days ago.
            Assert.Equal((3L, 2L, 1L, 1L, 2.0 / 3), await ReachAsync(r));
            Assert.Equal(w, (await GetAsync($"/v1/ideas/{r}"))["ownerId"]!.GetValue<string>());
            Assert.Equal((1, 1, 1, 0), await BreadthAsync(u3));
            Assert.Equal((0, 0, 0, 0), await BreadthAsync(u4));
            Assert.Equal((1, 1, 1, 0), await BreadthAsync(u4, "90d"));
        }

        var reversed = await PostAsync([.. events.Reverse()]);
        Assert.Equal((10, 0), (reversed["accepted"]!.GetValue<int>(), reversed["duplicates"]!.GetValue<int>()));
        await AssertNumbersAsync();

        var again = await PostAsync(events);
        Assert.Equal((0, 10), (again["accepted"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        await AssertNumbersAsync();

        var copies = await PostAsync(events[3], events[3], events[6], events[0]);
        Assert.Equal((0, 4), (copies["accepted"]!.GetValue<int>(), copies["duplicates"]!.GetValue<int>()));
        await AssertNumbersAsync();
    }

    /// <summary>
    /// A transaction left open in another database of the same server holds the server's xmin horizon back; the
    /// read model must still count events acknowledged after it began.
    /// </summary>
    [Fact]
    public async Task A_write_transaction_left_open_elsewhere_on_the_server_does_not_hold_dashboard_reads_back()
    {
        var other = new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(other);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT pg_current_xact_id()", connection, transaction))
        {
            Assert.NotNull(await command.ExecuteScalarAsync());
        }

        var (department, site) = (Make.Id("dept"), Make.Id("site"));
        var b = Enumerable.Range(1, 5).Select(i => Make.Id($"b{i}")).ToArray();
        var x = Make.Id("idea");
        await ImportAsync([.. b.Select(user => $"{user},NO,{site},{department},")]);
        await PostAsync(
            Make.Event(Create, b[0], x, now.AddDays(-3), title: "Idea X"),
            Make.Event(Comment, b[1], x, now.AddDays(-2)),
            Make.Event(Like, b[2], x, now.AddDays(-1)),
            Make.Event(View, b[3], x, now.AddHours(-2)));

        // b1 creates, b2 and b3 contribute, b4 views, b5 is inactive.
        using (var response = await client.GetAsync("/v1/stats/participation?by=department"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((5L, 1L, 2L, 1L, 1L), Tiers(Group(await response.ReadNodeAsync(), department)));
        }
        Assert.NotNull((await GetAsync($"/v1/users/{b[1]}"))["breadth"]);

        await transaction.RollbackAsync();
    }
}

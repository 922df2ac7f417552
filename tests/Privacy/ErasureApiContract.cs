using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Privacy;

/// <summary>
/// Erasure of a person (keyless loopback, so every scope): what every answer and the store hold afterwards, and after
/// rebuilding everything from the journal, in either mode. Each test has its own service.
/// </summary>
public abstract class ErasureApiContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = Make.Noon.AddHours(-3);
    private readonly string person = Make.Id("u"), owner = Make.Id("u"), fan = Make.Id("u");
    private readonly string ownIdea = Make.Id("i"), otherIdea = Make.Id("i"), viewedIdea = Make.Id("i"), thread = Make.Id("t");
    private readonly string name = "Zqxjv Erasable-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient client = null!;

    protected abstract ApiFactory Factory { get; }

    /// <summary>Where the store still holds any of <paramref name="needles"/>: every table, and the files when it has them.</summary>
    protected abstract Task<List<string>> FindInStoreAsync(params string[] needles);

    public virtual async Task InitializeAsync()
    {
        client = Factory.CreateClient();
        await PutProfileAsync(person, $$"""{"displayName":"{{name}}","country":"FI","site":"Helsinki","department":"R&D","function":"Engineering"}""", HttpStatusCode.OK);
        await PutProfileAsync(owner, """{"displayName":"Owner","country":"IN"}""", HttpStatusCode.OK);
        await PutProfileAsync(fan, """{"displayName":"Fan","country":"IN"}""", HttpStatusCode.OK);
        await PostAsync(
        [
            Make.Event(Create, person, ownIdea, At, title: "Solar roofs", tags: ["energy"]),
            Make.Event(Create, owner, otherIdea, At, title: "Bike sheds"),
            Make.Event(Create, owner, viewedIdea, At, title: "Rain gardens"),
            Make.Event(Comment, person, otherIdea, At.AddMinutes(1), threadId: thread),
            Make.Event(Like, person, otherIdea, At.AddMinutes(2)),
            Make.Event(Follow, person, otherIdea, At.AddMinutes(3)),
            Make.Event(View, person, viewedIdea, At.AddMinutes(4)),
            Make.Event(Comment, fan, ownIdea, At.AddMinutes(5)),
            Make.Event(Follow, fan, ownIdea, At.AddMinutes(6)),
            Make.Event(Like, owner, ownIdea, At.AddMinutes(7)),
        ]);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await DisposeFactoryAsync();
    }

    protected virtual Task DisposeFactoryAsync() => Factory.DisposeAsync().AsTask();

    [Fact]
    public async Task An_erased_person_is_gone_from_every_answer_and_every_file_and_a_rebuild_brings_nothing_back()
    {
        var before = await AggregatesAsync();
        Assert.Contains(person, (await client.GetNodeAsync($"/v1/ideas/{otherIdea}/followers"))["items"]!.ToJsonString());
        // The search finds them while they are there: in the events, the profile change, the snapshots.
        var stored = await FindInStoreAsync(person, name);
        Assert.Contains(stored, place => place.Contains("events.user_id", StringComparison.Ordinal));
        Assert.Contains(stored, place => place.Contains($"'{name}'", StringComparison.Ordinal));

        var receipt = await EraseAsync(person, HttpStatusCode.OK);

        Assert.Equal(
            """{"alreadyErased":false,"eventsAnonymised":5,"profileChangesDeleted":1,"ideasRefolded":3,"threadsRefolded":1}""",
            receipt.ToJsonString());
        await AssertNotFoundAsync($"/v1/users/{person}");
        await AssertNotFoundAsync($"/v1/users/{person}/export");
        var ideaAfter = await client.GetNodeAsync($"/v1/ideas/{ownIdea}");
        var pseudonym = ideaAfter["ownerId"]!.GetValue<string>();
        Assert.StartsWith("erased-", pseudonym, StringComparison.Ordinal);
        // The rule: what the person did still counts, as one anonymous participant with no profile.
        Assert.Equal(before, await AggregatesAsync());
        var followers = (await client.GetNodeAsync($"/v1/ideas/{otherIdea}/followers"))["items"]!.AsArray().Select(item => item!.GetValue<string>()).ToList();
        Assert.Equal(new[] { owner, pseudonym }.Order(StringComparer.Ordinal), followers);
        var thread = await client.GetNodeAsync($"/v1/threads/{this.thread}");
        Assert.Equal(1, thread["participants"]!["editors"]!.GetValue<long>());
        Assert.DoesNotContain(person, thread.ToJsonString(), StringComparison.Ordinal);
        var anonymous = await client.GetNodeAsync($"/v1/users/{pseudonym}?window=all");
        Assert.Null(anonymous["displayName"]);
        Assert.Null(anonymous["country"]);
        Assert.Equal(1, anonymous["totals"]!["create"]!.GetValue<long>());
        var top = (await client.GetNodeAsync("/v1/stats/ideas/top?window=all")).ToJsonString();
        Assert.DoesNotContain(person, top, StringComparison.Ordinal);
        await AssertStoreHoldsNoTraceAsync();

        foreach (var path in new[] { "read-model", "users/" + owner, "users/" + fan, "users/" + pseudonym, "ideas/" + ownIdea, "ideas/" + otherIdea,
                     "ideas/" + viewedIdea, "threads/" + this.thread })
        {
            using var rebuilt = await client.PostAsync("/v1/admin/rebuild/" + path, null);
            var report = await rebuilt.ReadNodeAsync();
            Assert.True(rebuilt.IsSuccessStatusCode, report.ToJsonString());
            Assert.False(report["changed"]!.GetValue<bool>(), report.ToJsonString());
        }
        Assert.Equal(before, await AggregatesAsync());
        Assert.Equal(ideaAfter.ToJsonString(), (await client.GetNodeAsync($"/v1/ideas/{ownIdea}")).ToJsonString());
        await AssertNotFoundAsync($"/v1/users/{person}");
        await AssertStoreHoldsNoTraceAsync();
    }

    [Fact]
    public async Task A_repeated_erasure_says_so_and_an_unknown_or_reserved_id_is_refused_storing_nothing()
    {
        await EraseAsync(person, HttpStatusCode.OK);

        var again = await EraseAsync(person, HttpStatusCode.OK);
        var unknown = await EraseAsync(Make.Id("u"), HttpStatusCode.NotFound);
        var reserved = await EraseAsync("erased-0123", HttpStatusCode.BadRequest);

        Assert.Equal(
            """{"alreadyErased":true,"eventsAnonymised":0,"profileChangesDeleted":0,"ideasRefolded":3,"threadsRefolded":1}""",
            again.ToJsonString());
        Assert.NotNull(unknown["errors"]!["userId"]);
        Assert.Contains("reserved", reserved["errors"]!["userId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertStoreHoldsNoTraceAsync();
    }

    [Fact]
    public async Task Writes_naming_an_erased_person_are_refused_with_the_field_and_store_nothing()
    {
        await EraseAsync(person, HttpStatusCode.OK);

        using var single = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(Like, person, viewedIdea, At.AddHours(1))).ToJson());
        var batch = await PostBatchAsync([Make.Event(Like, person, viewedIdea, At.AddHours(1)), Make.Event(View, fan, viewedIdea, At.AddHours(1))]);
        using var put = await client.PutAsync($"/v1/users/{person}", new StringContent($$"""{"displayName":"{{name}}"}""", Encoding.UTF8, "application/json"));
        using var import = await client.PostRawAsync("/v1/users/import", $"userId,displayName\n{fan},Fan again\n{person},{name}\n", "text/csv");
        using var reservedEvent = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(Like, "erased-0123", viewedIdea, At)).ToJson());

        Assert.Equal(HttpStatusCode.Conflict, single.StatusCode);
        Assert.Contains("erased", (await single.ReadNodeAsync())["errors"]!["userId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, batch["accepted"]!.GetValue<int>());
        Assert.Equal((0, "userId"), (batch["rejected"]![0]!["index"]!.GetValue<int>(), batch["rejected"]![0]!["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.NotNull((await put.ReadNodeAsync())["errors"]!["userId"]);
        var receipt = await import.ReadNodeAsync();
        Assert.Equal(1, receipt["imported"]!.GetValue<int>());
        Assert.Equal(3, receipt["rejected"]![0]!["line"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, reservedEvent.StatusCode);
        Assert.NotNull((await reservedEvent.ReadNodeAsync())["errors"]!["userId"]);
        var counts = (await client.GetNodeAsync($"/v1/ideas/{viewedIdea}"))["counts"]!;
        Assert.Equal((0L, 2L), (counts["like"]!.GetValue<long>(), counts["view"]!.GetValue<long>()));
        await AssertNotFoundAsync($"/v1/users/{person}");
        await AssertStoreHoldsNoTraceAsync();
    }

    [Fact]
    public async Task An_erasure_racing_the_persons_events_leaves_each_either_counted_anonymously_or_refused()
    {
        var raceIdea = Make.Id("i");
        var posts = Enumerable.Range(0, 20).Select(n =>
            PostBatchAsync([Make.Event(Like, person, raceIdea, At.AddSeconds(n)), Make.Event(View, fan, raceIdea, At.AddSeconds(n))])).ToList();

        await EraseAsync(person, HttpStatusCode.OK);
        var receipts = await Task.WhenAll(posts);

        var likesAccepted = receipts.Sum(receipt => receipt["accepted"]!.GetValue<int>() - 1);
        Assert.All(receipts, receipt => Assert.All(receipt["rejected"]!.AsArray(), rejected => Assert.Equal("userId", rejected!["field"]!.GetValue<string>())));
        Assert.Equal(20, likesAccepted + receipts.Sum(receipt => receipt["rejected"]!.AsArray().Count));
        var idea = await client.GetNodeAsync($"/v1/ideas/{raceIdea}");
        Assert.Equal((likesAccepted, 20L), (idea["counts"]!["like"]!.GetValue<long>(), idea["counts"]!["view"]!.GetValue<long>()));
        await AssertNotFoundAsync($"/v1/users/{person}");
        await AssertStoreHoldsNoTraceAsync();
    }

    private async Task AssertStoreHoldsNoTraceAsync()
    {
        var found = await FindInStoreAsync(person, name);
        Assert.True(found.Count == 0, string.Join("; ", found));
    }

    /// <summary>What the dashboards and the idea reads count, as one text: the same before and after an erasure.</summary>
    private async Task<string> AggregatesAsync()
    {
        var answers = new List<string>();
        foreach (var path in new[] { "/v1/stats/participation?window=all", "/v1/stats/participation?window=7d", "/v1/stats/funnel?window=7d" })
        {
            answers.Add((await client.GetNodeAsync(path)).ToJsonString());
        }
        var ties = await client.GetNodeAsync("/v1/stats/ties?window=all");
        // External and internal ties depend on the person's country, which went with their profile; the ties do not.
        answers.Add($"ties {ties["ties"]} meanBreadth {ties["meanBreadth"]}");
        foreach (var idea in new[] { ownIdea, otherIdea, viewedIdea })
        {
            var view = await client.GetNodeAsync($"/v1/ideas/{idea}");
            answers.Add($"{view["counts"]!.ToJsonString()} {view["participants"]!.ToJsonString()} {view["followers"]!.ToJsonString()} {view["threads"]!.ToJsonString()}");
        }
        return string.Join("\n", answers);
    }

    private async Task AssertNotFoundAsync(string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull((await response.ReadNodeAsync())["errors"]!["userId"]);
    }

    private async Task<JsonNode> EraseAsync(string userId, HttpStatusCode status)
    {
        using var response = await client.DeleteAsync("/v1/users/" + userId);
        var body = await response.ReadNodeAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {body.ToJsonString()}");
        return body;
    }

    private async Task PutProfileAsync(string userId, string json, HttpStatusCode status)
    {
        using var response = await client.PutAsync("/v1/users/" + userId, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
    }

    private async Task PostAsync(Interaction[] events)
    {
        var receipt = await PostBatchAsync(events);
        Assert.True(receipt["rejected"]!.AsArray().Count == 0, receipt.ToJsonString());
    }

    private async Task<JsonNode> PostBatchAsync(Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body;
    }
}

public sealed class EmbeddedErasureApiTests : ErasureApiContract
{
    private readonly ApiFactory factory = new();

    protected override ApiFactory Factory => factory;

    /// <summary>Every byte of the database, its WAL and shared-memory file, and every table with snapshot bodies inflated.</summary>
    protected override async Task<List<string>> FindInStoreAsync(params string[] needles)
    {
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(factory.DataDirectory, "collaboration.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            found.AddRange(needles.Where(needle => StoredTraces.Contains(copy.ToArray(), needle)).Select(needle => $"{Path.GetFileName(file)} holds '{needle}'"));
        }
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(factory.DataDirectory, "collaboration.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        found.AddRange(await StoredTraces.FindAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table'", needles));
        return found;
    }
}

public sealed class ClusterErasureApiTests : ErasureApiContract
{
    private readonly ClusterApiFactory factory = new();

    protected override ApiFactory Factory => factory;

    public override async Task InitializeAsync()
    {
        await factory.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override Task DisposeFactoryAsync() => ((IAsyncLifetime)factory).DisposeAsync();

    /// <summary>Every table of the cluster's database (the Orleans tables too), snapshot bodies inflated.</summary>
    protected override async Task<List<string>> FindInStoreAsync(params string[] needles)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        return await StoredTraces.FindAsync(connection,
            "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", needles);
    }
}

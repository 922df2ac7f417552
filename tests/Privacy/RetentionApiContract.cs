using System.Net;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Privacy;

/// <summary>
/// Retention (Journal:RetentionDays=200) in either mode: a store whose events span more than that, a sweep while events
/// keep arriving, and every answer for the 7, 28 and 90-day windows (and the funnel's previous windows) the same before
/// the sweep, after it, and after rebuilding everything from what is left.
/// </summary>
public abstract class RetentionApiContract : IAsyncLifetime
{
    protected const int RetentionDays = 200;

    // Reads end at the api's clock (Make.Noon); the sweep measures age from the silo's clock, when rows were stored.
    private static readonly DateTimeOffset Now = Make.Noon;
    private readonly string owner = Make.Id("u"), fan = Make.Id("u"), reader = Make.Id("u"), idea = Make.Id("i"), other = Make.Id("i");
    private HttpClient client = null!;

    protected abstract ApiFactory Factory { get; }

    /// <summary>Stores <paramref name="interaction"/> behind the service's back, as if stored at <paramref name="storedAt"/>.</summary>
    protected abstract Task AppendAsync(Interaction interaction, DateTimeOffset storedAt);

    /// <summary>The ids of the events stored before <paramref name="instant"/>, in ordinal order.</summary>
    protected abstract Task<List<string>> StoredBeforeAsync(DateTimeOffset instant);

    public virtual Task InitializeAsync()
    {
        client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await DisposeFactoryAsync();
    }

    protected virtual Task DisposeFactoryAsync() => Factory.DisposeAsync().AsTask();

    [Fact]
    public async Task Old_rows_go_except_those_of_current_state_and_every_windowed_answer_stays_while_ingestion_goes_on()
    {
        var storedLongAgo = DateTimeOffset.UtcNow.AddDays(-300);
        var old = Now.AddDays(-300);
        Interaction[] keepers = [Make.Event(Create, owner, idea, old, title: "Heat pumps"), Make.Event(Follow, fan, idea, old.AddDays(2))];
        Interaction[] expiring =
        [
            Make.Event(View, reader, idea, old.AddDays(1)), Make.Event(Comment, fan, idea, old.AddDays(1)),
            Make.Event(Like, reader, idea, old.AddDays(3)), Make.Event(Follow, reader, other, old.AddDays(3)), Make.Event(Unfollow, reader, other, old.AddDays(4)),
        ];
        foreach (var e in keepers.Concat(expiring))
        {
            await AppendAsync(e, storedLongAgo);
        }
        await PostAsync(
        [
            Make.Event(Create, reader, other, Now.AddDays(-80), title: "Rain gardens"),
            Make.Event(Comment, fan, idea, Now.AddDays(-20)), Make.Event(Like, reader, idea, Now.AddDays(-5)),
            Make.Event(View, owner, other, Now.AddDays(-2)), Make.Event(Comment, owner, other, Now.AddDays(-100)),
            Make.Event(Like, fan, other, Now.AddDays(-150)), Make.Event(Follow, owner, other, Now.AddDays(-1)),
        ]);
        var before = await WindowedAnswersAsync();
        // The old rows are folded: the reader's one old view counts all time.
        Assert.Equal(1, (await client.GetNodeAsync($"/v1/users/{reader}?window=all"))["totals"]!["view"]!.GetValue<long>());

        // Ingestion goes on during the sweep, with events outside every window (and the funnel's previous ones).
        string[] users = [owner, fan, reader];
        var posting = Task.WhenAll(Enumerable.Range(0, 10).Select(n => PostAsync([Make.Event(View, users[n % 3], idea, Now.AddDays(-185 - n))])));
        using var swept = await client.PostAsync("/v1/admin/retention/sweep", null);
        await posting;
        var report = await swept.ReadNodeAsync();

        Assert.Equal(HttpStatusCode.OK, swept.StatusCode);
        Assert.Equal((5, 2), (report["eventsDeleted"]!.GetValue<int>(), report["eventsKept"]!.GetValue<int>()));
        Assert.Equal(keepers.Select(e => e.EventId).Order(StringComparer.Ordinal),
            await StoredBeforeAsync(DateTimeOffset.UtcNow.AddDays(-RetentionDays)));
        Assert.Equal(before, await WindowedAnswersAsync());
        // The read model folded the journal again after the sweep: all time no longer counts the expired view.
        var topByViews = (await client.GetNodeAsync("/v1/stats/ideas/top?window=all&sort=views")).ToJsonString();
        Assert.Equal(10, (await client.GetNodeAsync("/v1/stats/ideas/top?window=all&sort=views"))["ideas"]!.AsArray()
            .Single(i => i!["ideaId"]!.GetValue<string>() == idea)!["views"]!.GetValue<long>());
        foreach (var path in new[] { "read-model", "users/" + owner, "users/" + fan, "users/" + reader, "ideas/" + idea, "ideas/" + other })
        {
            using var rebuilt = await client.PostAsync("/v1/admin/rebuild/" + path, null);
            Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await WindowedAnswersAsync());
        Assert.Equal(topByViews, (await client.GetNodeAsync("/v1/stats/ideas/top?window=all&sort=views")).ToJsonString());
        // All time is what is left: the old view went, the reader's three views posted during the sweep are there.
        Assert.Equal(3, (await client.GetNodeAsync($"/v1/users/{reader}?window=all"))["totals"]!["view"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_event_dated_before_the_retention_is_refused_naming_occurredAt()
    {
        using var single = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(View, reader, idea, Now.AddDays(-RetentionDays - 1))).ToJson());
        using var kept = await client.PostRawAsync("/v1/events", Make.Json(Make.Event(View, reader, idea, Now.AddDays(-RetentionDays + 1))).ToJson());

        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
        Assert.Contains("200 days", (await single.ReadNodeAsync())["errors"]!["occurredAt"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, kept.StatusCode);
    }

    /// <summary>Every answer over a 7, 28 or 90-day window, the funnels, who follows what, and the users' windowed views.</summary>
    private async Task<string> WindowedAnswersAsync()
    {
        var paths = new List<string>();
        foreach (var window in new[] { "7d", "28d", "90d" })
        {
            paths.AddRange([$"/v1/stats/participation?window={window}", $"/v1/stats/participation?window={window}&by=country",
                $"/v1/stats/ties?window={window}", $"/v1/stats/funnel?window={window}"]);
            paths.AddRange(new[] { owner, fan, reader }.Select(user => $"/v1/users/{user}?window={window}"));
        }
        paths.AddRange([$"/v1/ideas/{idea}/followers", $"/v1/ideas/{other}/followers", $"/v1/users/{fan}/following", $"/v1/users/{reader}/following"]);
        var answers = new List<string>();
        foreach (var path in paths)
        {
            var answer = await client.GetNodeAsync(path);
            // All-time totals and first activity count what is left (and what arrived); they are not windowed answers.
            answer.AsObject().Remove("totals");
            answer.AsObject().Remove("firstActiveAt");
            answers.Add($"{path} {answer.ToJsonString()}");
        }
        return string.Join("\n", answers);
    }

    private async Task PostAsync(Interaction[] events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
        using var response = await client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
        var body = await response.ReadNodeAsync();
        Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
    }
}

public sealed class EmbeddedRetentionApiTests : RetentionApiContract
{
    private readonly ApiFactory factory = ApiFactory.With(new Dictionary<string, string> { ["Journal:RetentionDays"] = RetentionDays.ToString() });

    protected override ApiFactory Factory => factory;

    protected override Task AppendAsync(Interaction interaction, DateTimeOffset storedAt)
    {
        JournalRows.Append(factory.DataDirectory, interaction, storedAt);
        return Task.CompletedTask;
    }

    protected override Task<List<string>> StoredBeforeAsync(DateTimeOffset instant) => Task.FromResult(JournalRows.StoredBefore(factory.DataDirectory, instant));
}

public sealed class ClusterRetentionApiTests : RetentionApiContract
{
    private readonly ClusterApiFactory factory = new();

    protected override ApiFactory Factory => factory;

    public override async Task InitializeAsync()
    {
        factory.ClusterSettings["Journal:RetentionDays"] = RetentionDays.ToString();
        await factory.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override Task DisposeFactoryAsync() => ((IAsyncLifetime)factory).DisposeAsync();

    protected override async Task AppendAsync(Interaction interaction, DateTimeOffset storedAt)
    {
        var row = Collaboration.EventSourcing.StoredEventFormat.Encode(interaction);
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new Npgsql.NpgsqlCommand("""
            INSERT INTO events (event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection);
        insert.Parameters.AddWithValue(row.EventId);
        insert.Parameters.AddWithValue(Collaboration.Ingestion.ContentHash.Of(interaction));
        insert.Parameters.AddWithValue(row.Type);
        insert.Parameters.AddWithValue(row.Data);
        insert.Parameters.AddWithValue(interaction.UserId);
        insert.Parameters.AddWithValue(interaction.IdeaId);
        insert.Parameters.AddWithValue((object?)interaction.ThreadId ?? DBNull.Value);
        insert.Parameters.AddWithValue(storedAt);
        await insert.ExecuteNonQueryAsync();
    }

    protected override async Task<List<string>> StoredBeforeAsync(DateTimeOffset instant)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand("SELECT event_id FROM events WHERE stored_at < $1", connection);
        select.Parameters.AddWithValue(instant);
        await using var reader = await select.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return [.. ids.Order(StringComparer.Ordinal)];
    }
}

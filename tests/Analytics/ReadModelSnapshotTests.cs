using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Events;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// The embedded service on a store that holds a read-model snapshot plus a tail of events after it: its dashboards
/// must equal those of a service that received the same events and never took a snapshot.
/// </summary>
public sealed class ReadModelSnapshotTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    /// <summary>Snapshots as often as possible: every fold that added an event, and at shutdown.</summary>
    private static readonly Dictionary<string, string> Snapshotting = new()
    {
        ["Analytics:SnapshotEveryEvents"] = "1",
        ["Analytics:SnapshotMinInterval"] = "00:00:00",
        ["Analytics:PrivacyFloor"] = "1",
    };

    private static readonly Dictionary<string, string> NoSnapshots = new()
    {
        ["Analytics:SnapshotEveryEvents"] = int.MaxValue.ToString(),
        ["Analytics:PrivacyFloor"] = "1",
    };

    private static readonly string[] Dashboards =
    [
        "/v1/stats/participation?window=28d&by=country",
        "/v1/stats/participation?window=90d&by=department",
        "/v1/stats/participation?window=all",
        "/v1/stats/ties?window=28d&by=country",
        "/v1/stats/ties?window=all&by=department",
        "/v1/stats/funnel?window=28d",
        "/v1/stats/participation/daily?days=90",
        "/v1/stats/ideas/top?window=90d&sort=reach&limit=10",
    ];

    [Fact]
    public async Task A_service_started_on_a_snapshot_plus_a_tail_answers_as_one_that_folded_every_event()
    {
        using var store = new TempDirectory();
        var (history, tail) = (History(), Tail());
        await using (var first = await StartAsync(store.Path, Snapshotting))
        {
            await first.PostAsync(history);
            await first.ReadAllAsync(); // folds the history; the snapshot at shutdown covers it
        }
        var covered = SnapshotPositions(store.Path);
        // Proof that the next start uses the snapshot: the user-stream rows it covers are gone, so a replay from the
        // journal could not count them. The tail's users are new, so no user grain reads its own stream's old rows.
        DeleteUserRowsBelow(store.Path, covered[0]);

        await using var restarted = await StartAsync(store.Path, Snapshotting);
        await restarted.PostAsync(tail);
        var answers = await restarted.ReadAllAsync();
        await using var reference = await StartAsync(null, NoSnapshots);
        await reference.PostAsync([.. history, .. tail]);
        var expected = await reference.ReadAllAsync();

        Assert.NotEmpty(covered);
        Assert.Equal(expected, answers);
        Assert.Contains("\"creators\":", answers[0]);
    }

    [Fact]
    public async Task Damaged_snapshots_are_ignored_and_the_model_is_rebuilt_from_the_journal()
    {
        using var store = new TempDirectory();
        var (history, tail) = (History(), Tail());
        await using (var first = await StartAsync(store.Path, Snapshotting))
        {
            await first.PostAsync(history);
            await first.ReadAllAsync();
        }
        var damaged = DamageEverySnapshot(store.Path);

        await using var restarted = await StartAsync(store.Path, Snapshotting);
        await restarted.PostAsync(tail);
        var answers = await restarted.ReadAllAsync();
        await using var reference = await StartAsync(null, NoSnapshots);
        await reference.PostAsync([.. history, .. tail]);

        Assert.True(damaged > 0);
        Assert.Equal(await reference.ReadAllAsync(), answers);
    }

    /// <summary>30 users in three countries and departments; four ideas over 60 days, each created first.</summary>
    private static Interaction[] History()
    {
        var random = new Random(7);
        var events = new List<Interaction>();
        for (var idea = 0; idea < 4; idea++)
        {
            events.Add(Make.Event(Create, $"u{idea * 7}", $"idea-{idea}", Now.AddDays(-60 + idea), title: $"Idea {idea}"));
        }
        InteractionType[] types = [View, View, View, Like, Comment, Edit, Share, Follow];
        for (var i = 0; i < 300; i++)
        {
            var idea = random.Next(4);
            var type = types[random.Next(types.Length)];
            var thread = type == Comment && random.Next(3) == 0 ? $"thread-{idea}" : null;
            events.Add(Make.Event(type, $"u{random.Next(30)}", $"idea-{idea}", Now.AddMinutes(-random.Next(58 * 24 * 60)), threadId: thread));
        }
        return [.. events];
    }

    /// <summary>New users who contribute to the old ideas (ties to their owners) and create one idea of their own.</summary>
    private static Interaction[] Tail() =>
    [
        Make.Event(Create, "t1", "idea-new", Now.AddDays(-2), title: "New"),
        Make.Event(Comment, "t2", "idea-0", Now.AddDays(-1)),
        Make.Event(Like, "t3", "idea-1", Now.AddHours(-30)),
        Make.Event(Edit, "t2", "idea-new", Now.AddHours(-3)),
        Make.Event(View, "t4", "idea-2", Now.AddHours(-2)),
        Make.Event(Create, "t3", "idea-3", Now.AddHours(-1), threadId: "thread-t3"),
    ];

    private static async Task<Service> StartAsync(string? dataDirectory, Dictionary<string, string> settings)
    {
        var service = new Service(dataDirectory, settings);
        var rows = new StringBuilder("userId,country,department\n");
        string[] countries = ["FI", "IN", "SE"];
        string[] departments = ["R&D", "Sales", "Ops"];
        for (var i = 0; i < 30; i++)
        {
            rows.Append($"u{i},{countries[i % 3]},{departments[i / 10]}\n");
        }
        rows.Append("t1,IN,Sales\nt2,SE,R&D\nt3,FI,Ops\nt4,IN,R&D\n");
        using var response = await service.Client.PostAsync("/v1/users/import", new StringContent(rows.ToString(), Encoding.UTF8, "text/csv"));
        Assert.True(response.IsSuccessStatusCode);
        return service;
    }

    private static List<long> SnapshotPositions(string dataDirectory)
    {
        using var connection = Open(dataDirectory);
        using var command = new SqliteCommand("SELECT position FROM read_model_snapshots WHERE part = 0 ORDER BY position DESC", connection);
        using var reader = command.ExecuteReader();
        var positions = new List<long>();
        while (reader.Read())
        {
            positions.Add(reader.GetInt64(0));
        }
        return positions;
    }

    private static void DeleteUserRowsBelow(string dataDirectory, long position)
    {
        using var connection = Open(dataDirectory);
        using var command = new SqliteCommand("DELETE FROM events WHERE position < $position", connection);
        command.Parameters.AddWithValue("$position", position);
        Assert.True(command.ExecuteNonQuery() > 0);
    }

    /// <summary>Flips a byte in the middle of every snapshot's first body part; returns how many were damaged.</summary>
    private static int DamageEverySnapshot(string dataDirectory)
    {
        using var connection = Open(dataDirectory);
        using var command = new SqliteCommand("""
            UPDATE read_model_snapshots
            SET data = CAST(substr(data, 1, length(data) / 2) || x'5A' || substr(data, length(data) / 2 + 2) AS BLOB)
            WHERE part = 1
            """, connection);
        return command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string dataDirectory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "collaboration.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private sealed class Service(string? dataDirectory, Dictionary<string, string> settings) : IAsyncDisposable
    {
        private readonly ApiFactory factory = dataDirectory is null ? ApiFactory.With(settings) : ApiFactory.On(dataDirectory, settings);
        private HttpClient? client;

        public HttpClient Client => client ??= factory.CreateClient();

        public async Task PostAsync(Interaction[] events)
        {
            var batch = new JsonObject { ["events"] = new JsonArray([.. events.Select(e => JsonNode.Parse(Make.Json(e).ToJson()))]) };
            using var response = await Client.PostRawAsync("/v1/events/batch", batch.ToJsonString());
            var body = await response.ReadNodeAsync();
            Assert.True(response.IsSuccessStatusCode && body["rejected"]!.AsArray().Count == 0, body.ToJsonString());
        }

        /// <summary>Every dashboard at a fixed asOf, as JSON text.</summary>
        public async Task<string[]> ReadAllAsync()
        {
            var asOf = Uri.EscapeDataString(Now.ToString("O"));
            var answers = new List<string>();
            foreach (var path in Dashboards)
            {
                answers.Add((await Client.GetNodeAsync($"{path}&asOf={asOf}")).ToJsonString());
            }
            return [.. answers];
        }

        public async ValueTask DisposeAsync()
        {
            client?.Dispose();
            await factory.DisposeAsync();
        }
    }
}

using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.EventSourcing;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Collaboration.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// The background snapshot writer never reads the live model: it builds each snapshot from the newest stored one and
/// the journal. What it stores must be byte for byte the body of a model that folded the whole feed to the same cursor.
/// </summary>
public sealed class ReadModelSnapshotWriterTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly SqliteDatabase database;
    private readonly SqliteEventStore journal;
    private readonly SqliteReadModelSnapshotStore store;
    private readonly ReadModelSnapshots snapshots;

    public ReadModelSnapshotWriterTests()
    {
        database = new SqliteDatabase(Path.Combine(directory.Path, "journal.db"), TimeSpan.FromSeconds(10));
        journal = new SqliteEventStore(database, TimeProvider.System);
        store = new SqliteReadModelSnapshotStore(database);
        snapshots = new ReadModelSnapshots(journal, store, NullLogger.Instance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_snapshot_built_from_the_previous_one_and_the_journal_equals_a_whole_fold(int seed)
    {
        var history = AnalyticsModelTests.RandomHistory(new Random(seed), events: 600);
        await AppendAsync(history[..300]);
        var first = await snapshots.WriteFromJournalAsync(await journal.FeedHeadAsync());
        var nothingNew = await snapshots.WriteFromJournalAsync(first!.Position);
        await AppendAsync(history[300..]);
        // The second must start from the first: the user rows the first covers are gone from the journal.
        DeleteUserRowsBelow(first.Position);
        var second = await snapshots.WriteFromJournalAsync(await journal.FeedHeadAsync());

        Assert.Null(nothingNew);
        Assert.True(second!.Position > first.Position);
        Assert.Equal([second.Position, first.Position], await store.ListAsync(ReadModelSnapshots.Name));
        var loaded = await snapshots.LoadNewestAsync();
        Assert.Equal(second.Position, loaded!.Cursor.Position);
        Assert.Equal(Body(WholeFold(history)), Body(loaded.Model));
        Assert.Equal(history.Count, loaded.Model.EventsApplied);
    }

    [Fact]
    public async Task Storing_a_third_snapshot_keeps_only_the_one_before_it()
    {
        var history = AnalyticsModelTests.RandomHistory(new Random(7), events: 90);
        var written = new List<long>();
        foreach (var chunk in history.Chunk(30))
        {
            await AppendAsync(chunk);
            written.Add((await snapshots.WriteFromJournalAsync(await journal.FeedHeadAsync()))!.Position);
        }

        Assert.Equal([written[2], written[1]], await store.ListAsync(ReadModelSnapshots.Name));
    }

    /// <summary>Every event of the history folded in one model, in the history's order (the model is order independent).</summary>
    private static AnalyticsModel WholeFold(List<(string UserId, IStreamEvent Event)> history)
    {
        var model = new AnalyticsModel();
        foreach (var (userId, streamEvent) in history)
        {
            model.Apply(userId, streamEvent);
        }
        return model;
    }

    private async Task AppendAsync(IEnumerable<(string UserId, IStreamEvent Event)> events)
    {
        foreach (var (userId, streamEvent) in events)
        {
            var interaction = streamEvent as Interaction;
            var stored = await journal.StoreAsync([new EventToStore(StoredEventFormat.Encode(streamEvent),
                interaction is null ? [] : ContentHash.Of(interaction), userId, interaction?.IdeaId, interaction?.ThreadId)]);
            Assert.Equal(StoreOutcome.Stored, stored[0].Outcome);
        }
    }

    private void DeleteUserRowsBelow(long position)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "journal.db")};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("DELETE FROM events WHERE position < $position", connection);
        command.Parameters.AddWithValue("$position", position);
        Assert.True(command.ExecuteNonQuery() > 0);
    }

    private static byte[] Body(AnalyticsModel model)
    {
        var stream = new MemoryStream();
        model.WriteTo(stream);
        return stream.ToArray();
    }

    public void Dispose()
    {
        database.Dispose();
        directory.Dispose();
    }
}

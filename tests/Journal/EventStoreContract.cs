using System.Security.Cryptography;
using System.Text;
using Collaboration.Journal;

namespace Collaboration.Tests.Journal;

/// <summary>
/// What every <see cref="IEventStore"/> must do, whatever the database. Each store signs up with a subclass that opens
/// instances over one shared backing store; ids are unique per test, so a shared database is fine.
/// </summary>
public abstract partial class EventStoreContract : IAsyncLifetime
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A store over the backing store; a second call opens another instance over the same data.</summary>
    protected abstract Task<IEventStore> OpenAsync();

    /// <summary>The grain snapshots of the store <see cref="OpenAsync"/> opened last.</summary>
    protected abstract IGrainSnapshotStore Snapshots();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public abstract Task DisposeAsync();

    private string Id(string name) => $"{name}-{run}";

    /// <summary>Whether an event id was made by <see cref="Id"/> in this test (the feed holds every test's events).</summary>
    private bool IsOurs(RecordedEvent e) => e.Event.EventId.EndsWith("-" + run, StringComparison.Ordinal);

    private EventToStore Event(string id, string user, string? idea = null, string? thread = null, string content = "") =>
        new(new JournalEvent(Id(id), "test", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"c\":\"{content}\"}}")),
            SHA256.HashData(Encoding.UTF8.GetBytes(id + content)), Id(user), idea is null ? null : Id(idea), thread is null ? null : Id(thread));

    private async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(IEventStore store, EventKey key) =>
        (await store.ReadAsync(key, FeedCursor.Start)).Events;

    [Fact]
    public async Task Stored_events_are_found_by_user_idea_and_thread_in_position_order()
    {
        var store = await OpenAsync();

        var results = await store.StoreAsync([
            Event("e1", "u1", "i1"), Event("e2", "u2", "i1", "t1"), Event("e3", "u1", "i2", "t2"), Event("e4", "u1")]);

        Assert.All(results, result => Assert.Equal(StoreOutcome.Stored, result.Outcome));
        Assert.Equal(results.Select(r => r.Position).Order(), results.Select(r => r.Position));
        Assert.Equal(4, results.Select(r => r.Position).Distinct().Count());
        Assert.Equal([Id("e1"), Id("e3"), Id("e4")], (await ReadAllAsync(store, EventKey.User(Id("u1")))).Select(e => e.Event.EventId));
        Assert.Equal([Id("e1"), Id("e2")], (await ReadAllAsync(store, EventKey.Idea(Id("i1")))).Select(e => e.Event.EventId));
        Assert.Equal([Id("e2")], (await ReadAllAsync(store, EventKey.Thread(Id("t1")))).Select(e => e.Event.EventId));
        var read = (await ReadAllAsync(store, EventKey.User(Id("u1"))))[1];
        Assert.Equal(results[2].Position, read.Position);
        Assert.Equal("{\"id\":\"e3\",\"c\":\"\"}", Encoding.UTF8.GetString(read.Event.Data));
        Assert.Equal("test", read.Event.Type);
    }

    [Fact]
    public async Task An_id_sent_again_is_a_duplicate_with_the_first_position_or_a_reused_id_and_nothing_is_written()
    {
        var store = await OpenAsync();
        var first = await store.StoreAsync([Event("e1", "u1", "i1")]);

        var again = await store.StoreAsync([Event("e1", "u1", "i1"), Event("e1", "u2", "i2", content: "other")]);
        var inOneCall = await store.StoreAsync([Event("e2", "u3", "i3"), Event("e2", "u3", "i3"), Event("e2", "u3", "i3", content: "other")]);

        Assert.Equal(first[0] with { Outcome = StoreOutcome.Duplicate }, again[0]);
        Assert.Equal(StoreOutcome.ReusedId, again[1].Outcome);
        Assert.Equal([StoreOutcome.Stored, StoreOutcome.Duplicate, StoreOutcome.ReusedId], inOneCall.Select(r => r.Outcome));
        Assert.Equal(inOneCall[0].Position, inOneCall[1].Position);
        Assert.Single(await ReadAllAsync(store, EventKey.User(Id("u1"))));
        Assert.Empty(await ReadAllAsync(store, EventKey.User(Id("u2"))));
        Assert.Empty(await ReadAllAsync(store, EventKey.Idea(Id("i2"))));
        Assert.Single(await ReadAllAsync(store, EventKey.User(Id("u3"))));
    }

    [Fact]
    public async Task A_thread_belongs_to_the_idea_of_its_first_stored_event_and_other_ideas_are_refused()
    {
        var store = await OpenAsync();

        var sameCall = await store.StoreAsync([Event("e1", "u1", "i1", "t1"), Event("e2", "u1", "i2", "t1"), Event("e3", "u2", "i1", "t1")]);
        var laterCall = await store.StoreAsync([Event("e4", "u1", "i2", "t1"), Event("e5", "u1", "i2", "t2")]);

        Assert.Equal([StoreOutcome.Stored, StoreOutcome.ThreadOfOtherIdea, StoreOutcome.Stored], sameCall.Select(r => r.Outcome));
        Assert.Equal(Id("i1"), sameCall[1].BoundIdea);
        Assert.Equal(new StoreResult(StoreOutcome.ThreadOfOtherIdea, BoundIdea: Id("i1")), laterCall[0]);
        Assert.Equal(StoreOutcome.Stored, laterCall[1].Outcome);
        Assert.Equal([Id("e1"), Id("e3")], (await ReadAllAsync(store, EventKey.Thread(Id("t1")))).Select(e => e.Event.EventId));
        Assert.Equal([Id("e5")], (await ReadAllAsync(store, EventKey.Idea(Id("i2")))).Select(e => e.Event.EventId));
        // A refused event's id stays free: sent again for the right idea, it is stored.
        Assert.Equal(StoreOutcome.Stored, (await store.StoreAsync([Event("e2", "u1", "i1", "t1")]))[0].Outcome);
    }

    [Fact]
    public async Task An_event_naming_a_thread_but_no_idea_is_refused_before_anything_of_the_call_is_stored()
    {
        var store = await OpenAsync();
        var noIdea = Event("e2", "u1", thread: "t1") with { IdeaId = null };

        await Assert.ThrowsAsync<ArgumentException>(() => store.StoreAsync([Event("e1", "u1", "i1"), noIdea]));

        Assert.Empty(await ReadAllAsync(store, EventKey.User(Id("u1"))));
    }

    [Fact]
    public async Task Reading_on_from_the_cursor_returns_only_later_events_of_the_key()
    {
        var store = await OpenAsync();
        await store.StoreAsync([Event("e1", "u1", "i1"), Event("e2", "u2", "i1")]);
        var first = await store.ReadAsync(EventKey.Idea(Id("i1")), FeedCursor.Start);

        var nothingNew = await store.ReadAsync(EventKey.Idea(Id("i1")), first.Next);
        await store.StoreAsync([Event("e3", "u3", "i2"), Event("e4", "u1", "i1")]);
        var later = await store.ReadAsync(EventKey.Idea(Id("i1")), nothingNew.Next);

        Assert.Equal([Id("e1"), Id("e2")], first.Events.Select(e => e.Event.EventId));
        Assert.Empty(nothingNew.Events);
        Assert.Equal([Id("e4")], later.Events.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Concurrent_calls_store_each_id_once_and_every_event_is_read_exactly_once()
    {
        var store = await OpenAsync();
        var other = await OpenAsync();
        // Eight writers over two instances, each sending every id of its round: one of them stores it.
        var rounds = Enumerable.Range(0, 20).Select(round => Enumerable.Range(0, 10).Select(i => Event($"r{round}-{i}", $"u{i % 3}", $"i{i % 4}")).ToArray()).ToArray();
        var cursor = FeedCursor.Start;
        var read = new List<string>();
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            (await Task.WhenAll(rounds.Select(round => (writer % 2 == 0 ? store : other).StoreAsync(round)))).SelectMany(r => r).ToArray())).ToArray();
        while (!writers.All(w => w.IsCompleted))
        {
            var page = await store.ReadAsync(EventKey.Idea(Id("i1")), cursor);
            read.AddRange(page.Events.Select(e => e.Event.EventId));
            cursor = page.Next;
        }
        var results = (await Task.WhenAll(writers)).SelectMany(r => r).ToArray();
        read.AddRange((await store.ReadAsync(EventKey.Idea(Id("i1")), cursor)).Events.Select(e => e.Event.EventId));

        Assert.Equal(200, results.Count(r => r.Outcome == StoreOutcome.Stored));
        Assert.Equal(7 * 200, results.Count(r => r.Outcome == StoreOutcome.Duplicate));
        var expected = rounds.SelectMany(round => round).Where(e => e.IdeaId == Id("i1")).Select(e => e.Event.EventId).Order().ToArray();
        Assert.Equal(expected, read.Order().ToArray());
    }
}

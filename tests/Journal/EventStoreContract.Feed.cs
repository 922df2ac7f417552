using Collaboration.Journal;

namespace Collaboration.Tests.Journal;

/// <summary>The feed (every stored event, in commit order, exactly once) and the commit marks grains rely on.</summary>
public abstract partial class EventStoreContract
{
    /// <summary>
    /// Reads pages from <paramref name="from"/> as a read model would after taking <paramref name="head"/>: until Position
    /// reaches it, and at least one page if the cursor has pending transactions, since they may have committed since.
    /// Returns this test's events only.
    /// </summary>
    private async Task<(List<RecordedEvent> Events, FeedCursor Next)> ReadFeedToAsync(IEventStore store, FeedCursor from, long head, int pageSize = 3)
    {
        var events = new List<RecordedEvent>();
        var next = from;
        var recheck = from.Pending.Length > 0;
        while (next.Position < head || recheck)
        {
            recheck = false;
            var page = await store.ReadFeedAsync(next, pageSize);
            Assert.True(page.Next.Position >= next.Position, $"The feed went back from {next.Position} to {page.Next.Position}.");
            // Below the head, a page must move on: a transaction still running is left pending.
            Assert.True(page.Events.Count > 0 || page.Next.Position > next.Position || next.Position >= head,
                $"The feed is held back at {next.Position}, below the head {head}.");
            events.AddRange(page.Events.Where(IsOurs));
            next = page.Next;
        }
        return (events, next);
    }

    [Fact]
    public async Task Feed_returns_every_stored_event_once_in_commit_order_across_small_pages_with_its_user()
    {
        var store = await OpenAsync();
        var before = DateTimeOffset.UtcNow;
        await store.StoreAsync([Event("a1", "u1", "i1"), Event("a2", "u2", "i1", "t1")]);
        await store.StoreAsync([Event("b1", "u1")]);
        await store.StoreAsync([Event("c1", "u3", "i2"), Event("c2", "u1", "i2"), Event("c3", "u3", "i2"), Event("c4", "u3")]);
        var after = DateTimeOffset.UtcNow;

        var (events, _) = await ReadFeedToAsync(store, FeedCursor.Start, await store.FeedHeadAsync());

        Assert.Equal(["a1", "a2", "b1", "c1", "c2", "c3", "c4"], events.Select(e => e.Event.EventId[..2]));
        Assert.Equal([Id("u1"), Id("u2"), Id("u1"), Id("u3"), Id("u1"), Id("u3"), Id("u3")], events.Select(e => e.UserId));
        Assert.Equal("{\"id\":\"c2\",\"c\":\"\"}", System.Text.Encoding.UTF8.GetString(events[4].Event.Data));
        // The store's clock is this machine's; a second either side covers its resolution (milliseconds on SQLite).
        Assert.All(events, e => Assert.InRange(e.StoredAt, before.AddSeconds(-1), after.AddSeconds(1)));
    }

    [Fact]
    public async Task Feed_read_to_the_head_holds_everything_stored_before_and_later_events_follow_and_a_duplicate_comes_once()
    {
        var store = await OpenAsync();
        await store.StoreAsync([Event("a1", "u1"), Event("b1", "u2"), Event("b2", "u2")]);

        var (before, next) = await ReadFeedToAsync(store, FeedCursor.Start, await store.FeedHeadAsync());
        await store.StoreAsync([Event("a1", "u1"), Event("a2", "u1")]);
        await store.StoreAsync([Event("c1", "u3")]);
        var (after, _) = await ReadFeedToAsync(store, next, await store.FeedHeadAsync());

        Assert.Equal([Id("a1"), Id("b1"), Id("b2")], before.Select(e => e.Event.EventId));
        Assert.Equal([Id("a2"), Id("c1")], after.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Feed_read_while_many_writers_store_yields_every_event_exactly_once_and_each_writer_in_order()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenAsync()));
        var reader = await OpenAsync();

        var writers = Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < 20; n++)
            {
                var results = await stores[w % stores.Length].StoreAsync([Event($"{w}.{n}a", $"w{w}"), Event($"{w}.{n}b", $"w{w}", "shared")]);
                Assert.All(results, r => Assert.Equal(StoreOutcome.Stored, r.Outcome));
            }
        })));
        var seen = new List<RecordedEvent>();
        var next = FeedCursor.Start;
        while (!writers.IsCompleted)
        {
            var page = await reader.ReadFeedAsync(next, 7);
            Assert.True(page.Next.Position >= next.Position);
            seen.AddRange(page.Events.Where(IsOurs));
            next = page.Next;
        }
        await writers;
        seen.AddRange((await ReadFeedToAsync(reader, next, await reader.FeedHeadAsync(), 7)).Events);

        var byWriter = seen.GroupBy(e => e.UserId).ToList();
        Assert.Equal(32, byWriter.Count);
        Assert.All(byWriter, events =>
        {
            var w = events.Key[1..events.Key.IndexOf('-')];
            // One writer's calls follow each other, so each commits after the one before: the feed keeps their order.
            Assert.Equal(Enumerable.Range(0, 20).SelectMany(n => new[] { Id($"{w}.{n}a"), Id($"{w}.{n}b") }), events.Select(e => e.Event.EventId));
        });
    }

    [Fact]
    public async Task A_cursor_covers_the_commit_of_exactly_the_events_its_reads_returned()
    {
        var store = await OpenAsync();
        var first = await store.StoreAsync([Event("e1", "u1", "i1")]);
        var read = await store.ReadAsync(EventKey.Idea(Id("i1")), FeedCursor.Start);
        var second = await store.StoreAsync([Event("e2", "u2", "i1"), Event("e1", "u1", "i1")]);

        Assert.True(read.Next.Covers(first[0].Commit));
        Assert.False(read.Next.Covers(second[0].Commit));
        // A duplicate carries its first record's commit, which the cursor already covers.
        Assert.True(read.Next.Covers(second[1].Commit));
        var readOn = await store.ReadAsync(EventKey.Idea(Id("i1")), read.Next);
        Assert.Equal([Id("e2")], readOn.Events.Select(e => e.Event.EventId));
        Assert.True(readOn.Next.Covers(second[0].Commit));
    }

    [Fact]
    public async Task Next_commit_completes_when_this_store_commits()
    {
        var store = await OpenAsync();
        // The first signal may come when a listener starts: take the next one after it.
        var first = store.NextCommit();
        await store.StoreAsync([Event("warm", "u1")]);
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var next = store.NextCommit();

        await store.StoreAsync([Event("e1", "u1")]);

        // Without a pulse at the commit this never completes (the timeout only keeps a failing run from hanging).
        await next.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

using Collaboration.Journal;

namespace Collaboration.Tests.Journal;

/// <summary>The feed: every event of the streams under a prefix, in commit order, exactly once.</summary>
public abstract partial class EventJournalContract
{
    /// <summary>A prefix no other test uses; streams "other" + prefix + ... sort next to it but lie outside.</summary>
    protected static string NewPrefix() => "feed" + Guid.NewGuid().ToString("N") + "/";

    /// <summary>
    /// Reads pages from <paramref name="from"/> as a projector would after taking <paramref name="head"/>: until Position
    /// reaches it, and at least one page if the cursor has pending transactions, since they may have committed since.
    /// </summary>
    protected static async Task<(List<FeedEvent> Events, FeedCursor Next)> ReadFeedToAsync(
        IEventJournal journal, string prefix, FeedCursor from, long head, int pageSize = 3)
    {
        var events = new List<FeedEvent>();
        var next = from;
        var recheck = from.Pending.Length > 0;
        while (next.Position < head || recheck)
        {
            recheck = false;
            var page = await journal.ReadFeedAsync(prefix, next, pageSize);
            Assert.True(page.Next.Position >= next.Position, $"The feed went back from {next.Position} to {page.Next.Position}.");
            // Below the head, a page read after it must move on: a transaction still running is left pending.
            Assert.True(page.Events.Count > 0 || page.Next.Position > next.Position || next.Position >= head,
                $"The feed is held back at {next.Position}, below the head {head}.");
            events.AddRange(page.Events);
            next = page.Next;
        }
        return (events, next);
    }

    [Fact]
    public async Task Feed_returns_the_prefix_streams_each_event_once_in_commit_order_across_small_pages()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await journal.TryAppendAsync(prefix + "a", 0, [Event("a1"), Event("a2")]);
        await journal.TryAppendAsync("other" + prefix, 0, [Event("o1")]);
        // The prefix is compared exactly, not case-insensitively.
        await journal.TryAppendAsync(prefix.ToUpperInvariant() + "a", 0, [Event("u1")]);
        await journal.TryAppendAsync(prefix + "b", 0, [Event("b1")]);
        await journal.TryAppendAsync(prefix + "a", 2, [Event("a3")]);
        await journal.TryAppendAsync(prefix + "b", 1, [Event("b2"), Event("b3"), Event("b4"), Event("b5")]);

        var (events, _) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());

        Assert.Equal(["a1", "a2", "b1", "a3", "b2", "b3", "b4", "b5"], events.Select(e => e.Event.EventId));
        Assert.Equal([1L, 2, 1, 3, 2, 3, 4, 5], events.Select(e => e.Version));
        Assert.Equal(prefix + "b", events[2].StreamId);
        Assert.Equal("{\"id\":\"a3\"}", System.Text.Encoding.UTF8.GetString(events[3].Event.Data));
    }

    [Fact]
    public async Task Feed_events_carry_when_the_journal_stored_them()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        var before = DateTimeOffset.UtcNow;
        await journal.TryAppendAsync(prefix + "a", 0, [Event("a1"), Event("a2")]);
        var after = DateTimeOffset.UtcNow;

        var (events, _) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());

        // The store's clock is this machine's; a second either side covers its resolution (milliseconds on SQLite).
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.InRange(e.StoredAt, before.AddSeconds(-1), after.AddSeconds(1)));
    }

    [Fact]
    public async Task Feed_read_to_the_head_holds_everything_appended_before_and_later_appends_follow()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await journal.TryAppendAsync(prefix + "a", 0, [Event("a1")]);
        await journal.TryAppendAsync(prefix + "b", 0, [Event("b1"), Event("b2")]);

        var (before, next) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());
        await journal.TryAppendAsync(prefix + "a", 1, [Event("a2")]);
        await journal.TryAppendAsync(prefix + "c", 0, [Event("c1")]);
        var (after, _) = await ReadFeedToAsync(journal, prefix, next, await journal.FeedHeadAsync());

        Assert.Equal(["a1", "b1", "b2"], before.Select(e => e.Event.EventId));
        Assert.Equal(["a2", "c1"], after.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task A_skipped_duplicate_appears_in_the_feed_once()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        await journal.TryAppendAsync(prefix + "a", 0, [Event("a")]);
        await journal.TryAppendAsync(prefix + "a", 1, [Event("a"), Event("b")]);

        var (events, _) = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());

        Assert.Equal(["a", "b"], events.Select(e => e.Event.EventId));
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
    }

    [Fact]
    public async Task Feed_read_while_many_writers_append_yields_every_event_exactly_once()
    {
        var prefix = NewPrefix();
        var journals = Enumerable.Range(0, 4).Select(_ => Open().Journal).ToArray();
        var reader = Open().Journal;

        var writers = Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            // Every fourth writer appends outside the prefix, so the feed has rows to step over.
            var stream = (w % 4 == 3 ? "other" : "") + prefix + w;
            for (var n = 0; n < 20; n++)
            {
                var result = await journals[w % journals.Length].TryAppendAsync(stream, 2 * n, [Event($"{w}-{n}a"), Event($"{w}-{n}b")]);
                Assert.False(result.VersionConflict);
            }
        })));
        var seen = new List<FeedEvent>();
        var next = FeedCursor.Start;
        while (!writers.IsCompleted)
        {
            var page = await reader.ReadFeedAsync(prefix, next, 7);
            Assert.True(page.Next.Position >= next.Position);
            seen.AddRange(page.Events);
            next = page.Next;
        }
        await writers;
        seen.AddRange((await ReadFeedToAsync(reader, prefix, next, await reader.FeedHeadAsync(), 7)).Events);

        var streams = seen.GroupBy(e => e.StreamId).ToList();
        Assert.Equal(24, streams.Count);
        Assert.All(streams, stream =>
        {
            var w = stream.Key[prefix.Length..];
            Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), stream.Select(e => e.Version));
            Assert.Equal(Enumerable.Range(0, 20).SelectMany(n => new[] { $"{w}-{n}a", $"{w}-{n}b" }), stream.Select(e => e.Event.EventId));
        });
    }
}

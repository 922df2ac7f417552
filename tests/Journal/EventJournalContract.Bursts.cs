using Collaboration.Journal;

namespace Collaboration.Tests.Journal;

/// <summary>Many appends in flight at once, as the grains of a busy silo issue them (PostgreSQL writes them in batches).</summary>
public abstract partial class EventJournalContract
{
    /// <summary>Each stream appends like its grain would: one append after another, 1 to 3 events each; all streams at once.</summary>
    private static async Task<List<AppendResult>[]> AppendChainsAsync(IEventJournal journal, string[] streams, int appendsPerStream) =>
        await Task.WhenAll(streams.Select((stream, s) => Task.Run(async () =>
        {
            var results = new List<AppendResult>();
            var version = 0L;
            for (var n = 0; n < appendsPerStream; n++)
            {
                var events = Enumerable.Range(0, 1 + (s + n) % 3).Select(e => Event($"{n}-{e}")).ToArray();
                var result = await journal.TryAppendAsync(stream, version, events);
                results.Add(result);
                version = result.Version;
            }
            return results;
        })));

    private static int EventsOfChain(int s, int appendsPerStream) => Enumerable.Range(0, appendsPerStream).Sum(n => 1 + (s + n) % 3);

    [Fact]
    public async Task Concurrent_appends_to_many_streams_all_land_with_consecutive_versions()
    {
        var (journal, _) = Open();
        var streams = Enumerable.Range(0, 100).Select(_ => NewStream()).ToArray();

        var results = await AppendChainsAsync(journal, streams, 5);

        for (var s = 0; s < streams.Length; s++)
        {
            var expected = EventsOfChain(s, 5);
            Assert.All(results[s], r => Assert.False(r.VersionConflict));
            Assert.All(results[s], r => Assert.All(r.Stored, Assert.True));
            Assert.Equal(expected, results[s][^1].Version);
            var read = await journal.ReadStreamAsync(streams[s], 0);
            Assert.Equal(Enumerable.Range(1, expected).Select(v => (long)v), read.Select(e => e.Version));
            Assert.Equal(Enumerable.Range(0, 5).SelectMany(n => Enumerable.Range(0, 1 + (s + n) % 3).Select(e => $"{n}-{e}")),
                read.Select(e => e.Event.EventId));
        }
    }

    [Fact]
    public async Task A_stale_version_in_a_concurrent_burst_fails_only_its_own_stream()
    {
        var (journal, _) = Open();
        var streams = Enumerable.Range(0, 60).Select(_ => NewStream()).ToArray();
        await Task.WhenAll(streams.Select(s => journal.TryAppendAsync(s, 0, [Event("a")])));
        var staleOnes = new HashSet<int> { 7, 31, 59 };

        var results = await Task.WhenAll(streams.Select((s, i) =>
            Task.Run(() => journal.TryAppendAsync(s, staleOnes.Contains(i) ? 0 : 1, [Event("b"), Event("c")]))));

        for (var i = 0; i < streams.Length; i++)
        {
            var read = (await journal.ReadStreamAsync(streams[i], 0)).Select(e => e.Event.EventId);
            if (staleOnes.Contains(i))
            {
                Assert.True(results[i].VersionConflict);
                Assert.Equal(1, results[i].Version);
                Assert.Equal(["a"], read);
            }
            else
            {
                Assert.False(results[i].VersionConflict);
                Assert.Equal(3, results[i].Version);
                Assert.Equal([true, true], results[i].Stored);
                Assert.Equal(["a", "b", "c"], read);
            }
        }
    }

    [Fact]
    public async Task Ids_repeated_within_and_across_concurrent_appends_are_stored_once_per_stream()
    {
        var (journal, _) = Open();
        var streams = Enumerable.Range(0, 60).Select(_ => NewStream()).ToArray();
        await Task.WhenAll(streams.Select(s => journal.TryAppendAsync(s, 0, [Event("a")])));

        // Every stream gets the same ids at once: one it holds, one repeated within the append, one new.
        var results = await Task.WhenAll(streams.Select(s =>
            Task.Run(() => journal.TryAppendAsync(s, 1, [Event("a"), Event("b"), Event("b"), Event("c")]))));

        Assert.All(results, r => Assert.Equal([false, true, false, true], r.Stored));
        Assert.All(results, r => Assert.Equal(3, r.Version));
        foreach (var stream in streams)
        {
            Assert.Equal(["a", "b", "c"], (await journal.ReadStreamAsync(stream, 0)).Select(e => e.Event.EventId));
        }
    }

    [Fact]
    public async Task Feed_returns_every_event_of_a_concurrent_burst_once_and_each_stream_in_version_order()
    {
        var (journal, _) = Open();
        var prefix = NewPrefix();
        var streams = Enumerable.Range(0, 80).Select(i => prefix + i).ToArray();
        var from = await ReadFeedToAsync(journal, prefix, FeedCursor.Start, await journal.FeedHeadAsync());

        await AppendChainsAsync(journal, streams, 4);
        // Small pages: a batch holding more events than a page still comes whole, once.
        var (events, _) = await ReadFeedToAsync(journal, prefix, from.Next, await journal.FeedHeadAsync(), pageSize: 5);

        Assert.Equal(Enumerable.Range(0, streams.Length).Sum(s => EventsOfChain(s, 4)), events.Count);
        Assert.Equal(events.Count, events.Select(e => (e.StreamId, e.Event.EventId)).Distinct().Count());
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
        }
        Assert.Equal(streams.Order(StringComparer.Ordinal), events.Select(e => e.StreamId).Distinct().Order(StringComparer.Ordinal));
    }
}

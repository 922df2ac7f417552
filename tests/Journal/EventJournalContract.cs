using System.Text;
using Collaboration.Journal;

namespace Collaboration.Tests.Journal;

/// <summary>
/// What every journal and ledger must do, whatever the database. Each store signs up with a subclass that opens
/// instances over one shared backing store; streams and ids are unique per test, so a shared database is fine.
/// </summary>
public abstract partial class EventJournalContract : IDisposable
{
    /// <summary>A journal and ledger over the backing store; a second call opens another instance over the same data.</summary>
    protected abstract (IEventJournal Journal, IEventLedger Ledger) Open();

    public abstract void Dispose();

    /// <summary>The posted_by column of the ledger row of <paramref name="eventId"/>, read straight from the database.</summary>
    protected abstract Task<string?> PostedByAsync(string eventId);

    private static JournalEvent Event(string id) => new(id, "test", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"));

    private static string NewStream() => "test/" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Appended_events_read_back_in_order_with_growing_versions()
    {
        var (journal, _) = Open();
        var stream = NewStream();

        var first = await journal.TryAppendAsync(stream, 0, [Event("a"), Event("b")]);
        var second = await journal.TryAppendAsync(stream, 2, [Event("c")]);
        var read = await journal.ReadStreamAsync(stream, 0);

        Assert.False(first.VersionConflict);
        Assert.Equal([true, true], first.Stored);
        Assert.Equal(3, second.Version);
        Assert.Equal(["a", "b", "c"], read.Select(e => e.Event.EventId));
        Assert.Equal([1L, 2L, 3L], read.Select(e => e.Version));
        Assert.Equal("{\"id\":\"b\"}", Encoding.UTF8.GetString(read[1].Event.Data));
        Assert.Equal(["c"], (await journal.ReadStreamAsync(stream, 2)).Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Append_with_stale_version_is_rejected_and_writes_nothing()
    {
        var (journal, _) = Open();
        var stream = NewStream();
        await journal.TryAppendAsync(stream, 0, [Event("a")]);

        var stale = await journal.TryAppendAsync(stream, 0, [Event("b")]);

        Assert.True(stale.VersionConflict);
        Assert.Equal(1, stale.Version);
        Assert.Equal(["a"], (await journal.ReadStreamAsync(stream, 0)).Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Event_id_already_in_the_stream_is_skipped_but_other_streams_may_hold_it()
    {
        var (journal, _) = Open();
        var stream = NewStream();
        var other = NewStream();
        await journal.TryAppendAsync(stream, 0, [Event("a")]);

        var retry = await journal.TryAppendAsync(stream, 1, [Event("a"), Event("b"), Event("b")]);
        var elsewhere = await journal.TryAppendAsync(other, 0, [Event("a")]);

        Assert.Equal([false, true, false], retry.Stored);
        Assert.Equal(2, retry.Version);
        Assert.Equal(["a", "b"], (await journal.ReadStreamAsync(stream, 0)).Select(e => e.Event.EventId));
        Assert.Equal([true], elsewhere.Stored);
    }

    [Fact]
    public async Task Snapshot_plus_tail_gives_the_whole_stream()
    {
        var (journal, _) = Open();
        var stream = NewStream();
        await journal.TryAppendAsync(stream, 0, [Event("a"), Event("b")]);
        await journal.SaveSnapshotAsync(stream, new StreamSnapshot(2, [1, 2]));
        await journal.TryAppendAsync(stream, 2, [Event("c")]);

        var (snapshot, tail) = await journal.LoadAsync(stream);
        var fresh = await journal.LoadAsync(NewStream());

        Assert.Equal(2, snapshot!.Version);
        Assert.Equal([1, 2], snapshot.Data);
        Assert.Equal(["c"], tail.Select(e => e.Event.EventId));
        Assert.Equal(3, tail[0].Version);
        Assert.Null(fresh.Snapshot);
        Assert.Empty(fresh.Tail);
    }

    [Fact]
    public async Task An_older_snapshot_never_replaces_a_newer_one()
    {
        var (journal, _) = Open();
        var stream = NewStream();
        await journal.SaveSnapshotAsync(stream, new StreamSnapshot(5, [5]));

        await journal.SaveSnapshotAsync(stream, new StreamSnapshot(3, [3]));

        Assert.Equal(5, (await journal.LoadAsync(stream)).Snapshot!.Version);
    }

    [Fact]
    public async Task A_snapshot_at_the_same_version_replaces_the_stored_one()
    {
        var (journal, _) = Open();
        var stream = NewStream();
        await journal.SaveSnapshotAsync(stream, new StreamSnapshot(5, [5]));

        await journal.SaveSnapshotAsync(stream, new StreamSnapshot(5, [6]));

        Assert.Equal([6], (await journal.LoadAsync(stream)).Snapshot!.Data);
    }

    [Fact]
    public async Task Concurrent_appenders_to_one_stream_never_interleave_or_lose_events()
    {
        var stream = NewStream();
        var writers = Enumerable.Range(0, 8).Select(_ => Open().Journal).ToArray();

        await Task.WhenAll(writers.Select((journal, w) => Task.Run(async () =>
        {
            for (var n = 0; n < 10; n++)
            {
                var id = $"w{w}-{n}";
                // Read the head, append at it, and retry on conflict: the optimistic loop of a contending writer.
                while (true)
                {
                    var head = (await journal.ReadStreamAsync(stream, 0)).LastOrDefault()?.Version ?? 0;
                    if (!(await journal.TryAppendAsync(stream, head, [Event(id)])).VersionConflict)
                    {
                        break;
                    }
                }
            }
        })));

        var events = await writers[0].ReadStreamAsync(stream, 0);
        Assert.Equal(80, events.Count);
        Assert.Equal(80, events.Select(e => e.Event.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 80).Select(v => (long)v), events.Select(e => e.Version));
    }

    [Fact]
    public async Task Appends_to_many_streams_at_once_all_land()
    {
        var (journal, _) = Open();
        var streams = Enumerable.Range(0, 200).Select(_ => NewStream()).ToArray();

        var results = await Task.WhenAll(streams.Select(s => journal.TryAppendAsync(s, 0, [Event("a"), Event("b")])));

        Assert.All(results, r => Assert.Equal(2, r.Version));
        Assert.Equal(2, (await journal.ReadStreamAsync(streams[199], 0)).Count);
    }

    [Fact]
    public async Task A_new_instance_over_the_same_store_sees_what_was_acknowledged()
    {
        var stream = NewStream();
        var (first, firstLedger) = Open();
        await first.TryAppendAsync(stream, 0, [Event("a")]);
        await firstLedger.ClaimAsync([new EventClaim(stream, [1])]);

        var (second, secondLedger) = Open();

        Assert.Equal(["a"], (await second.ReadStreamAsync(stream, 0)).Select(e => e.Event.EventId));
        Assert.Equal([ClaimOutcome.Duplicate], await secondLedger.ClaimAsync([new EventClaim(stream, [1])]));
    }

    [Fact]
    public async Task Ledger_tells_new_duplicate_and_conflicting_ids_apart()
    {
        var (_, ledger) = Open();
        var id = Guid.NewGuid().ToString("N");

        var first = await ledger.ClaimAsync([new EventClaim(id, [1, 2, 3])]);
        var again = await ledger.ClaimAsync([new EventClaim(id, [1, 2, 3]), new EventClaim(id + "x", [9])]);
        var reused = await ledger.ClaimAsync([new EventClaim(id, [1, 2, 4])]);

        Assert.Equal([ClaimOutcome.New], first);
        Assert.Equal([ClaimOutcome.Duplicate, ClaimOutcome.New], again);
        Assert.Equal([ClaimOutcome.Conflict], reused);
    }

    [Fact]
    public async Task A_released_claim_frees_the_id_but_only_for_its_own_content()
    {
        var (_, ledger) = Open();
        var (id, other) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await ledger.ClaimAsync([new EventClaim(id, [1]), new EventClaim(other, [1])]);

        await ledger.ReleaseAsync([new EventClaim(id, [1]), new EventClaim(other, [2])]);

        Assert.Equal([ClaimOutcome.New, ClaimOutcome.Conflict], await ledger.ClaimAsync([new EventClaim(id, [3]), new EventClaim(other, [2])]));
    }

    [Fact]
    public async Task Concurrent_claims_of_one_id_have_exactly_one_winner()
    {
        var id = Guid.NewGuid().ToString("N");
        var ledgers = Enumerable.Range(0, 8).Select(_ => Open().Ledger).ToArray();

        var outcomes = await Task.WhenAll(ledgers.Select((ledger, n) =>
            Task.Run(() => ledger.ClaimAsync([new EventClaim(id, [(byte)(n % 2)])]))));

        var all = outcomes.Select(o => o[0]).ToList();
        Assert.Equal(1, all.Count(o => o == ClaimOutcome.New));
        Assert.Equal(7, all.Count(o => o != ClaimOutcome.New));
    }

    [Fact]
    public async Task The_ledger_keeps_the_key_of_the_first_claim_and_a_duplicate_or_release_does_not_change_it()
    {
        var (_, ledger) = Open();
        var (id, keyless, released) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

        await ledger.ClaimAsync([new EventClaim(id, [1], "key-a"), new EventClaim(keyless, [1]), new EventClaim(released, [1], "key-a")]);
        var again = await ledger.ClaimAsync([new EventClaim(id, [1], "key-b")]);
        await ledger.ReleaseAsync([new EventClaim(released, [1])]);
        await ledger.ClaimAsync([new EventClaim(released, [2], "key-b")]);

        Assert.Equal([ClaimOutcome.Duplicate], again);
        Assert.Equal("key-a", await PostedByAsync(id));
        Assert.Null(await PostedByAsync(keyless));
        Assert.Equal("key-b", await PostedByAsync(released));
    }
}

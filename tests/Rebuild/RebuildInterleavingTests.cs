using Collaboration.Hosting;
using Collaboration.Ideas;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Collaboration.Rebuild;
using Collaboration.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Rebuild;

/// <summary>
/// An event committed while a rebuild reads: between its read of the whole key and its read of what the grain had not
/// folded yet, the one moment where the event could be counted twice, or reported as a change although the grain was
/// right. The real SQLite store is wrapped only to hold that moment open, so the order of the steps is fixed rather
/// than left to chance.
/// </summary>
public sealed class RebuildInterleavingTests : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["COLLAB_DATA_DIR"] = directory.Path,
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCollaborationGrains(configuration);
            silo.Services.AddSingleton<StoreHold>();
            silo.Services.AddSingleton<SqliteEventStore>();
            silo.Services.AddSingleton<IEventStore, HeldStore>();
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        directory.Dispose();
    }

    [Fact]
    public async Task An_event_committed_between_a_rebuilds_two_reads_counts_once_and_is_no_change()
    {
        var idea = Make.Id("i");
        var grain = cluster.Client.GetGrain<IIdeaGrain>(idea);
        var ingest = cluster.Client.GetGrain<IIngestGrain>(0);
        await ingest.IngestAsync([Make.Event(Like, Make.Id("u"), idea, Make.Noon)], null);
        Assert.Equal(1, (await grain.GetAsync())!.Counts.Like);
        var hold = cluster.Silos[0].ServiceProvider.GetRequiredService<StoreHold>();
        hold.Arm(EventKey.Idea(idea));

        var rebuild = grain.RebuildAsync();
        await hold.WholeKeyRead;
        var results = await ingest.IngestAsync([Make.Event(Like, Make.Id("u"), idea, Make.Noon)], null);
        hold.Release();
        var report = await rebuild;

        Assert.Equal(IngestStatus.Accepted, results[0].Status);
        Assert.Equal(1, report.EventsFolded);
        Assert.False(report.Changed, string.Join("; ", report.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        Assert.Equal(2, (await grain.GetAsync())!.Counts.Like);
        Assert.Equal(2, (await grain.RebuildAsync()).EventsFolded);
    }

    /// <summary>Holds the first read of one key's events from the start, after it has read, until released.</summary>
    private sealed class StoreHold
    {
        private readonly TaskCompletionSource read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private EventKey? key;

        public Task WholeKeyRead => read.Task;

        public void Arm(EventKey wholeKey) => key = wholeKey;

        public async Task AfterReadAsync(EventKey readKey, FeedCursor from)
        {
            if (readKey == key && from == FeedCursor.Start && read.TrySetResult())
            {
                await released.Task;
            }
        }

        public void Release() => released.TrySetResult();
    }

    private sealed class HeldStore(SqliteEventStore store, StoreHold hold) : IEventStore
    {
        public Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default) => store.StoreAsync(events, ct);

        public async Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default)
        {
            var page = await store.ReadAsync(key, from, ct);
            await hold.AfterReadAsync(key, from);
            return page;
        }

        public Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default) => store.ReadFeedAsync(from, maxEvents, ct);

        public Task<long> FeedHeadAsync(CancellationToken ct = default) => store.FeedHeadAsync(ct);

        public Task NextCommit() => store.NextCommit();

        public Task<IReadOnlyList<RecordedEvent>> ReadByPositionAsync(long afterPosition, int maxEvents, CancellationToken ct = default) =>
            store.ReadByPositionAsync(afterPosition, maxEvents, ct);

        public Task<int> DeleteAsync(IReadOnlyCollection<long> positions, IReadOnlyCollection<EventKey> foldedBy, CancellationToken ct = default) =>
            store.DeleteAsync(positions, foldedBy, ct);

        public Task<Erasure> EraseUserAsync(string userId, string? erasedBy, CancellationToken ct = default) => store.EraseUserAsync(userId, erasedBy, ct);

        public Task<Collaboration.Privacy.Pseudonyms> GetPseudonymsAsync(CancellationToken ct = default) => store.GetPseudonymsAsync(ct);
    }
}

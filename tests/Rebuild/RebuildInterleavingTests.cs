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
/// A rebuild that arrives while an ingested event is committed but not yet delivered to the grain: the one moment where
/// folding the stored events and then folding the delivery would count the event twice. The real SQLite store is
/// wrapped only to hold that moment open, so the order of the steps is fixed rather than left to chance.
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
    public async Task A_rebuild_arriving_between_an_events_commit_and_its_delivery_counts_the_event_once()
    {
        var idea = Make.Id("i");
        var grain = cluster.Client.GetGrain<IIdeaGrain>(idea);
        var hold = cluster.Silos[0].ServiceProvider.GetRequiredService<StoreHold>();
        hold.Arm(idea);
        // Active before the event: otherwise its activation would read the stored event and the rebuild find nothing new.
        Assert.Null(await grain.GetAsync());

        var ingest = cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync([Make.Event(Like, Make.Id("u"), idea, Make.Noon)], null);
        await hold.Committed;
        var report = await grain.RebuildAsync();
        hold.Release();
        var results = await ingest;

        Assert.Equal(IngestStatus.Accepted, results[0].Status);
        Assert.Equal(1, (await grain.GetAsync())!.Counts.Like);
        Assert.Equal(1, report.EventsFolded);
        Assert.True(report.Changed, "the rebuild found an event the grain had not folded yet");
    }

    /// <summary>Holds the first stored call naming one idea after its commit, until released.</summary>
    private sealed class StoreHold
    {
        private readonly TaskCompletionSource committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? idea;

        public Task Committed => committed.Task;

        public void Arm(string ideaId) => idea = ideaId;

        public async Task AfterCommitAsync(IReadOnlyList<EventToStore> events)
        {
            if (events.Any(e => e.IdeaId == idea) && committed.TrySetResult())
            {
                await released.Task;
            }
        }

        public void Release() => released.TrySetResult();
    }

    private sealed class HeldStore(SqliteEventStore store, StoreHold hold) : IEventStore
    {
        public async Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default)
        {
            var results = await store.StoreAsync(events, ct);
            await hold.AfterCommitAsync(events);
            return results;
        }

        public Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default) => store.ReadAsync(key, from, ct);

        public Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default) => store.ReadFeedAsync(from, maxEvents, ct);

        public Task<long> FeedHeadAsync(CancellationToken ct = default) => store.FeedHeadAsync(ct);

        public Task NextCommit() => store.NextCommit();
    }
}

using Collaboration.Hosting;
using Collaboration.Ideas;
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
/// A rebuild that arrives while an append is committed but not yet applied to the grain's state: the one moment where
/// folding the stream and then applying the append's result would count the append twice. The real SQLite journal is
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
            silo.Services.AddSingleton<AppendHold>();
            silo.Services.AddSingleton<SqliteEventJournal>();
            silo.Services.AddSingleton<IEventJournal, HeldJournal>();
            silo.AddIncomingGrainCallFilter<RebuildReleasesHold>();
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
    public async Task A_rebuild_arriving_between_an_appends_commit_and_its_apply_counts_the_append_once()
    {
        var idea = Make.Id("i");
        var grain = cluster.Client.GetGrain<IIdeaGrain>(idea);
        var hold = cluster.Silos[0].ServiceProvider.GetRequiredService<AppendHold>();
        hold.Arm("idea/" + idea);

        var append = grain.RecordAsync([Make.Event(Like, Make.Id("u"), idea, Make.Noon)]);
        await hold.Committed;
        var report = await grain.RebuildAsync();
        await append;

        Assert.Equal(1, (await grain.GetAsync())!.Counts.Like);
        Assert.Equal(1, report.EventsFolded);
        Assert.False(report.Changed, string.Join("; ", report.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
    }

    /// <summary>Holds the first append to one stream after its commit, until released.</summary>
    private sealed class AppendHold
    {
        private readonly TaskCompletionSource committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? stream;

        public Task Committed => committed.Task;

        public bool IsHolding => committed.Task.IsCompleted && !released.Task.IsCompleted;

        /// <summary>Whether the stream was read from its start while the append was held.</summary>
        public bool ReadWhileHolding { get; private set; }

        public void Arm(string streamId) => stream = streamId;

        public async Task AfterCommitAsync(string streamId)
        {
            if (streamId == stream && committed.TrySetResult())
            {
                await released.Task;
            }
        }

        public void StreamRead(string streamId) => ReadWhileHolding |= streamId == stream && IsHolding;

        public void Release() => released.TrySetResult();
    }

    private sealed class HeldJournal(SqliteEventJournal journal, AppendHold hold) : IEventJournal
    {
        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken ct = default)
        {
            hold.StreamRead(streamId);
            return journal.ReadStreamAsync(streamId, afterVersion, ct);
        }

        public async Task<AppendResult> TryAppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct = default)
        {
            var result = await journal.TryAppendAsync(streamId, expectedVersion, events, ct);
            await hold.AfterCommitAsync(streamId);
            return result;
        }

        public Task<StreamHistory> LoadAsync(string streamId, CancellationToken ct = default) => journal.LoadAsync(streamId, ct);

        public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default) =>
            journal.SaveSnapshotAsync(streamId, snapshot, ct);

        public Task<FeedPage> ReadFeedAsync(string streamPrefix, FeedCursor from, int maxEvents, CancellationToken ct = default) =>
            journal.ReadFeedAsync(streamPrefix, from, maxEvents, ct);

        public Task<long> FeedHeadAsync(CancellationToken ct = default) => journal.FeedHeadAsync(ct);

        public Task NextCommit() => journal.NextCommit();
    }

    /// <summary>
    /// Starts the rebuild while the append is held. A rebuild that waits its turn behind the append has read nothing
    /// yet, so the append is let go at once; one that reads the stream straight away is let finish first, with the
    /// append still unapplied, which is where counting it twice would happen.
    /// </summary>
    private sealed class RebuildReleasesHold(AppendHold hold) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.MethodName != nameof(IRebuildableGrain.RebuildAsync) || !hold.IsHolding)
            {
                await context.Invoke();
                return;
            }
            var rebuild = context.Invoke();
            if (!hold.ReadWhileHolding)
            {
                hold.Release();
            }
            await rebuild;
            hold.Release();
        }
    }
}

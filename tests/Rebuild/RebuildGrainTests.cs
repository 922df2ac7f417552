using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Ideas;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Tests.Support;
using Collaboration.Threads;
using Collaboration.Users;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Rebuild;

/// <summary>Rebuilds of user, idea and thread grains in an in-process cluster on the SQLite journal (snapshots every 5 events).</summary>
public sealed class RebuildGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly DateTimeOffset At = Make.Noon;

    private IIngestGrain Ingest => fixture.Client.GetGrain<IIngestGrain>(0);

    [Fact]
    public async Task A_healthy_user_idea_and_thread_rebuild_unchanged_and_answer_as_before()
    {
        var (user, idea, thread) = (Make.Id("u"), Make.Id("i"), Make.Id("t"));
        // Twelve events: each stream has a snapshot and a tail, which the rebuild must ignore and agree with.
        var events = Enumerable.Range(0, 12).Select(n => Make.Event(n == 0 ? Create : n % 3 == 0 ? Follow : Comment, user, idea, At.AddMinutes(n),
            threadId: n % 3 == 0 ? null : thread)).ToArray();
        await Ingest.IngestAsync(events, postedBy: null);
        var views = await ViewsAsync(user, idea, thread);

        var reports = new[]
        {
            await fixture.Client.GetGrain<IUserGrain>(user).RebuildAsync(),
            await fixture.Client.GetGrain<IIdeaGrain>(idea).RebuildAsync(),
            await fixture.Client.GetGrain<IThreadGrain>(thread).RebuildAsync(),
        };

        Assert.All(reports, report => Assert.False(report.Changed, string.Join("; ", report.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}"))));
        Assert.Equal([12L, 12L, 8L], reports.Select(report => report.EventsFolded));
        Assert.Equal(["user/" + user, "idea/" + idea, "thread/" + thread], reports.Select(report => report.Target));
        Assert.Equal(views, await ViewsAsync(user, idea, thread));
    }

    [Fact]
    public async Task A_snapshot_that_disagrees_with_the_stored_events_is_reported_and_replaced()
    {
        var (user, idea) = (Make.Id("u"), Make.Id("i"));
        var store = fixture.SiloService<IEventStore>();
        var like = Make.Event(Like, user, idea, At);
        var comment = Make.Event(Comment, user, idea, At.AddMinutes(1));
        await store.StoreAsync([
            new EventToStore(StoredEventFormat.Encode(like), ContentHash.Of(like), user, idea, null),
            new EventToStore(StoredEventFormat.Encode(comment), ContentHash.Of(comment), user, idea, null)]);
        // A snapshot that claims to cover both events but holds only the like: what a fold with a bug, fixed since, left.
        var likeOnly = new UserState();
        likeOnly.Apply(like);
        var head = await store.FeedHeadAsync();
        await fixture.SiloService<IGrainSnapshotStore>().SaveAsync("user/" + user,
            GrainSnapshotFormat.Encode(new FeedCursor(head, []), 2, likeOnly.ToSnapshot()));
        var grain = fixture.Client.GetGrain<IUserGrain>(user);
        var before = (await grain.GetAsync(ReadWindow.All, At.AddDays(1)))!;

        var report = await grain.RebuildAsync();

        Assert.Equal((1L, 0L), (before.Totals.Like, before.Totals.Comment));
        Assert.True(report.Changed);
        Assert.Equal(2, report.EventsFolded);
        Assert.Contains(report.Changes, c => (c.Name, c.Before, c.After) == ("totals.comment", "0", "1"));
        var after = (await grain.GetAsync(ReadWindow.All, At.AddDays(1)))!;
        Assert.Equal((1L, 1L), (after.Totals.Like, after.Totals.Comment));
        Assert.False((await grain.RebuildAsync()).Changed);
    }

    [Fact]
    public async Task Events_stored_around_rebuilds_are_neither_lost_nor_counted_twice()
    {
        var idea = Make.Id("i");
        var grain = fixture.Client.GetGrain<IIdeaGrain>(idea);
        // Forty requests of five likes each and ten rebuilds, all sent before any answers: the grain takes them in turns.
        var appends = Enumerable.Range(0, 40).Select(n => Ingest.IngestAsync(
            [.. Enumerable.Range(0, 5).Select(k => Make.Event(Like, $"u-{n}-{k}", idea, At.AddSeconds(n)))], postedBy: null)).ToList();
        var rebuilds = Enumerable.Range(0, 10).Select(_ => grain.RebuildAsync()).ToList();
        await Task.WhenAll(appends);
        var during = await Task.WhenAll(rebuilds);

        var view = (await grain.GetAsync())!;
        var final = await grain.RebuildAsync();
        var replayed = await Replay.FoldAsync<IdeaState>(fixture.SiloService<IEventStore>(), EventKey.Idea(idea));

        Assert.Equal(200, view.Counts.Like);
        Assert.Equal(200, view.Participants.Editors);
        // Each rebuild compares the grain's state with a fold of the same read: events committed while it ran are no change.
        Assert.All(during, report => Assert.False(report.Changed, string.Join("; ", report.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}"))));
        Assert.False(final.Changed, string.Join("; ", final.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}")));
        Assert.Equal(200, final.EventsFolded);
        Assert.Equal(Json(replayed.ToView(idea)), Json(view));
    }

    [Fact]
    public async Task A_stream_with_no_event_folds_nothing()
    {
        var report = await fixture.Client.GetGrain<IThreadGrain>(Make.Id("t")).RebuildAsync();

        Assert.Equal((0L, false), (report.EventsFolded, report.Changed));
    }

    private async Task<string> ViewsAsync(string user, string idea, string thread) => Json(new object?[]
    {
        await fixture.Client.GetGrain<IUserGrain>(user).GetAsync(ReadWindow.All, At.AddDays(1)),
        await fixture.Client.GetGrain<IUserGrain>(user).GetFollowingAsync(100, null),
        await fixture.Client.GetGrain<IIdeaGrain>(idea).GetAsync(),
        await fixture.Client.GetGrain<IIdeaGrain>(idea).GetFollowersAsync(100, null),
        await fixture.Client.GetGrain<IThreadGrain>(thread).GetAsync(),
    });

    // Views hold arrays (tags), which records compare by reference: compare their JSON.
    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}

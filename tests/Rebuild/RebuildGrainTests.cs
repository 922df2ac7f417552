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
    public async Task An_event_stored_behind_the_grains_back_is_reported_and_later_appends_go_on_top_of_it()
    {
        var (user, idea) = (Make.Id("u"), Make.Id("i"));
        var grain = fixture.Client.GetGrain<IUserGrain>(user);
        await grain.RecordAsync([Make.Event(Like, user, idea, At)]);
        var journal = fixture.SiloService<IEventJournal>();
        // The stream moves to version 2 while the grain still holds version 1 with one like.
        await journal.TryAppendAsync("user/" + user, 1, [StoredEventFormat.Encode(Make.Event(Comment, user, idea, At.AddMinutes(1)))]);

        var report = await grain.RebuildAsync();
        await grain.RecordAsync([Make.Event(Like, user, idea, At.AddMinutes(2))]);

        Assert.True(report.Changed);
        Assert.Equal(2, report.EventsFolded);
        Assert.Contains(report.Changes, c => (c.Name, c.Before, c.After) == ("version", "1", "2"));
        Assert.Contains(report.Changes, c => (c.Name, c.Before, c.After) == ("totals.comment", "0", "1"));
        var view = (await grain.GetAsync(ReadWindow.All, At.AddDays(1)))!;
        Assert.Equal((2L, 1L), (view.Totals.Like, view.Totals.Comment));
        Assert.Equal(3, (await journal.ReadStreamAsync("user/" + user, 0)).Count);
    }

    [Fact]
    public async Task Appends_queued_around_rebuilds_are_neither_lost_nor_applied_twice()
    {
        var idea = Make.Id("i");
        var grain = fixture.Client.GetGrain<IIdeaGrain>(idea);
        // Forty appends of five likes each and ten rebuilds, all sent before any answers: the grain's queue mixes them.
        var appends = Enumerable.Range(0, 40).Select(n => grain.RecordAsync(
            [.. Enumerable.Range(0, 5).Select(k => Make.Event(Like, $"u-{n}-{k}", idea, At.AddSeconds(n)))])).ToList();
        var rebuilds = Enumerable.Range(0, 10).Select(_ => grain.RebuildAsync()).ToList();
        await Task.WhenAll(appends);
        var during = await Task.WhenAll(rebuilds);

        var view = (await grain.GetAsync())!;
        var final = await grain.RebuildAsync();
        var replayed = await Replay.FoldAsync<IdeaState>(fixture.SiloService<IEventJournal>(), "idea/" + idea);

        Assert.Equal(200, view.Counts.Like);
        Assert.Equal(200, view.Participants.Editors);
        Assert.All(during, report => Assert.False(report.Changed, string.Join("; ", report.Changes.Select(c => $"{c.Name} {c.Before} -> {c.After}"))));
        Assert.False(final.Changed);
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

using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Tests.Support;
using Collaboration.Threads;
using Collaboration.Users;
using static Collaboration.Events.InteractionType;
using ThreadState = Collaboration.Threads.ThreadState;

namespace Collaboration.Tests.Grains;

public class IngestionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly DateTimeOffset At = Make.Noon;

    private IIngestGrain Ingest => fixture.Client.GetGrain<IIngestGrain>(0);

    private Task<UserView?> User(string id) => fixture.Client.GetGrain<IUserGrain>(id).GetAsync(ReadWindow.All, At.AddDays(1));

    private Task<IdeaView?> Idea(string id) => fixture.Client.GetGrain<IIdeaGrain>(id).GetAsync();

    [Fact]
    public async Task An_event_is_stored_by_the_user_the_idea_and_the_thread()
    {
        var (user, idea, thread) = (Make.Id("u"), Make.Id("i"), Make.Id("t"));

        var results = await Ingest.IngestAsync([Make.Event(Comment, user, idea, At, threadId: thread)], postedBy: null);

        Assert.Equal(IngestStatus.Accepted, results[0].Status);
        Assert.Equal(1, (await User(user))!.Totals.Comment);
        Assert.Equal(1, (await Idea(idea))!.Counts.Comment);
        var threadView = await fixture.Client.GetGrain<IThreadGrain>(thread).GetAsync();
        Assert.Equal((idea, 1L), (threadView!.IdeaId, threadView.Counts.Comment));
    }

    [Fact]
    public async Task A_reused_id_with_other_content_is_refused_before_any_grain_stores_it()
    {
        var original = Make.Event(Like, Make.Id("u"), Make.Id("i"), At);
        await Ingest.IngestAsync([original], postedBy: null);
        var reuse = Make.Event(View, Make.Id("u"), Make.Id("i"), At, eventId: original.EventId);

        var result = (await Ingest.IngestAsync([reuse], postedBy: null))[0];

        Assert.Equal((IngestStatus.Conflict, "eventId"), (result.Status, result.Field));
        Assert.Null(await User(reuse.UserId));
        Assert.Null(await Idea(reuse.IdeaId));
    }

    [Fact]
    public async Task A_redelivered_event_changes_nothing()
    {
        var like = Make.Event(Like, Make.Id("u"), Make.Id("i"), At);

        var first = await Ingest.IngestAsync([like], postedBy: null);
        var again = await Ingest.IngestAsync([like with { OccurredAt = like.OccurredAt.ToOffset(TimeSpan.FromHours(5)) }], postedBy: null);

        Assert.Equal(IngestStatus.Accepted, first[0].Status);
        Assert.Equal(IngestStatus.Duplicate, again[0].Status);
        Assert.Equal(1, (await Idea(like.IdeaId))!.Counts.Like);
        Assert.Equal(1, (await User(like.UserId))!.Totals.Like);
    }

    [Fact]
    public async Task An_active_grain_answers_with_an_event_stored_behind_its_back()
    {
        var like = Make.Event(Like, Make.Id("u"), Make.Id("i"), At);
        // Active and answering before the event is stored.
        Assert.Null(await Idea(like.IdeaId));
        Assert.Null(await User(like.UserId));
        // Stored as by a request whose answer never arrived (another replica, or a silo that died after the commit).
        await fixture.SiloService<IEventStore>().StoreAsync([
            new EventToStore(StoredEventFormat.Encode(like), ContentHash.Of(like), like.UserId, like.IdeaId, null)]);

        Assert.Equal(1, (await User(like.UserId))!.Totals.Like);
        Assert.Equal(1, (await Idea(like.IdeaId))!.Counts.Like);
        // The client's retry finds it stored and changes nothing.
        Assert.Equal(IngestStatus.Duplicate, (await Ingest.IngestAsync([like], postedBy: null))[0].Status);
        Assert.Equal(1, (await Idea(like.IdeaId))!.Counts.Like);
    }

    [Fact]
    public async Task A_thread_stays_with_the_idea_that_first_named_it()
    {
        var (thread, ideaA, ideaB, user) = (Make.Id("t"), Make.Id("i"), Make.Id("i"), Make.Id("u"));

        var results = await Ingest.IngestAsync([
            Make.Event(Create, user, ideaA, At, threadId: thread),
            Make.Event(Comment, user, ideaB, At, threadId: thread),
        ], postedBy: null);

        Assert.Equal(IngestStatus.Accepted, results[0].Status);
        Assert.Equal((IngestStatus.Conflict, "threadId"), (results[1].Status, results[1].Field));
        Assert.Contains(ideaA, results[1].Error);
        Assert.Null(await Idea(ideaB));
        Assert.Equal(0, (await User(user))!.Totals.Comment);
    }

    [Fact]
    public async Task The_same_id_twice_in_one_batch_is_a_duplicate_or_a_conflict()
    {
        var like = Make.Event(Like, Make.Id("u"), Make.Id("i"), At);

        var results = await Ingest.IngestAsync([like, like, like with { Type = View }], postedBy: null);

        Assert.Equal([IngestStatus.Accepted, IngestStatus.Duplicate, IngestStatus.Conflict], results.Select(r => r.Status));
        Assert.Equal(1, (await Idea(like.IdeaId))!.Counts.Like);
        Assert.Equal(0, (await Idea(like.IdeaId))!.Counts.View);
    }

    [Fact]
    public async Task Requests_at_once_that_share_an_event_store_and_count_each_event_once()
    {
        var idea = fixture.Client.GetGrain<IIdeaGrain>(Make.Id("i"));
        var ideaId = idea.GetPrimaryKeyString();
        var shared = Make.Event(Comment, Make.Id("u"), ideaId, At);

        // Forty requests at once, each with an event of its own and the same shared one: one of them stores the shared
        // event, the others find it stored.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Ingest.IngestAsync([Make.Event(Comment, Make.Id("u"), ideaId, At.AddMinutes(-i)), shared], postedBy: null)));

        Assert.Equal(1, results.Count(r => r[1].Status == IngestStatus.Accepted));
        Assert.Equal(41, (await idea.GetAsync())!.Counts.Comment);
        var stored = (await fixture.SiloService<IEventStore>().ReadAsync(EventKey.Idea(ideaId), FeedCursor.Start)).Events;
        Assert.Equal(41, stored.Select(e => e.Event.EventId).Distinct().Count());
        Assert.Equal(41, stored.Count);
        var rebuilt = await Replay.FoldAsync<IdeaState>(fixture.SiloService<IEventStore>(), EventKey.Idea(ideaId));
        Assert.Equal(Json(await idea.GetAsync()), Json(rebuilt.ToView(ideaId)));
    }

    [Fact]
    public async Task Every_grain_rebuilt_from_the_journal_alone_equals_the_live_grain()
    {
        var random = new Random(7);
        var users = Enumerable.Range(0, 6).Select(_ => Make.Id("u")).ToArray();
        var ideas = Enumerable.Range(0, 3).Select(_ => Make.Id("i")).ToArray();
        var threads = ideas.Select(i => (Idea: i, Thread: Make.Id("t"))).ToArray();
        var types = Enum.GetValues<InteractionType>();
        for (var batch = 0; batch < 10; batch++)
        {
            var events = Enumerable.Range(0, 20).Select(_ =>
            {
                var type = types[random.Next(types.Length)];
                var (idea, thread) = threads[random.Next(threads.Length)];
                var onThread = type is not (Follow or Unfollow) && random.Next(2) == 0;
                return Make.Event(type, users[random.Next(users.Length)], idea, At.AddMinutes(-random.Next(600)),
                    threadId: onThread ? thread : null, title: type == Create ? "t" : null);
            }).ToArray();
            await Ingest.IngestAsync(events, postedBy: null);
        }
        await fixture.Client.GetGrain<IUserGrain>(users[0]).UpdateProfileAsync(new UserProfile("A", "FI", null, null, null), At);

        var store = fixture.SiloService<IEventStore>();
        foreach (var user in users)
        {
            var rebuilt = await Replay.FoldAsync<UserState>(store, EventKey.User(user));
            Assert.Equal(Json(await User(user)), Json(rebuilt.ToView(user, ReadWindow.All, At.AddDays(1))));
        }
        foreach (var (idea, thread) in threads)
        {
            var rebuiltIdea = await Replay.FoldAsync<IdeaState>(store, EventKey.Idea(idea));
            Assert.Equal(Json(await Idea(idea)), Json(rebuiltIdea.ToView(idea)));
            var rebuiltThread = await Replay.FoldAsync<ThreadState>(store, EventKey.Thread(thread));
            Assert.Equal(Json(await fixture.Client.GetGrain<IThreadGrain>(thread).GetAsync()), Json(rebuiltThread.ToView(thread)));
        }
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);
}

using System.Text.Json;
using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Tests.Support;
using Collaboration.Threads;
using static Collaboration.Events.InteractionType;
using ThreadState = Collaboration.Threads.ThreadState;

namespace Collaboration.Tests.Folds;

public class IdeaStateTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    private static IdeaState Fold(IEnumerable<Interaction> events)
    {
        var state = new IdeaState();
        foreach (var e in events)
        {
            state.Apply(e);
        }
        return state;
    }

    [Fact]
    public void Earliest_create_decides_owner_title_and_createdAt_and_every_create_counts()
    {
        var late = Make.Event(Create, "bob", "i", Now, title: "Late", tags: ["b"]);
        var early = Make.Event(Create, "ann", "i", Now.AddHours(-1), title: "Early", tags: ["a"]);

        var view = Fold([late, early]).ToView("i");

        Assert.Equal(("ann", "Early", Now.AddHours(-1)), (view.OwnerId, view.Title, view.CreatedAt));
        Assert.Equal(["a"], view.Tags);
        Assert.Equal(2, view.Counts.Create);
        Assert.Equal(2, view.Participants.Creators);
    }

    [Fact]
    public void Simultaneous_creates_go_to_the_smaller_event_id()
    {
        var b = Make.Event(Create, "bob", "i", Now, eventId: "b");
        var a = Make.Event(Create, "ann", "i", Now, eventId: "a");

        Assert.Equal("ann", Fold([b, a]).ToView("i").OwnerId);
        Assert.Equal("ann", Fold([a, b]).ToView("i").OwnerId);
    }

    [Fact]
    public void Events_before_the_create_are_kept_and_the_create_fills_in_the_owner()
    {
        var state = Fold([Make.Event(Comment, "c", "i", Now.AddDays(-1))]);
        Assert.Null(state.ToView("i").OwnerId);

        state.Apply(Make.Event(Create, "o", "i", Now));

        var view = state.ToView("i");
        Assert.Equal("o", view.OwnerId);
        Assert.Equal((1L, 1L), (view.Counts.Comment, view.Counts.Create));
        Assert.Equal(1, view.Followers);
    }

    [Fact]
    public void Participants_are_distinct_users_at_their_highest_level_including_threads()
    {
        var view = Fold([
            Make.Event(View, "a", "i", Now),
            Make.Event(Like, "a", "i", Now, threadId: "t1"),
            Make.Event(View, "b", "i", Now),
            Make.Event(Follow, "b", "i", Now),
            Make.Event(Create, "c", "i", Now, threadId: "t2"),
            Make.Event(Comment, "c", "i", Now),
        ]).ToView("i");

        Assert.Equal((1, 1, 1), (view.Participants.Creators, view.Participants.Editors, view.Participants.Audience));
        Assert.Equal(2, view.Threads);
        Assert.Equal(1, view.Followers);
        Assert.Equal(6, view.Counts.Create + view.Counts.Comment + view.Counts.Like + view.Counts.View + view.Counts.Follow);
    }

    [Fact]
    public void Any_arrival_order_gives_the_same_idea_and_thread_state()
    {
        var random = new Random(20261126);
        var users = Enumerable.Range(0, 12).Select(n => $"u{n}").ToArray();
        var types = Enum.GetValues<InteractionType>();
        var events = new List<Interaction>();
        for (var n = 0; n < 300; n++)
        {
            var type = types[random.Next(types.Length)];
            var onThread = type is not (Follow or Unfollow) && random.Next(3) == 0;
            // Few distinct instants, so ties on occurredAt are common and the event-id tie-breaks are exercised.
            var at = Now.AddMinutes(-random.Next(5));
            events.Add(Make.Event(type, users[random.Next(users.Length)], "i", at,
                threadId: onThread ? "t" : null, eventId: $"e{random.Next(1_000_000):D7}-{n}", title: type == Create ? $"title {n}" : null));
        }

        var expectedIdea = JsonSerializer.Serialize(Fold(events).ToView("i"));
        var expectedFollowers = Fold(events).Followers.Page(100, null).Items;
        var expectedThread = JsonSerializer.Serialize(FoldThread(events.Where(e => e.ThreadId is not null)).ToView("t"));
        for (var round = 0; round < 25; round++)
        {
            var shuffled = events.OrderBy(_ => random.Next()).ToList();
            var state = Fold(shuffled);
            Assert.Equal(expectedIdea, JsonSerializer.Serialize(state.ToView("i")));
            Assert.Equal(expectedFollowers, state.Followers.Page(100, null).Items);
            Assert.Equal(expectedThread, JsonSerializer.Serialize(FoldThread(shuffled.Where(e => e.ThreadId is not null)).ToView("t")));
        }
    }

    [Fact]
    public void Follower_pages_are_ordinal_and_resume_after_the_cursor()
    {
        var state = Fold(new[] { "d", "a", "c", "b", "e" }.Select(u => Make.Event(Follow, u, "i", Now)));

        var first = state.Followers.Page(2, null);
        var second = state.Followers.Page(2, first.Items[^1]);
        var last = state.Followers.Page(2, second.Items[^1]);

        Assert.Equal(["a", "b"], first.Items);
        Assert.Equal(["c", "d"], second.Items);
        Assert.Equal(["e"], last.Items);
        Assert.Equal([true, true, false], [first.HasMore, second.HasMore, last.HasMore]);
        Assert.Empty(state.Followers.Page(2, "z").Items);
    }

    [Fact]
    public void Snapshot_restores_the_same_state()
    {
        var state = Fold([
            Make.Event(Create, "o", "i", Now, title: "T", tags: ["x", "y"]),
            Make.Event(Follow, "f", "i", Now),
            Make.Event(Comment, "c", "i", Now.AddMinutes(1), threadId: "t"),
        ]);

        var restored = IdeaState.FromSnapshot(state.ToSnapshot());

        Assert.Equal(JsonSerializer.Serialize(state.ToView("i")), JsonSerializer.Serialize(restored.ToView("i")));
        Assert.Equal(["f", "o"], restored.Followers.Page(10, null).Items);
        Assert.Equal(state.ToSnapshot(), restored.ToSnapshot());
        Assert.Equal(state.UpdateFor("i", "f"), restored.UpdateFor("i", "f"));
        Assert.NotNull(restored.UpdateFor("i", "f"));
    }

    [Fact]
    public void A_snapshot_from_before_activity_was_kept_is_refused_so_the_grain_folds_its_events()
    {
        // The snapshot form of earlier releases: today's without the latest instants per participant and the activity.
        static byte[] Older(byte[] snapshot)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(snapshot)!.AsObject();
            Assert.True(json.Remove("lastSeen"));
            json.Remove("activity");
            json.Remove("lastActivity");
            return JsonSerializer.SerializeToUtf8Bytes(json);
        }
        var comment = Make.Event(Comment, "c", "i", Now, threadId: "t");
        Assert.Throws<InvalidDataException>(() => IdeaState.FromSnapshot(Older(Fold([comment]).ToSnapshot())));
        Assert.Throws<InvalidDataException>(() => ThreadState.FromSnapshot(Older(FoldThread([comment]).ToSnapshot())));
    }

    private static ThreadState FoldThread(IEnumerable<Interaction> events)
    {
        var state = new ThreadState();
        foreach (var e in events)
        {
            state.Apply(e);
        }
        return state;
    }
}

using System.Text.Json;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Tests.Support;
using Collaboration.Users;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Folds;

public class UserStateTests
{
    private static readonly DateTimeOffset Now = Make.Noon;

    private static UserState Fold(params Interaction[] events)
    {
        var state = new UserState();
        foreach (var e in events)
        {
            state.Apply(e);
        }
        return state;
    }

    [Fact]
    public void Tier_is_the_highest_action_inside_each_window()
    {
        var state = Fold(
            Make.Event(Create, "u", "i1", Now.AddDays(-29)),
            Make.Event(Comment, "u", "i2", Now.AddDays(-10)),
            Make.Event(View, "u", "i3", Now.AddDays(-1)));

        Assert.Equal("audience", state.ToView("u", ReadWindow.Days7, Now).Tier);
        Assert.Equal("editor", state.ToView("u", ReadWindow.Days28, Now).Tier);
        Assert.Equal("creator", state.ToView("u", ReadWindow.Days90, Now).Tier);
        Assert.Equal("creator", state.ToView("u", ReadWindow.All, Now).Tier);
        Assert.Equal("inactive", state.ToView("u", ReadWindow.Days7, Now.AddDays(8)).Tier);
    }

    [Fact]
    public void Window_is_open_at_its_start_and_closed_at_its_end()
    {
        var state = Fold(
            Make.Event(Like, "u", "i", Now.AddDays(-28)),
            Make.Event(Share, "u", "i", Now.AddDays(-28).AddTicks(1)),
            Make.Event(Edit, "u", "i", Now),
            Make.Event(View, "u", "i", Now.AddTicks(1)));

        var counts = state.ToView("u", ReadWindow.Days28, Now).Counts;

        Assert.Equal(0, counts.Like);
        Assert.Equal(1, counts.Share);
        Assert.Equal(1, counts.Edit);
        Assert.Equal(0, counts.View);
    }

    [Fact]
    public void An_event_ahead_of_now_counts_once_its_time_comes_but_is_in_totals_at_once()
    {
        var state = Fold(Make.Event(Create, "u", "i", Now.AddMinutes(4)));

        var before = state.ToView("u", ReadWindow.Days28, Now);
        var after = state.ToView("u", ReadWindow.Days28, Now.AddMinutes(4));

        Assert.Equal(("inactive", 0L, 1L), (before.Tier, before.Counts.Create, before.Totals.Create));
        Assert.Equal(("creator", 1L), (after.Tier, after.Counts.Create));
    }

    [Fact]
    public void Creator_decays_to_nothing_after_the_window_passes()
    {
        var state = Fold(Make.Event(Create, "u", "i", Now));

        Assert.Equal("creator", state.ToView("u", ReadWindow.Days28, Now.AddDays(28).AddTicks(-1)).Tier);
        Assert.Equal("inactive", state.ToView("u", ReadWindow.Days28, Now.AddDays(28)).Tier);
    }

    [Fact]
    public void First_and_last_activity_are_all_time_whatever_the_arrival_order()
    {
        var state = Fold(
            Make.Event(View, "u", "i", Now.AddDays(-3)),
            Make.Event(View, "u", "i", Now.AddDays(-300)),
            Make.Event(View, "u", "i", Now.AddDays(-100)));

        var view = state.ToView("u", ReadWindow.Days7, Now);

        Assert.Equal(Now.AddDays(-300), view.FirstActiveAt);
        Assert.Equal(Now.AddDays(-3), view.LastActiveAt);
        Assert.Equal(3, view.Totals.View);
    }

    [Fact]
    public void Latest_follow_decision_wins_in_any_order()
    {
        var follow = Make.Event(Follow, "u", "i", Now.AddHours(-2));
        var unfollow = Make.Event(Unfollow, "u", "i", Now.AddHours(-1));

        Assert.Equal(0, Fold(follow, unfollow).ToView("u", ReadWindow.All, Now).Following);
        Assert.Equal(0, Fold(unfollow, follow).ToView("u", ReadWindow.All, Now).Following);
    }

    [Fact]
    public void Simultaneous_follow_decisions_go_to_the_larger_event_id()
    {
        var follow = Make.Event(Follow, "u", "i", Now, eventId: "b");
        var unfollow = Make.Event(Unfollow, "u", "i", Now, eventId: "a");

        Assert.Equal(1, Fold(follow, unfollow).ToView("u", ReadWindow.All, Now).Following);
        Assert.Equal(1, Fold(unfollow, follow).ToView("u", ReadWindow.All, Now).Following);
    }

    [Fact]
    public void Creating_an_idea_follows_it_but_creating_a_thread_does_not()
    {
        var state = Fold(
            Make.Event(Create, "u", "i1", Now),
            Make.Event(Create, "u", "i2", Now, threadId: "t"));

        Assert.Equal(["i1"], state.Following.Page(10, null).Items);
    }

    [Fact]
    public void History_older_than_the_longest_window_costs_no_timeline_and_still_counts_in_totals_and_first_activity()
    {
        var random = new Random(3);
        // Two years of activity, one event a day, arriving in two different orders.
        var events = Enumerable.Range(0, 730).Select(day =>
            Make.Event((InteractionType)random.Next(InteractionTypes.Count), "u", $"i{random.Next(5)}", Now.AddDays(-day).AddHours(-random.Next(24)))).ToArray();
        var state = Fold([.. events.OrderBy(_ => random.Next())]);
        var other = Fold([.. events.OrderBy(_ => random.Next())]);

        // 92 days of the latest activity are kept (91 and the day the cut falls in), none older.
        Assert.InRange(int.Parse(state.Summarize().Single(s => s.Name == "timeline").Value), 90, 92);
        Assert.Equal(state.ToSnapshot(), other.ToSnapshot());
        foreach (var now in new[] { Now, Now.AddDays(10), Now.AddDays(-0.5) })
        {
            foreach (var window in new[] { ReadWindow.Days7, ReadWindow.Days28, ReadWindow.Days90 })
            {
                var inWindow = events.Where(e => e.OccurredAt > now - window.Length!.Value && e.OccurredAt <= now).ToList();
                var view = state.ToView("u", window, now);
                Assert.Equal(Enum.GetValues<InteractionType>().Select(t => (long)inWindow.Count(e => e.Type == t)), PerType(view.Counts));
            }
        }
        var all = state.ToView("u", ReadWindow.All, Now);
        Assert.Equal(730, PerType(all.Totals).Sum());
        Assert.Equal(all.Totals, all.Counts);
        Assert.Equal(events.Min(e => e.OccurredAt), all.FirstActiveAt);
        Assert.Equal(events.Max(e => e.OccurredAt), all.LastActiveAt);

        // A late event from before everything moves the totals and the first activity only.
        state.Apply(Make.Event(Like, "u", "i9", Now.AddYears(-5)));
        Assert.Equal(Now.AddYears(-5), state.ToView("u", ReadWindow.All, Now).FirstActiveAt);
        Assert.Equal(731, PerType(state.ToView("u", ReadWindow.All, Now).Totals).Sum());
        Assert.Equal(other.ToView("u", ReadWindow.Days90, Now).Counts, state.ToView("u", ReadWindow.Days90, Now).Counts);
    }

    [Fact]
    public void History_before_the_latest_read_window_is_forgotten_in_any_order_and_survives_a_snapshot()
    {
        var random = new Random(5);
        // All of it dated 200-700 days ago: outside every window a read at Now can have.
        var events = Enumerable.Range(0, 500).Select(i =>
            Make.Event((InteractionType)random.Next(InteractionTypes.Count), "u", $"i{random.Next(5)}", Now.AddDays(-200 - i).AddHours(-random.Next(24)))).ToArray();
        var read = Fold([.. events.Take(250)]);
        read.ForgetBefore((Now - UserState.TimelineKept).UtcTicks);
        foreach (var late in events.Skip(250))
        {
            read.Apply(late);
        }
        var unread = Fold([.. events.OrderBy(_ => random.Next())]);

        Assert.Equal("0", read.Summarize().Single(s => s.Name == "timeline").Value);
        Assert.NotEqual("0", unread.Summarize().Single(s => s.Name == "timeline").Value);
        // A rebuild's fresh fold is given the same horizon, and then it is the same state.
        var fresh = new UserState();
        read.CarryHorizonTo(fresh);
        foreach (var e in events.OrderBy(_ => random.Next()))
        {
            fresh.Apply(e);
        }
        Assert.Equal(read.ToSnapshot(), fresh.ToSnapshot());
        Assert.Equal(read.ToSnapshot(), UserState.FromSnapshot(read.ToSnapshot()).ToSnapshot());
        Assert.True(read.ToSnapshot().Length < unread.ToSnapshot().Length / 2);
        foreach (var window in new[] { ReadWindow.Days7, ReadWindow.Days90, ReadWindow.All })
        {
            Assert.Equal(unread.ToView("u", window, Now), read.ToView("u", window, Now));
        }
    }

    private static long[] PerType(TypeCounts c) => [c.Create, c.Comment, c.Like, c.Edit, c.Share, c.View, c.Follow, c.Unfollow];

    [Fact]
    public void A_snapshot_written_before_the_timeline_was_bounded_restores_to_the_bounded_state()
    {
        var events = Enumerable.Range(0, 300).Select(day => Make.Event(View, "u", "i", Now.AddDays(-day))).ToArray();
        var bounded = Fold(events);
        // The old form: every activity in the timeline, no first and last.
        var old = new UserSnapshot(null, [0, 0, 0, 0, 0, 300, 0, 0], [.. events.Select(e => e.OccurredAt.UtcTicks).Order()],
            [.. events.Select(_ => View)], []);
        var oldBytes = JsonSerializer.SerializeToUtf8Bytes(old, Collaboration.EventSourcing.CollaborationJson.Default.UserSnapshot);

        var restored = UserState.FromSnapshot(oldBytes);

        Assert.Equal(bounded.ToSnapshot(), restored.ToSnapshot());
    }

    [Fact]
    public void Snapshot_restores_the_same_state()
    {
        var state = Fold(
            Make.Event(Create, "u", "i1", Now.AddDays(-40), title: "T", tags: ["x"]),
            Make.Event(Like, "u", "i2", Now.AddDays(-2)),
            Make.Event(Unfollow, "u", "i1", Now.AddDays(-1)),
            Make.Event(Follow, "u", "i3", Now.AddDays(-1)));
        state.Apply(new ProfileUpdated("p1", new UserProfile("Ada", "FI", "Helsinki", "R&D", "Engineering"), Now));

        var restored = UserState.FromSnapshot(state.ToSnapshot());

        foreach (var window in new[] { ReadWindow.Days7, ReadWindow.Days90, ReadWindow.All })
        {
            Assert.Equal(JsonSerializer.Serialize(state.ToView("u", window, Now)), JsonSerializer.Serialize(restored.ToView("u", window, Now)));
        }
        Assert.Equal(state.Following.Page(10, null).Items, restored.Following.Page(10, null).Items);
    }
}

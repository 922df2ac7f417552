using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Retention;
using Collaboration.Tests.Support;
using Collaboration.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Journal;

/// <summary>Retention on every store: which expired rows go and which stay because they define current state.</summary>
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task A_retention_sweep_deletes_expired_activity_and_keeps_creates_latest_follow_decisions_and_latest_profiles()
    {
        var store = await OpenAsync();
        var (person, other, ideaA, ideaB, ideaC, thread) = (Make.Id("u"), Make.Id("u"), Make.Id("i"), Make.Id("i"), Make.Id("i"), Make.Id("t"));
        var at = Make.Noon.AddDays(-300);
        Interaction[] kept =
        [
            Make.Event(Create, person, ideaA, at, title: "Heat pumps"),
            Make.Event(Unfollow, person, ideaB, at.AddDays(2)),
            Make.Event(Follow, person, ideaC, at),
            Make.Event(Create, other, ideaA, at.AddDays(3), threadId: thread),
        ];
        Interaction[] expired =
        [
            Make.Event(View, person, ideaA, at),
            Make.Event(Follow, person, ideaB, at.AddDays(1)),
            Make.Event(Comment, other, ideaA, at.AddDays(4), threadId: thread),
            Make.Event(Like, other, ideaC, at.AddDays(5)),
        ];
        var oldProfile = new ProfileUpdated("profile:" + Guid.NewGuid().ToString("N"), new UserProfile("Old", "FI", null, null, null), at);
        var newProfile = new ProfileUpdated("profile:" + Guid.NewGuid().ToString("N"), new UserProfile("New", "SE", null, null, null), at.AddDays(1));
        await store.StoreAsync([.. expired.Reverse().Select(Stored), .. kept.Select(Stored), Stored(oldProfile, person)]);
        await store.StoreAsync([Stored(newProfile, person)]);
        // Snapshots folded from the rows: those of keys that lose a row go with it, the others stay.
        var unrelated = Make.Id("i");
        string[] folded = [EventKey.User(person).Name, EventKey.User(other).Name, EventKey.Idea(ideaA).Name, EventKey.Idea(ideaB).Name,
            EventKey.Idea(ideaC).Name, EventKey.Thread(thread).Name, EventKey.Idea(unrelated).Name];
        foreach (var stream in folded)
        {
            await Snapshots().SaveAsync(stream, [1, 2, 3]);
        }
        // The sweep's clock stands far enough ahead that everything stored so far is older than the retention.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(400));
        var sweep = new RetentionSweep(store, later, Options.Create(new JournalOptions { RetentionDays = 200 }), NullLogger<RetentionSweep>.Instance);

        var report = await sweep.RunAsync();
        var again = await sweep.RunAsync();

        Assert.Equal((true, 5L, 5L), (report.Enabled, report.EventsDeleted, report.EventsKept));
        Assert.Equal((0L, 5L), (again.EventsDeleted, again.EventsKept));
        var left = (await ReadAllAsync(store, EventKey.User(person))).Concat(await ReadAllAsync(store, EventKey.User(other)))
            .Select(row => StoredEventFormat.Decode(row.Event).EventId).Order(StringComparer.Ordinal);
        Assert.Equal(kept.Select(e => e.EventId).Append(newProfile.EventId).Order(StringComparer.Ordinal), left);
        var snapshotsLeft = new List<string>();
        foreach (var stream in folded)
        {
            if (await Snapshots().LoadAsync(stream) is not null)
            {
                snapshotsLeft.Add(stream);
            }
        }
        Assert.Equal([EventKey.Idea(unrelated).Name], snapshotsLeft);
        var off = new RetentionSweep(store, later, Options.Create(new JournalOptions()), NullLogger<RetentionSweep>.Instance);
        Assert.Equal((false, 0L), ((await off.RunAsync()).Enabled, (await off.RunAsync()).EventsDeleted));
    }

    [Fact]
    public async Task Events_stored_after_the_horizon_are_left_alone()
    {
        var store = await OpenAsync();
        var (person, idea) = (Make.Id("u"), Make.Id("i"));
        await store.StoreAsync([Stored(Make.Event(View, person, idea, Make.Noon)), Stored(Make.Event(Like, person, idea, Make.Noon))]);
        var sweep = new RetentionSweep(store, new FakeTimeProvider(DateTimeOffset.UtcNow), Options.Create(new JournalOptions { RetentionDays = 181 }),
            NullLogger<RetentionSweep>.Instance);

        var report = await sweep.RunAsync();

        Assert.Equal((0L, 0L), (report.EventsDeleted, report.EventsKept));
        Assert.Equal(2, (await ReadAllAsync(store, EventKey.User(person))).Count);
    }
}

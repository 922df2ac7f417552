using System.Text;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Privacy;
using Collaboration.Tests.Support;
using Collaboration.Users;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Journal;

/// <summary>Erasure of a person, on every store: with real stored records, since an erasure rewrites them.</summary>
public abstract partial class EventStoreContract
{
    private static EventToStore Stored(Interaction e) =>
        new(StoredEventFormat.Encode(e), ContentHash.Of(e), e.UserId, e.IdeaId, e.ThreadId);

    private static EventToStore Stored(ProfileUpdated change, string userId) => new(StoredEventFormat.Encode(change), [], userId, null, null);

    [Fact]
    public async Task An_erasure_rewrites_the_persons_events_to_one_pseudonym_deletes_their_profile_and_refuses_their_later_events()
    {
        var store = await OpenAsync();
        var (person, other, idea, theirs, thread) = (Make.Id("u"), Make.Id("u"), Make.Id("i"), Make.Id("i"), Make.Id("t"));
        var create = Make.Event(Create, person, idea, Make.Noon, title: "Solar roofs");
        var comment = Make.Event(Comment, person, theirs, Make.Noon.AddMinutes(1), threadId: thread);
        var like = Make.Event(Like, other, idea, Make.Noon.AddMinutes(2));
        var before = await store.StoreAsync([Stored(create), Stored(comment), Stored(like),
            Stored(new ProfileUpdated("profile:" + Guid.NewGuid().ToString("N"), new UserProfile("Zyxwvu Person", "FI", null, null, null), Make.Noon), person)]);

        var erasure = await store.EraseUserAsync(person, "ops");

        Assert.Equal(ErasureOutcome.Erased, erasure.Outcome);
        Assert.StartsWith(Pseudonyms.Prefix, erasure.Pseudonym, StringComparison.Ordinal);
        Assert.Equal((2, 1), (erasure.EventsAnonymised, erasure.ProfileChangesDeleted));
        Assert.Equal(new[] { idea, theirs }.Order(StringComparer.Ordinal), erasure.Ideas);
        Assert.Equal([thread], erasure.Threads);
        Assert.Equal(erasure.Pseudonym, (await store.GetPseudonymsAsync()).Of(person));
        Assert.Empty(await ReadAllAsync(store, EventKey.User(person)));
        var underPseudonym = await ReadAllAsync(store, EventKey.User(erasure.Pseudonym));
        var decoded = underPseudonym.Select(row => StoredEventFormat.Decode(row.Event)).ToList();
        Assert.Equal(new[] { create with { UserId = erasure.Pseudonym }, comment with { UserId = erasure.Pseudonym } }.OrderBy(e => e.EventId),
            decoded.OfType<Interaction>().OrderBy(e => e.EventId));
        Assert.Equal(erasure.Pseudonym, Assert.Single(decoded.OfType<UserErased>()).Pseudonym);
        // Rewritten in place: the feed positions stay, so a reader's cursor stays right.
        Assert.Equal(new[] { before[0].Position, before[1].Position }.Order(),
            underPseudonym.Where(row => row.Event.Type == StoredEventFormat.InteractionType).Select(row => row.Position).Order());
        Assert.Equal(erasure.Pseudonym, ((Interaction)StoredEventFormat.Decode((await ReadAllAsync(store, EventKey.Thread(thread)))[0].Event)).UserId);
        Assert.DoesNotContain(person, Encoding.UTF8.GetString([.. (await ReadAllAsync(store, EventKey.Idea(idea))).SelectMany(row => row.Event.Data)]));

        var later = await store.StoreAsync([Stored(Make.Event(View, person, idea, Make.Noon.AddDays(1))), Stored(create), Stored(Make.Event(View, other, idea, Make.Noon))]);
        Assert.Equal([StoreOutcome.UserErased, StoreOutcome.UserErased, StoreOutcome.Stored], later.Select(result => result.Outcome));
        var fresh = await OpenAsync();
        Assert.Equal(StoreOutcome.UserErased, (await fresh.StoreAsync([Stored(Make.Event(Like, person, theirs, Make.Noon))]))[0].Outcome);
        Assert.Empty(await ReadAllAsync(store, EventKey.User(person)));
    }

    [Fact]
    public async Task An_erasure_repeated_finds_the_same_ideas_and_an_unknown_person_is_left_alone()
    {
        var store = await OpenAsync();
        var (person, idea, thread) = (Make.Id("u"), Make.Id("i"), Make.Id("t"));
        await store.StoreAsync([Stored(Make.Event(Comment, person, idea, Make.Noon, threadId: thread))]);
        var first = await store.EraseUserAsync(person, null);
        var rows = await ReadAllAsync(store, EventKey.User(first.Pseudonym));

        var again = await store.EraseUserAsync(person, null);
        var unknown = await store.EraseUserAsync(Make.Id("u"), null);

        Assert.Equal((ErasureOutcome.AlreadyErased, first.Pseudonym, 0, 0), (again.Outcome, again.Pseudonym, again.EventsAnonymised, again.ProfileChangesDeleted));
        Assert.Equal(first.Ideas, again.Ideas);
        Assert.Equal(first.Threads, again.Threads);
        Assert.Equal(rows.Select(row => row.Position), (await ReadAllAsync(store, EventKey.User(first.Pseudonym))).Select(row => row.Position));
        Assert.Equal(ErasureOutcome.Unknown, unknown.Outcome);
        Assert.Empty(await ReadAllAsync(store, EventKey.User(unknown.Pseudonym)));
        // Nothing was recorded for the unknown id: their events are still taken.
        Assert.Equal(StoreOutcome.Stored, (await store.StoreAsync([Stored(Make.Event(Like, "u-later-" + run, idea, Make.Noon))]))[0].Outcome);
    }

    [Fact]
    public async Task Events_stored_while_a_person_is_erased_are_either_rewritten_or_refused_never_left_under_their_id()
    {
        var store = await OpenAsync();
        var (person, idea) = (Make.Id("u"), Make.Id("i"));
        await store.StoreAsync([Stored(Make.Event(Create, person, idea, Make.Noon))]);
        var writes = Enumerable.Range(0, 40).Select(n =>
            store.StoreAsync([Stored(Make.Event(Like, person, idea, Make.Noon.AddSeconds(n))), Stored(Make.Event(View, Make.Id("u"), idea, Make.Noon))])).ToList();

        var erasure = await store.EraseUserAsync(person, null);
        var results = await Task.WhenAll(writes);

        Assert.Equal(ErasureOutcome.Erased, erasure.Outcome);
        Assert.Empty(await ReadAllAsync(store, EventKey.User(person)));
        Assert.All(results, result => Assert.Contains(result[0].Outcome, new[] { StoreOutcome.Stored, StoreOutcome.UserErased }));
        Assert.All(results, result => Assert.Equal(StoreOutcome.Stored, result[1].Outcome));
        var stored = results.Count(result => result[0].Outcome == StoreOutcome.Stored);
        var rows = (await ReadAllAsync(store, EventKey.User(erasure.Pseudonym))).Select(row => StoredEventFormat.Decode(row.Event)).ToList();
        // The create and every like stored: those stored before the erasure's commit were rewritten with it.
        Assert.Equal(1 + stored, rows.OfType<Interaction>().Count());
        Assert.Equal(40 + 1 + stored, (await ReadAllAsync(store, EventKey.Idea(idea))).Count);
    }
}

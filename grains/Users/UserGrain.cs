using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Users;

public sealed class UserGrain(
    IEventStore store, IGrainSnapshotStore snapshots, IOptions<JournalOptions> options, ILogger<UserGrain> logger, WriteBacklog backlog)
    : EventSourcedGrain<UserState>(store, snapshots, options, logger), IUserGrain
{
    protected override EventKey Key => EventKey.User(this.GetPrimaryKeyString());

    public async Task<bool> UpdateProfileAsync(UserProfile profile, DateTimeOffset updatedAt)
    {
        // A PUT is an entrance of its own: refused here, before anything is stored, when storage is backed up.
        using var admitted = backlog.Admit(1);
        return await ChangeProfileAsync(ProfilePatch.ReplaceAll(profile), updatedAt);
    }

    public async Task<bool> PatchProfileAsync(ProfilePatch patch, DateTimeOffset updatedAt)
    {
        // An import was admitted as a whole at its start; its writes count but are not refused one by one.
        using var tracked = backlog.Track(1);
        return await ChangeProfileAsync(patch, updatedAt);
    }

    private async Task<bool> ChangeProfileAsync(ProfilePatch patch, DateTimeOffset updatedAt)
    {
        // Merged here, where the profile lives, onto the latest stored one: profile calls take turns in this grain, so two
        // imports naming different columns cannot undo each other.
        await CatchUpAsync();
        var profile = patch.ApplyTo(State.Profile);
        if (profile == State.Profile)
        {
            return false;
        }
        var updated = new ProfileUpdated("profile:" + Guid.NewGuid().ToString("N"), profile, updatedAt);
        // The id is minted here, never posted, so it needs no content hash: an app reusing it gets a conflict.
        var result = (await Store.StoreAsync([new EventToStore(StoredEventFormat.Encode(updated), [], Key.Id, null, null)]))[0];
        if (result.Outcome != StoreOutcome.Stored)
        {
            throw new InvalidOperationException($"The profile change {updated.EventId} was not stored: {result.Outcome}.");
        }
        await CatchUpAsync();
        return true;
    }

    public Task<RebuildReport> RebuildAsync() => RebuildFromStoreAsync();

    public async Task<UserView?> GetAsync(ReadWindow window, DateTimeOffset now)
    {
        await CatchUpAsync();
        return State.IsKnown ? State.ToView(this.GetPrimaryKeyString(), window, now) : null;
    }

    public async Task<IdPage?> GetFollowingAsync(int limit, string? after)
    {
        await CatchUpAsync();
        return State.IsKnown ? State.Following.Page(limit, after) : null;
    }
}

using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Ideas;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Collaboration.Threads;
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
        if (result.Outcome == StoreOutcome.UserErased)
        {
            throw new UserErasedException("this user was erased; their profile can no longer be stored");
        }
        if (result.Outcome != StoreOutcome.Stored)
        {
            throw new InvalidOperationException($"The profile change {updated.EventId} was not stored: {result.Outcome}.");
        }
        await CatchUpAsync();
        return true;
    }

    public async Task<ErasureReceipt?> EraseAsync(string? erasedBy)
    {
        var erasure = await Store.EraseUserAsync(Key.Id, erasedBy);
        if (erasure.Outcome == ErasureOutcome.Unknown)
        {
            return null;
        }
        Forget();
        // Ideas and threads hold the person as owner, author, participant or follower: they fold their rewritten rows again.
        await Task.WhenAll(erasure.Ideas.Select(idea => GrainFactory.GetGrain<IIdeaGrain>(idea).RefoldAsync())
            .Concat(erasure.Threads.Select(thread => GrainFactory.GetGrain<IThreadGrain>(thread).RefoldAsync())));
        DeactivateOnIdle();
        return new ErasureReceipt(erasure.Outcome == ErasureOutcome.AlreadyErased, erasure.EventsAnonymised, erasure.ProfileChangesDeleted,
            erasure.Ideas.Count, erasure.Threads.Count);
    }

    public async Task<UserExport?> ExportAsync(ReadWindow[] windows, DateTimeOffset now)
    {
        await CatchUpAsync();
        if (!State.IsKnown)
        {
            return null;
        }
        // The events as stored, read here rather than kept: the state folds them into counts and instants only.
        var stored = (await Store.ReadAsync(Key, FeedCursor.Start)).Events.Select(row => StoredEventFormat.Decode(row.Event)).ToList();
        var id = this.GetPrimaryKeyString();
        State.ForgetBefore((now - UserState.TimelineKept).UtcTicks);
        return new UserExport(id, State.Profile,
            [.. stored.OfType<ProfileUpdated>().OrderBy(change => change.UpdatedAt)],
            [.. stored.OfType<Interaction>().OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal)],
            State.Following.Page(int.MaxValue - 1, null).Items,
            [.. windows.Select(window => State.ToView(id, window, now))]);
    }

    public Task<RebuildReport> RebuildAsync() => RebuildFromStoreAsync();

    public Task RefoldAsync() => RebuildFromStoreAsync(quiet: true);

    public async Task<UserView?> GetAsync(ReadWindow window, DateTimeOffset now)
    {
        await CatchUpAsync();
        State.ForgetBefore((now - UserState.TimelineKept).UtcTicks);
        return State.IsKnown ? State.ToView(this.GetPrimaryKeyString(), window, now) : null;
    }

    public async Task<FollowingPage?> GetFollowingAsync(int limit, string? after)
    {
        await CatchUpAsync();
        if (!State.IsKnown)
        {
            return null;
        }
        var page = State.Following.Page(limit, after);
        var userId = this.GetPrimaryKeyString();
        var items = new List<FollowedIdea>(page.Items.Length);
        foreach (var ideas in page.Items.Chunk(FollowedFanOut))
        {
            var updates = await Task.WhenAll(ideas.Select(idea => GrainFactory.GetGrain<IIdeaGrain>(idea).GetUpdateForAsync(userId)));
            items.AddRange(ideas.Zip(updates).Select(pair => new FollowedIdea(pair.First,
                new DateTimeOffset(State.Following.MarkOf(pair.First)!.Value.Ticks, TimeSpan.Zero), pair.Second?.LastActivityAt, pair.Second?.LastSeenAt)));
        }
        return new FollowingPage([.. items], page.HasMore);
    }

    /// <summary>How many followed ideas are asked at once: a user may follow thousands.</summary>
    private const int FollowedFanOut = 256;

    public async Task<UpdatesPage?> GetUpdatesAsync(int limit, UpdatesCursor? after)
    {
        await CatchUpAsync();
        if (!State.IsKnown)
        {
            return null;
        }
        var page = (await AskFollowedIdeasAsync())
            .Select(followed => followed.Update)
            .Where(update => update.LastSeenAt is not { } seen || update.LastActivityAt > seen)
            .Where(update => after is null || update.LastActivityAt < after.LastActivityAt
                || (update.LastActivityAt == after.LastActivityAt && string.CompareOrdinal(update.IdeaId, after.IdeaId) > 0))
            .OrderByDescending(update => update.LastActivityAt).ThenBy(update => update.IdeaId, StringComparer.Ordinal)
            .Take(limit + 1).ToArray();
        return page.Length > limit ? new UpdatesPage(page[..limit], true) : new UpdatesPage(page, false);
    }

    public async Task<StaleFollow[]?> GetStaleFollowsAsync(DateTimeOffset seenBy)
    {
        await CatchUpAsync();
        if (!State.IsKnown)
        {
            return null;
        }
        var userId = this.GetPrimaryKeyString();
        return [.. (await AskFollowedIdeasAsync())
            .Where(followed => followed.Update.LastSeenAt is not { } seen || seen <= seenBy)
            .OrderBy(followed => followed.Update.LastSeenAt ?? DateTimeOffset.MinValue).ThenBy(followed => followed.Update.IdeaId, StringComparer.Ordinal)
            .Select(followed => new StaleFollow(followed.Update.IdeaId, followed.Update.Title, new DateTimeOffset(followed.Mark.Ticks, TimeSpan.Zero),
                followed.Update.LastSeenAt, followed.Update.LastActivityAt, followed.Update.Counts, Prune.UnfollowEventId(userId, followed.Update.IdeaId, followed.Mark)))];
    }

    /// <summary>
    /// Each followed idea with what is new there for this user: the idea knows its activity and when the user last saw it
    /// (their latest event there), so it is asked, <see cref="FollowedFanOut"/> at a time.
    /// </summary>
    private async Task<List<(FollowMark Mark, IdeaUpdate Update)>> AskFollowedIdeasAsync()
    {
        var userId = this.GetPrimaryKeyString();
        var answers = new List<(FollowMark, IdeaUpdate)>();
        foreach (var ideas in State.Following.Current.Chunk(FollowedFanOut))
        {
            var updates = await Task.WhenAll(ideas.Select(idea => GrainFactory.GetGrain<IIdeaGrain>(idea.Key).GetUpdateForAsync(userId)));
            // A followed idea is always known (the follow is one of its events); the check keeps the types honest.
            answers.AddRange(ideas.Zip(updates).Where(pair => pair.Second is not null).Select(pair => (pair.First.Mark, pair.Second!)));
        }
        return answers;
    }
}

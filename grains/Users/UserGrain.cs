using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Rebuild;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Users;

public sealed class UserGrain(IEventJournal journal, IOptions<JournalOptions> options, ILogger<UserGrain> logger, WriteBacklog backlog)
    : EventSourcedGrain<UserState>(journal, options, logger), IUserGrain
{
    protected override string StreamId => "user/" + this.GetPrimaryKeyString();

    public Task RecordAsync(Interaction[] events) => AppendAsync(events);

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
        // Merged here, where the profile lives: profile calls take turns in this grain, so two imports naming
        // different columns cannot undo each other.
        var profile = patch.ApplyTo(State.Profile);
        if (profile == State.Profile)
        {
            return false;
        }
        await AppendAsync([new ProfileUpdated("profile:" + Guid.NewGuid().ToString("N"), profile, updatedAt)]);
        return true;
    }

    public Task<RebuildReport> RebuildAsync() => RebuildFromJournalAsync();

    public Task<UserView?> GetAsync(ReadWindow window, DateTimeOffset now) =>
        Task.FromResult(State.IsKnown ? State.ToView(this.GetPrimaryKeyString(), window, now) : null);

    public Task<IdPage?> GetFollowingAsync(int limit, string? after) =>
        Task.FromResult(State.IsKnown ? State.Following.Page(limit, after) : null);
}

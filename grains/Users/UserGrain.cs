using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Reads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collaboration.Users;

public sealed class UserGrain(IEventJournal journal, IOptions<JournalOptions> options, ILogger<UserGrain> logger)
    : EventSourcedGrain<UserState>(journal, options, logger), IUserGrain
{
    protected override string StreamId => "user/" + this.GetPrimaryKeyString();

    public Task RecordAsync(Interaction[] events) => AppendAsync(events);

    public Task<bool> UpdateProfileAsync(UserProfile profile, DateTimeOffset updatedAt) =>
        PatchProfileAsync(ProfilePatch.ReplaceAll(profile), updatedAt);

    public async Task<bool> PatchProfileAsync(ProfilePatch patch, DateTimeOffset updatedAt)
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

    public Task<UserView?> GetAsync(ReadWindow window, DateTimeOffset now) =>
        Task.FromResult(State.IsKnown ? State.ToView(this.GetPrimaryKeyString(), window, now) : null);

    public Task<IdPage?> GetFollowingAsync(int limit, string? after) =>
        Task.FromResult(State.IsKnown ? State.Following.Page(limit, after) : null);
}

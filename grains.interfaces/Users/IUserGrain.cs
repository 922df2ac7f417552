using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Reads;
using Collaboration.Rebuild;

namespace Collaboration.Users;

/// <summary>One employee: directory profile, interactions and the ideas they follow. Keyed by user id.</summary>
public interface IUserGrain : IGrainWithStringKey, IRebuildableGrain
{
    /// <summary>
    /// Replaces the whole profile unless it is already the current one; returns whether it changed. Throws
    /// <see cref="Errors.StorageBusyException"/>, storing nothing, when writes are queued past the silo's limit.
    /// </summary>
    Task<bool> UpdateProfileAsync(UserProfile profile, DateTimeOffset updatedAt);

    /// <summary>
    /// Changes the fields <paramref name="patch"/> names, keeping the others, unless that leaves the profile as it is;
    /// returns whether it changed. The merged profile is stored whole, so replaying the stream needs no patches.
    /// </summary>
    Task<bool> PatchProfileAsync(ProfilePatch patch, DateTimeOffset updatedAt);

    /// <summary>The participation view over <paramref name="window"/> ending at <paramref name="now"/>; null when the user was neither registered nor seen.</summary>
    Task<UserView?> GetAsync(ReadWindow window, DateTimeOffset now);

    /// <summary>
    /// Erases the person everywhere (their stored events rewritten to a pseudonym, profile changes deleted,
    /// snapshots gone), then refolds the grains of their ideas and threads; null when no stored event names them and
    /// they were never erased. Idempotent: a repeat finishes the refolds and reports <see cref="ErasureReceipt.AlreadyErased"/>.
    /// </summary>
    Task<ErasureReceipt?> EraseAsync(string? erasedBy);

    /// <summary>Everything held about the user, with their views over <paramref name="windows"/> ending at <paramref name="now"/>; null when unknown.</summary>
    Task<UserExport?> ExportAsync(ReadWindow[] windows, DateTimeOffset now);

    /// <summary>
    /// Ideas the user follows, in ordinal order, after <paramref name="after"/>, each with when it was followed, its latest
    /// activity and when the user last saw it; null when the user is unknown.
    /// </summary>
    Task<FollowingPage?> GetFollowingAsync(int limit, string? after);

    /// <summary>
    /// The ideas the user follows with activity since they last saw them, newest activity first, after
    /// <paramref name="after"/>; null when the user is unknown.
    /// </summary>
    Task<UpdatesPage?> GetUpdatesAsync(int limit, UpdatesCursor? after);

    /// <summary>
    /// The ideas the user follows and last saw at or before <paramref name="seenBy"/>, longest unseen first; null when
    /// the user is unknown.
    /// </summary>
    Task<StaleFollow[]?> GetStaleFollowsAsync(DateTimeOffset seenBy);
}

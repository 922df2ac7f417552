using System.Security.Cryptography;
using System.Text;
using Collaboration.Folds;

namespace Collaboration.Users;

/// <summary>How a prune names the unfollows it stores, so that a retried or concurrent prune stores each one once.</summary>
public static class Prune
{
    /// <summary>
    /// The id of the unfollow that undoes <paramref name="follow"/>: derived from the user, the idea and the follow's own
    /// event id, so the same follow always gets the same unfollow id, and a later follow of the same idea another one.
    /// </summary>
    public static string UnfollowEventId(string userId, string ideaId, FollowMark follow) =>
        "prune-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{ideaId}\n{follow.EventId}")))[..32];
}

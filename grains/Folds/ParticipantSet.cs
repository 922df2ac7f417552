using Collaboration.Events;
using Collaboration.Reads;

namespace Collaboration.Folds;

/// <summary>Distinct users by their highest participation level; raising is order-independent (a max).</summary>
public sealed class ParticipantSet
{
    private readonly Dictionary<string, ParticipationLevel> levels = new(StringComparer.Ordinal);
    private readonly int[] usersAtLevel = new int[4];

    public void Raise(string userId, ParticipationLevel level)
    {
        levels.TryGetValue(userId, out var current);
        if (level <= current)
        {
            return;
        }
        levels[userId] = level;
        if (current != ParticipationLevel.Inactive)
        {
            usersAtLevel[(int)current]--;
        }
        usersAtLevel[(int)level]++;
    }

    public Participants ToView() => new(
        usersAtLevel[(int)ParticipationLevel.Creator],
        usersAtLevel[(int)ParticipationLevel.Editor],
        usersAtLevel[(int)ParticipationLevel.Audience]);

    /// <summary>In ordinal order of user id, so the same set folded in any order stores the same bytes.</summary>
    public Dictionary<string, ParticipationLevel> ToSnapshot() => new(levels.OrderBy(pair => pair.Key, StringComparer.Ordinal), StringComparer.Ordinal);

    public static ParticipantSet FromSnapshot(Dictionary<string, ParticipationLevel> levels)
    {
        var set = new ParticipantSet();
        foreach (var (userId, level) in levels)
        {
            set.Raise(userId, level);
        }
        return set;
    }
}

using Collaboration.Events;
using Collaboration.Reads;

namespace Collaboration.Folds;

/// <summary>
/// Distinct users by their highest participation level and the instant of their latest event (when they last saw the
/// idea or thread); both are maxima, so order-independent.
/// </summary>
public sealed class ParticipantSet
{
    private readonly Dictionary<string, Participant> participants = new(StringComparer.Ordinal);
    private readonly int[] usersAtLevel = new int[4];

    public void Raise(string userId, ParticipationLevel level, long ticks)
    {
        var known = participants.TryGetValue(userId, out var current);
        participants[userId] = new Participant(level > current.Level ? level : current.Level, known ? Math.Max(ticks, current.LastSeen) : ticks);
        if (level <= current.Level)
        {
            return;
        }
        if (current.Level != ParticipationLevel.Inactive)
        {
            usersAtLevel[(int)current.Level]--;
        }
        usersAtLevel[(int)level]++;
    }

    /// <summary>The instant of the user's latest event here; null when they have none.</summary>
    public long? LastSeen(string userId) => participants.TryGetValue(userId, out var participant) ? participant.LastSeen : null;

    public Participants ToView() => new(
        usersAtLevel[(int)ParticipationLevel.Creator],
        usersAtLevel[(int)ParticipationLevel.Editor],
        usersAtLevel[(int)ParticipationLevel.Audience]);

    /// <summary>
    /// In ordinal order of user id, so the same set folded in any order stores the same bytes: the levels by user, and
    /// the latest instants in the same order.
    /// </summary>
    public (Dictionary<string, ParticipationLevel> Levels, long[] LastSeen) ToSnapshot()
    {
        var ordered = participants.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        return (new(ordered.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Level)), StringComparer.Ordinal), [.. ordered.Select(pair => pair.Value.LastSeen)]);
    }

    /// <summary>Throws <see cref="InvalidDataException"/> without the latest instants (a snapshot from before they were kept: the grain folds its events again).</summary>
    public static ParticipantSet FromSnapshot(Dictionary<string, ParticipationLevel> levels, long[]? lastSeen)
    {
        if (lastSeen is null || lastSeen.Length != levels.Count)
        {
            throw new InvalidDataException("The participants' latest instants are missing.");
        }
        var set = new ParticipantSet();
        foreach (var ((userId, level), ticks) in levels.OrderBy(pair => pair.Key, StringComparer.Ordinal).Zip(lastSeen))
        {
            set.Raise(userId, level, ticks);
        }
        return set;
    }

    private readonly record struct Participant(ParticipationLevel Level, long LastSeen);
}

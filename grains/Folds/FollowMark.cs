namespace Collaboration.Folds;

/// <summary>The latest follow decision for one (idea, user) pair; later occurredAt wins, ties go to the larger event id.</summary>
public readonly record struct FollowMark(long Ticks, string EventId, bool Following)
{
    public bool IsLaterThan(FollowMark other) =>
        Ticks != other.Ticks ? Ticks > other.Ticks : string.CompareOrdinal(EventId, other.EventId) > 0;
}

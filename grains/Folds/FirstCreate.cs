using Collaboration.Events;

namespace Collaboration.Folds;

/// <summary>The create that decides owner, title and createdAt: earliest occurredAt, ties to the smaller event id.</summary>
public sealed record FirstCreate(long Ticks, string EventId, string UserId, string? Title, string[]? Tags)
{
    public static FirstCreate? Earliest(FirstCreate? current, Interaction create)
    {
        var ticks = create.OccurredAt.UtcTicks;
        var isEarlier = current is null || ticks < current.Ticks ||
            (ticks == current.Ticks && string.CompareOrdinal(create.EventId, current.EventId) < 0);
        return isEarlier ? new FirstCreate(ticks, create.EventId, create.UserId, create.Title, create.Tags) : current;
    }

    public DateTimeOffset CreatedAt => new(Ticks, TimeSpan.Zero);
}

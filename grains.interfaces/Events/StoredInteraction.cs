namespace Collaboration.Events;

/// <summary>
/// An interaction as the event store took it, delivered to the grains it belongs to: its record's
/// <see cref="Position"/> and <see cref="Commit"/> (see the store's StoreResult) let a grain tell an event it has already
/// folded, whether it came in an earlier delivery or in the grain's own read of its events.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StoredInteraction(
    [property: Id(0)] long Position,
    [property: Id(1)] long Commit,
    [property: Id(2)] Interaction Interaction);

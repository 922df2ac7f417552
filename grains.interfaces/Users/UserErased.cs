using Collaboration.Events;

namespace Collaboration.Users;

/// <summary>
/// A person was erased: every stored event of theirs now names <paramref name="Pseudonym"/> instead of their id, and
/// their profile changes are gone. Stored under the pseudonym, so it names no one; folds that knew the person by their
/// id (the read model) learn from it to rename them, and that they no longer count <paramref name="ProfileChangesDeleted"/>
/// events of theirs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserErased(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Pseudonym,
    [property: Id(2)] DateTimeOffset ErasedAt,
    [property: Id(3)] int ProfileChangesDeleted) : IStreamEvent;

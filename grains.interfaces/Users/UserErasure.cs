using Collaboration.Events;

namespace Collaboration.Users;

/// <summary>What an erasure did (see README, Personal data); names neither the person nor their pseudonym.</summary>
[GenerateSerializer, Immutable]
public sealed record ErasureReceipt(
    [property: Id(0)] bool AlreadyErased,
    [property: Id(1)] int EventsAnonymised,
    [property: Id(2)] int ProfileChangesDeleted,
    [property: Id(3)] int IdeasRefolded,
    [property: Id(4)] int ThreadsRefolded);

/// <summary>Everything the service holds about one person: their profile and its changes, their events, what they follow, their tiers.</summary>
[GenerateSerializer, Immutable]
public sealed record UserExport(
    [property: Id(0)] string UserId,
    [property: Id(1)] UserProfile? Profile,
    [property: Id(2)] ProfileUpdated[] ProfileChanges,
    [property: Id(3)] Interaction[] Events,
    [property: Id(4)] string[] Following,
    [property: Id(5)] UserView[] Windows);

namespace Collaboration.Security;

/// <summary>
/// A stored API key: its public id, name and scopes, the salted hash of its secret (never the secret), its own event
/// rate if it has one, and when it was created and revoked. A revocation time in the future is a rotation's grace.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string[] Scopes,
    [property: Id(3)] byte[] Salt,
    [property: Id(4)] byte[] Hash,
    [property: Id(5)] int? EventsPerSecond,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? RevokedAt)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is not { } revoked || revoked > now;
}

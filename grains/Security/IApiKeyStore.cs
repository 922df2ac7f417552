namespace Collaboration.Security;

/// <summary>
/// Where API keys are kept: the embedded SQLite file, or PostgreSQL in cluster mode so every replica sees the same
/// keys. Rows are never deleted: a revoked key keeps its row (and its id stays taken).
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key; false when its id is taken.</summary>
    Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct = default);

    Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken ct = default);

    /// <summary>Every key, revoked ones too, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct = default);

    /// <summary>Revokes the key at <paramref name="at"/> unless it is revoked earlier already; false when nothing changed.</summary>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken ct = default);

    Task<bool> AnyActiveAsync(DateTimeOffset now, CancellationToken ct = default);
}

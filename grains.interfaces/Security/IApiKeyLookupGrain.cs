namespace Collaboration.Security;

/// <summary>
/// The api's view of the key store, which only silos can open (in cluster mode the api has no database). Key 0.
/// </summary>
public interface IApiKeyLookupGrain : IGrainWithIntegerKey
{
    /// <summary>The key with this id if it is active now (by the silo's clock); null when unknown or revoked.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(string keyId);

    /// <summary>Whether any key is active: without one the service is in keyless, loopback-only mode.</summary>
    Task<bool> AnyActiveAsync();
}

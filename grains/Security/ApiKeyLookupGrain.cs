using Orleans.Concurrency;

namespace Collaboration.Security;

/// <summary>Reads the key store on whichever silo takes the call; it holds no state, so calls run side by side.</summary>
[StatelessWorker]
[Reentrant]
public sealed class ApiKeyLookupGrain(IApiKeyStore store, TimeProvider clock) : Grain, IApiKeyLookupGrain
{
    public async Task<ApiKeyRecord?> FindActiveAsync(string keyId) =>
        await store.FindAsync(keyId) is { } key && key.IsActiveAt(clock.GetUtcNow()) ? key : null;

    public Task<bool> AnyActiveAsync() => store.AnyActiveAsync(clock.GetUtcNow());
}

using Collaboration.Api.Http;
using Collaboration.Security;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Security;

/// <summary>
/// The keys as the silos last said, kept for <see cref="ApiKeyOptions.CacheFor"/>. Unknown ids are cached too, so a
/// client retrying a bad key does not cost a lookup per request; the size limit bounds what made-up ids can fill.
/// </summary>
public sealed class ApiKeyCache(IGrainFactory grains, IOptions<ApiKeyOptions> options) : IDisposable
{
    private const string AnyActiveEntry = "any";
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The active key with this id, or null when it is unknown or revoked.</summary>
    public Task<ApiKeyRecord?> FindActiveAsync(string keyId) => CachedAsync("key:" + keyId, lookup => lookup.FindActiveAsync(keyId));

    public Task<bool> AnyActiveAsync() => CachedAsync(AnyActiveEntry, lookup => lookup.AnyActiveAsync());

    public void Dispose() => cache.Dispose();

    private async Task<T> CachedAsync<T>(string entry, Func<IApiKeyLookupGrain, Task<T>> lookup)
    {
        var ttl = options.Value.CacheFor;
        if (ttl <= TimeSpan.Zero)
        {
            return await GrainRetry.CallAsync(() => lookup(grains.GetGrain<IApiKeyLookupGrain>(0)));
        }
        // The task is cached, so concurrent requests for one key share one lookup.
        if (!cache.TryGetValue(entry, out Task<T>? pending) || pending is null)
        {
            pending = GrainRetry.CallAsync(() => lookup(grains.GetGrain<IApiKeyLookupGrain>(0)));
            _ = cache.Set(entry, pending, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ttl });
        }
        try
        {
            return await pending;
        }
        catch
        {
            // A failed lookup (storage down) is not an answer: the next request asks again.
            cache.Remove(entry);
            throw;
        }
    }
}

using Collaboration.Security;

namespace Collaboration.Api.Keys;

/// <summary>What each keys command does to the store; exit code 0 on success, 1 when the store refuses.</summary>
internal sealed class KeyOperations(IConfiguration configuration, KeysConsole console)
{
    public Task<int> CreateAsync(string name, string[] scopes, int? rate, CancellationToken ct) =>
        WithStoreAsync(async store =>
        {
            var (key, record) = NewKey(name, scopes, rate);
            if (!await store.CreateAsync(record, ct))
            {
                return Fail("a new key id collided with a stored one; run the command again");
            }
            console.Error.WriteLine($"Created key {record.KeyId} '{name}' ({string.Join(',', scopes)}). It is shown only this once:");
            console.Output.WriteLine(key);
            return 0;
        }, ct);

    public Task<int> ListAsync(CancellationToken ct) =>
        WithStoreAsync(async store =>
        {
            console.Output.WriteLine("id  name  scopes  rate  created  revoked");
            foreach (var key in await store.ListAsync(ct))
            {
                console.Output.WriteLine(KeysCommand.Describe(key));
            }
            return 0;
        }, ct);

    public Task<int> RevokeAsync(string keyId, CancellationToken ct) =>
        WithStoreAsync(async store =>
        {
            if (await store.FindAsync(keyId, ct) is null)
            {
                return Fail($"no key '{keyId}'");
            }
            var revoked = await store.RevokeAsync(keyId, DateTimeOffset.UtcNow, ct);
            console.Error.WriteLine(revoked ? $"Revoked key {keyId}; every replica refuses it within its cache time (ApiKeys:CacheFor)." : $"Key {keyId} was revoked already.");
            return 0;
        }, ct);

    /// <summary>
    /// A new key (new id and secret) with the old one's name, scopes and rate; the old one is revoked at once, or after
    /// <paramref name="grace"/> so clients can switch over. The id changes because the id is how a key is found.
    /// </summary>
    public Task<int> RotateAsync(string keyId, TimeSpan grace, CancellationToken ct) =>
        WithStoreAsync(async store =>
        {
            if (await store.FindAsync(keyId, ct) is not { } old || !old.IsActiveAt(DateTimeOffset.UtcNow))
            {
                return Fail($"no active key '{keyId}'");
            }
            var (key, record) = NewKey(old.Name, old.Scopes, old.EventsPerSecond);
            if (!await store.CreateAsync(record, ct))
            {
                return Fail("a new key id collided with a stored one; run the command again");
            }
            var until = DateTimeOffset.UtcNow + (grace > TimeSpan.Zero ? grace : TimeSpan.Zero);
            await store.RevokeAsync(keyId, until, ct);
            console.Error.WriteLine($"Key {record.KeyId} replaces {keyId}, which {(grace > TimeSpan.Zero ? $"works until {until:u}" : "is revoked")}. The new key is shown only this once:");
            console.Output.WriteLine(key);
            return 0;
        }, ct);

    /// <summary>
    /// Stores a key generated elsewhere. Importing the same key again changes nothing (a deployment may run it on every
    /// start); a key whose id is stored with another secret is refused.
    /// </summary>
    public Task<int> ImportAsync(string name, string[] scopes, int? rate, string? fromEnv, CancellationToken ct)
    {
        var presented = (fromEnv is null ? console.Input.ReadLine() : Environment.GetEnvironmentVariable(fromEnv))?.Trim();
        if (!ApiKeyFormat.TryParse(presented, out var keyId, out var secret))
        {
            return Task.FromResult(Fail($"{(fromEnv is null ? "standard input" : fromEnv)} does not hold a key made by keys generate (collab_..., checksum included)"));
        }
        return WithStoreAsync(async store =>
        {
            var salt = ApiKeyFormat.NewSalt();
            var record = new ApiKeyRecord(keyId, name, scopes, salt, ApiKeyFormat.Hash(secret, salt), rate, DateTimeOffset.UtcNow, null);
            if (await store.CreateAsync(record, ct))
            {
                console.Error.WriteLine($"Imported key {keyId} '{name}' ({string.Join(',', scopes)}).");
                return 0;
            }
            var stored = await store.FindAsync(keyId, ct);
            if (stored is null || !ApiKeyFormat.Matches(stored, secret))
            {
                return Fail($"key id {keyId} is stored with another secret");
            }
            console.Error.WriteLine($"Key {keyId} is stored already{(stored.IsActiveAt(DateTimeOffset.UtcNow) ? "" : " and revoked; it stays revoked")}.");
            return 0;
        }, ct);
    }

    public int Generate()
    {
        console.Output.WriteLine(ApiKeyFormat.Generate().Key);
        return 0;
    }

    private static (string Key, ApiKeyRecord Record) NewKey(string name, string[] scopes, int? rate)
    {
        var (key, keyId, secret) = ApiKeyFormat.Generate();
        var salt = ApiKeyFormat.NewSalt();
        return (key, new ApiKeyRecord(keyId, name, scopes, salt, ApiKeyFormat.Hash(secret, salt), rate, DateTimeOffset.UtcNow, null));
    }

    private async Task<int> WithStoreAsync(Func<IApiKeyStore, Task<int>> work, CancellationToken ct)
    {
        var (store, owner) = await KeysCommand.OpenStoreAsync(configuration, ct);
        using (owner)
        {
            return await work(store);
        }
    }

    private int Fail(string message)
    {
        console.Error.WriteLine("error: " + message);
        return 1;
    }
}

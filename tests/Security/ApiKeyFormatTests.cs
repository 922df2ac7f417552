using Collaboration.Security;

namespace Collaboration.Tests.Security;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void A_generated_key_parses_back_into_its_id_and_secret()
    {
        var (key, id, secret) = ApiKeyFormat.Generate();

        Assert.True(ApiKeyFormat.TryParse(key, out var parsedId, out var parsedSecret));
        Assert.Equal((id, secret), (parsedId, parsedSecret));
        Assert.Matches("^collab_[a-z0-9]{12}_[A-Za-z0-9]{38}$", key);
    }

    [Fact]
    public void Any_changed_character_fails_the_checksum_before_a_lookup()
    {
        var (key, _, _) = ApiKeyFormat.Generate();
        for (var i = ApiKeyFormat.Prefix.Length; i < key.Length; i++)
        {
            if (key[i] == '_')
            {
                continue;
            }
            var changed = key[..i] + (key[i] == 'a' ? 'b' : 'a') + key[(i + 1)..];
            Assert.False(ApiKeyFormat.TryParse(changed, out _, out _), $"position {i}: {changed}");
        }
        Assert.False(ApiKeyFormat.TryParse(key + "a", out _, out _));
        Assert.False(ApiKeyFormat.TryParse(key.Replace("collab_", "collab-", StringComparison.Ordinal), out _, out _));
        Assert.False(ApiKeyFormat.TryParse(null, out _, out _));
    }

    [Fact]
    public void The_stored_hash_is_salted_so_one_secret_hashes_differently_per_key()
    {
        var (_, _, secret) = ApiKeyFormat.Generate();
        var (first, second) = (ApiKeyFormat.NewSalt(), ApiKeyFormat.NewSalt());

        Assert.NotEqual(ApiKeyFormat.Hash(secret, first), ApiKeyFormat.Hash(secret, second));
        var key = new ApiKeyRecord("id", "n", [], first, ApiKeyFormat.Hash(secret, first), null, DateTimeOffset.UnixEpoch, null);
        Assert.True(ApiKeyFormat.Matches(key, secret));
        Assert.False(ApiKeyFormat.Matches(key, secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a')));
    }
}

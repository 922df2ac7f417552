using Collaboration.Hosting;
using Collaboration.Security;
using Collaboration.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Collaboration.Tests.Security;

/// <summary>The `keys` command on the embedded store, run in this process; the key it prints is checked against the store.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly Dictionary<string, string> settings;

    public KeysCommandTests() => settings = new() { ["COLLAB_DATA_DIR"] = directory.Path };

    public void Dispose() => directory.Dispose();

    private async Task<ApiKeyRecord?> StoredAsync(string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Build();
        var (store, owner) = await CollaborationHostingExtensions.OpenApiKeyStoreAsync(configuration);
        using (owner)
        {
            Assert.True(ApiKeyFormat.TryParse(key, out var id, out var secret), key);
            var stored = await store.FindAsync(id);
            Assert.True(stored is null || ApiKeyFormat.Matches(stored, secret));
            return stored;
        }
    }

    [Fact]
    public async Task Create_prints_a_key_once_whose_salted_hash_is_stored_with_its_name_scopes_and_rate()
    {
        var key = await KeysCli.CreateAsync(settings, "crm", "stats:read,events:write", "--rate", "40");

        var stored = await StoredAsync(key);
        Assert.StartsWith("collab_", key, StringComparison.Ordinal);
        Assert.Equal(ApiKeyFormat.Length, key.Length);
        Assert.Equal(("crm", (int?)40), (stored!.Name, stored.EventsPerSecond));
        Assert.Equal(["events:write", "stats:read"], stored.Scopes);
        Assert.True(stored.IsActiveAt(DateTimeOffset.UtcNow));
        Assert.DoesNotContain(key.Split('_')[2][..ApiKeyFormat.SecretLength], Convert.ToHexString(stored.Hash), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_ids_names_scopes_and_rates_but_never_a_secret()
    {
        var first = await KeysCli.CreateAsync(settings, "crm", "events:write", "--rate", "7");
        var second = await KeysCli.CreateAsync(settings, "dashboard", "stats:read");

        var (exit, output, error) = await KeysCli.RunAsync(settings, "list");

        Assert.Equal(0, exit);
        foreach (var key in new[] { first, second })
        {
            Assert.Contains(KeysCli.IdOf(key), output, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Split('_')[2], output + error, StringComparison.Ordinal);
        }
        Assert.Contains("crm  events:write  7", output, StringComparison.Ordinal);
        Assert.Contains("dashboard  stats:read  -", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_ends_a_key_and_an_unknown_id_is_an_error()
    {
        var key = await KeysCli.CreateAsync(settings, "crm", "events:write");

        var revoked = await KeysCli.RunAsync(settings, "revoke", KeysCli.IdOf(key));
        var unknown = await KeysCli.RunAsync(settings, "revoke", "nosuchkey000");

        Assert.Equal(0, revoked.Exit);
        Assert.False((await StoredAsync(key))!.IsActiveAt(DateTimeOffset.UtcNow));
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no key 'nosuchkey000'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_prints_a_new_key_with_the_same_name_scopes_and_rate_and_revokes_the_old_one_unless_given_grace()
    {
        var old = await KeysCli.CreateAsync(settings, "crm", "events:write,admin", "--rate", "3");
        var graced = await KeysCli.CreateAsync(settings, "etl", "events:write");

        var rotated = await KeysCli.RunAsync(settings, "rotate", KeysCli.IdOf(old));
        var withGrace = await KeysCli.RunAsync(settings, "rotate", KeysCli.IdOf(graced), "--grace", "01:00:00");
        var again = await KeysCli.RunAsync(settings, "rotate", KeysCli.IdOf(old));

        Assert.Equal(0, rotated.Exit);
        var replacement = (await StoredAsync(rotated.Output.Trim()))!;
        Assert.Equal(("crm", (int?)3), (replacement.Name, replacement.EventsPerSecond));
        Assert.Equal(["admin", "events:write"], replacement.Scopes);
        Assert.NotEqual(KeysCli.IdOf(old), replacement.KeyId);
        Assert.False((await StoredAsync(old))!.IsActiveAt(DateTimeOffset.UtcNow));
        Assert.Equal(0, withGrace.Exit);
        Assert.True((await StoredAsync(graced))!.IsActiveAt(DateTimeOffset.UtcNow));
        Assert.False((await StoredAsync(graced))!.IsActiveAt(DateTimeOffset.UtcNow.AddHours(1.01)));
        Assert.Equal(1, again.Exit);
    }

    [Fact]
    public async Task Import_stores_a_generated_key_from_stdin_or_a_variable_once_and_refuses_another_secret_or_garbage()
    {
        var (_, generated, _) = await KeysCli.RunAsync(settings, "generate");
        var key = generated.Trim();
        var variable = "COLLAB_TEST_KEY_" + Guid.NewGuid().ToString("N");
        var (_, otherId, otherSecret) = ApiKeyFormat.Generate();
        var fromVariable = ApiKeyFormat.Format(otherId, otherSecret);
        Environment.SetEnvironmentVariable(variable, fromVariable);

        var imported = await KeysCli.RunWithInputAsync(settings, key + "\n", "import", "ingest", "--scopes", "events:write");
        var twice = await KeysCli.RunWithInputAsync(settings, key + "\n", "import", "ingest", "--scopes", "events:write");
        var sameIdOtherSecret = await KeysCli.RunWithInputAsync(settings, ApiKeyFormat.Format(KeysCli.IdOf(key), ApiKeyFormat.Generate().Secret),
            "import", "ingest", "--scopes", "events:write");
        var garbage = await KeysCli.RunWithInputAsync(settings, "collab_not_a_key\n", "import", "x", "--scopes", "events:write");
        var viaVariable = await KeysCli.RunAsync(settings, "import", "dash", "--scopes", "stats:read", "--from-env", variable);

        Assert.Equal((0, 0), (imported.Exit, twice.Exit));
        Assert.Equal("ingest", (await StoredAsync(key))!.Name);
        Assert.Equal(1, sameIdOtherSecret.Exit);
        Assert.True(ApiKeyFormat.Matches((await StoredAsync(key))!, key.Split('_')[2][..ApiKeyFormat.SecretLength]));
        Assert.Equal(1, garbage.Exit);
        Assert.Equal(0, viaVariable.Exit);
        Assert.Equal(["stats:read"], (await StoredAsync(fromVariable))!.Scopes);
        Assert.DoesNotContain(key, imported.Output + imported.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "crm", "--scopes", "events:write", "--rates", "5")]
    [InlineData("create", "crm", "--scope", "events:write")]
    [InlineData("create", "crm", "--scopes", "events:writes")]
    [InlineData("create", "crm")]
    [InlineData("create", "crm", "--scopes", "admin", "--rate", "0")]
    [InlineData("lists")]
    [InlineData("revoke")]
    [InlineData("rotate", "abc", "--grace", "soon")]
    public async Task A_mistyped_command_or_option_is_an_error_and_stores_nothing(params string[] args)
    {
        var (exit, _, error) = await KeysCli.RunAsync(settings, args);

        Assert.NotEqual(0, exit);
        Assert.NotEmpty(error);
        // Only the header line: no key was stored.
        Assert.Single((await KeysCli.RunAsync(settings, "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}

using Collaboration.Api.Keys;
using Microsoft.Extensions.Configuration;

namespace Collaboration.Tests.Support;

/// <summary>The `keys` command run in this process on a given configuration, with its output captured.</summary>
public static class KeysCli
{
    public static async Task<(int Exit, string Output, string Error)> RunWithInputAsync(
        IDictionary<string, string> settings, string input, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value)))
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await KeysCommand.RunAsync(["keys", .. args], new KeysConsole(new StringReader(input), output, error), configuration);
        return (exit, output.ToString(), error.ToString());
    }

    public static Task<(int Exit, string Output, string Error)> RunAsync(IDictionary<string, string> settings, params string[] args) =>
        RunWithInputAsync(settings, "", args);

    /// <summary>Creates a key and returns it, failing the test when the command fails.</summary>
    public static async Task<string> CreateAsync(IDictionary<string, string> settings, string name, string scopes, params string[] more)
    {
        var (exit, output, error) = await RunAsync(settings, ["create", name, "--scopes", scopes, .. more]);
        Assert.True(exit == 0, error);
        return output.Trim();
    }

    /// <summary>The id part of a key.</summary>
    public static string IdOf(string key) => key.Split('_')[1];
}

using System.Net.Http.Headers;
using System.Text;
using Collaboration.Api.Operations;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Rebuild;

/// <summary>The `rebuild` command line run as an operator would, against a real api process holding its data.</summary>
public sealed class RebuildCommandTests
{
    [Fact]
    public async Task The_command_rebuilds_a_running_service_and_says_what_changed_with_its_exit_code()
    {
        using var directory = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["COLLAB_DATA_DIR"] = directory.Path,
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
        };
        var admin = await CreateKeyAsync(directory.Path, environment, "ops", "admin");
        var writer = await CreateKeyAsync(directory.Path, environment, "crm", "events:write,stats:read");
        using var api = await ServiceProcess.StartApiAsync(directory.Path, environment);
        var (user, idea) = (Make.Id("u"), Make.Id("i"));
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var like = Make.Event(Like, user, idea, at);
        using (var client = new HttpClient { BaseAddress = api.BaseAddress })
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
            {
                Content = new StringContent(Make.Json(like).ToJson(), Encoding.UTF8, "application/json"),
            };
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writer);
            using var accepted = await client.SendAsync(post);
            Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        }
        var url = api.BaseAddress!.ToString();
        var asAdmin = new Dictionary<string, string>(environment) { [RebuildCommand.DefaultKeyVariable] = admin };

        var healthyUser = await RunAsync(directory.Path, asAdmin, "rebuild", "user", user, "--url", url);
        var healthyModel = await RunAsync(directory.Path, asAdmin, "rebuild", "read-model", "--url", url);
        // The user grain has folded the like; the journal now says it was a comment.
        JournalRows.Rewrite(directory.Path, like with { Type = Comment });
        var repaired = await RunAsync(directory.Path, asAdmin, "rebuild", "user", user, "--url", url);
        var unknown = await RunAsync(directory.Path, asAdmin, "rebuild", "idea", "no-such-idea", "--url", url);
        var withoutScope = await RunAsync(directory.Path,
            new Dictionary<string, string>(environment) { ["OTHER_KEY"] = writer }, "rebuild", "thread", "t-1", "--url", url, "--key-env", "OTHER_KEY");
        var mistyped = await RunAsync(directory.Path, asAdmin, "rebuild", "ideas", idea, "--url", url);
        var nobodyListens = await RunAsync(directory.Path, asAdmin, "rebuild", "read-model", "--url", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(RebuildCommand.Unchanged, healthyUser.Exit);
        Assert.Contains($"Rebuilt user/{user}: 1 events folded in", healthyUser.Output, StringComparison.Ordinal);
        Assert.Contains("Unchanged", healthyUser.Output, StringComparison.Ordinal);
        Assert.Equal(RebuildCommand.Unchanged, healthyModel.Exit);
        Assert.Contains("Rebuilt read-model: 1 events folded in", healthyModel.Output, StringComparison.Ordinal);
        Assert.Equal(RebuildCommand.Changed, repaired.Exit);
        Assert.Contains("  totals.like: 1 -> 0", repaired.Output, StringComparison.Ordinal);
        Assert.Contains("  totals.comment: 0 -> 1", repaired.Output, StringComparison.Ordinal);
        Assert.Equal(RebuildCommand.Refused, unknown.Exit);
        Assert.Contains("error: 404 ideaId: no idea 'no-such-idea' is known", unknown.All, StringComparison.Ordinal);
        Assert.Equal(RebuildCommand.Refused, withoutScope.Exit);
        Assert.Contains("error: 403", withoutScope.All, StringComparison.Ordinal);
        Assert.Equal(RebuildCommand.BadCommandLine, mistyped.Exit);
        Assert.Equal(RebuildCommand.Failed, nobodyListens.Exit);
        Assert.Contains("error: no answer from", nobodyListens.All, StringComparison.Ordinal);
    }

    private static async Task<string> CreateKeyAsync(string directory, Dictionary<string, string> environment, string name, string scopes)
    {
        var (exit, key, all) = await ServiceProcess.RunApiCommandAsync(directory, environment, "keys", "create", name, "--scopes", scopes);
        Assert.True(exit == 0, all);
        return key.Trim();
    }

    private static Task<(int Exit, string Output, string All)> RunAsync(string directory, Dictionary<string, string> environment, params string[] arguments) =>
        ServiceProcess.RunApiCommandAsync(directory, environment, arguments);
}

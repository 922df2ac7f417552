using System.Text;
using Collaboration.LoadGen;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Tools;

/// <summary>The helpers the read-model failover test and benchmark share: <see cref="SteadyPoster"/> and <see cref="DashboardCheck"/>.</summary>
public sealed partial class LoadGenTests
{
    [Fact]
    public async Task The_steady_poster_acknowledges_every_line_and_the_dashboard_check_finds_the_app_exact_and_names_a_missing_event()
    {
        using var folder = new TempDirectory();
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["Analytics:PrivacyFloor"] = "1" });
        var client = factory.CreateClient();
        var now = factory.Clock.GetUtcNow();
        Workload.Generate(SmallCompany(folder.Path) with { Employees = 300, Ideas = 20, PopularFollowers = 100, Now = now });
        var files = new GeneratedFiles(folder.Path);
        using (var import = await client.PostAsync("/v1/users/import", new StringContent(File.ReadAllText(files.Directory), Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode);
        }
        var lines = File.ReadAllLines(files.Events);

        var poster = new SteadyPoster(client, lines);
        poster.Start(concurrency: 4);
        await poster.Reached(lines.Length);
        var acknowledged = await poster.StopAsync();

        // Repeated lines are acknowledged as duplicates, so every line is, each once.
        Assert.Equal(lines.Order(StringComparer.Ordinal), acknowledged.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => poster.Reached(lines.Length + 1));
        var check = DashboardCheck.Fold(acknowledged, files.Directory, now, folder.Path);
        var differences = await check.DifferencesAsync(client);
        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // Without the popular idea's create its owner is unknown to the fold, so the ties its contributors made vanish.
        var create = Assert.Single(lines, line => WireEvent.Parse(line) is { Type: "create", IdeaId: "i-00001", ThreadId: null });
        var missing = DashboardCheck.Fold(acknowledged.Where(line => line != create), files.Directory, now, folder.Path);
        Assert.Contains(await missing.DifferencesAsync(client), d => d.StartsWith("ties: ties expected ", StringComparison.Ordinal));
    }
}

using Collaboration.LoadGen;
using Collaboration.Tests.Support;
using Microsoft.Playwright;

namespace Collaboration.Tests.Dashboard;

/// <summary>
/// A generated company (2,000 employees over 30 days) posted into the real application, and a browser (<see cref="Chromium"/>).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempDirectory company = new();
    private IPlaywright? playwright;

    public ApiFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test results folder, kept by CI as an artifact and ignored by git.</summary>
    public static string ArtifactFolder { get; } = Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults", "dashboard")).FullName;

    public async Task InitializeAsync()
    {
        Workload.Generate(new GenerateOptions
        {
            Out = company.Path, Employees = 2_000, Ideas = 100, Days = 30, PopularFollowers = 300, Seed = 16, Now = Make.Noon,
        });
        Client = Factory.CreateClient();
        var summary = await new Poster(Client, new PostOptions { In = company.Path, Concurrency = 4, Batch = 500 }).RunAsync();
        Assert.True(summary.Succeeded, string.Join("\n", summary.Problems));
        (playwright, Browser) = await Chromium.LaunchAsync();
    }

    /// <summary>
    /// A new page on the dashboard, at <paramref name="width"/> x <paramref name="height"/>, once its first load finished,
    /// with its periodic refresh turned off and none under way: a refresh redraws the tables, which would take the focus
    /// or a clicked button away from a test in the middle of a step.
    /// </summary>
    public async Task<IPage> OpenAsync(int width = 1280, int height = 800)
    {
        var page = await Chromium.NewPageAsync(Browser, Client.BaseAddress!, width, height);
        await page.GotoAsync("/dashboard");
        await LoadedAsync(page, "28d", "country");
        await page.Locator("#autoRefresh").UncheckAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.busy === 'false'");
        return page;
    }

    /// <summary>Waits until the page shows <paramref name="window"/> and <paramref name="by"/> (it marks the body when it has drawn them).</summary>
    public static async Task LoadedAsync(IPage page, string window, string by) =>
        await page.WaitForFunctionAsync("expected => document.body.dataset.shown === expected", $"{window}|{by}|");

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        Client?.Dispose();
        await Factory.DisposeAsync();
        company.Dispose();
    }
}

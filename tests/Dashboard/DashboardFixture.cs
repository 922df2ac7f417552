using Collaboration.LoadGen;
using Collaboration.Tests.Support;
using Microsoft.Playwright;

namespace Collaboration.Tests.Dashboard;

/// <summary>
/// A generated company (2,000 employees over 30 days) posted into the real application, and Debian's Chromium driven
/// by Playwright for .NET (its own browser download does not work here; <c>./test.sh</c> installs the package). A
/// missing browser fails the tests: it is part of what they check.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory company = new();
    private IPlaywright? playwright;

    public ApiFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test results folder, kept by CI as an artifact and ignored by git.</summary>
    public static string ArtifactFolder { get; } = Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults", "dashboard")).FullName;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (./test.sh does)");
        Workload.Generate(new GenerateOptions
        {
            Out = company.Path, Employees = 2_000, Ideas = 100, Days = 30, PopularFollowers = 300, Seed = 16, Now = Make.Noon,
        });
        Client = Factory.CreateClient();
        var summary = await new Poster(Client, new PostOptions { In = company.Path, Concurrency = 4, Batch = 500 }).RunAsync();
        Assert.True(summary.Succeeded, string.Join("\n", summary.Problems));
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the background-networking flags Chromium keeps calling out, and this machine's network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page on the dashboard, at <paramref name="width"/> x <paramref name="height"/>, once its first load finished.</summary>
    public async Task<IPage> OpenAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Client.BaseAddress!.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await LoadedAsync(page, "28d", "country");
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

using Microsoft.Playwright;

namespace Collaboration.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright for .NET (Playwright's own browser download does not work on these machines;
/// <c>./test.sh</c> installs the package). A missing browser fails the tests: it is part of what they check.
/// </summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: install Debian's chromium package (./test.sh does)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            // Without the background-networking flags Chromium keeps calling out, and this machine's network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>A page in a context of its own (its own storage, like a new tab of a new session), downloads allowed.</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri service, int width = 1280, int height = 800)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = service.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }
}

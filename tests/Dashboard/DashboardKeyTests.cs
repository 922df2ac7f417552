using Collaboration.Security;
using Collaboration.Tests.Support;
using Microsoft.Playwright;

namespace Collaboration.Tests.Dashboard;

/// <summary>
/// The dashboard on a service with API keys: it asks for a key with <c>stats:read</c>, says what is wrong with one that
/// lacks it, and keeps the right one for the tab's session only. Also its keyboard use: the controls are reached by Tab
/// and change the answers without a mouse.
/// </summary>
public sealed class DashboardKeyTests : IAsyncLifetime
{
    private readonly ApiFactory factory = new();
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private HttpClient client = null!;
    private string reader = "", writer = "";

    public async Task InitializeAsync()
    {
        var cli = new Dictionary<string, string> { ["COLLAB_DATA_DIR"] = factory.DataDirectory };
        reader = await KeysCli.CreateAsync(cli, "dashboard", ApiKeyScopes.StatsRead);
        writer = await KeysCli.CreateAsync(cli, "crm", ApiKeyScopes.EventsWrite);
        client = factory.CreateClient();
        (playwright, browser) = await Chromium.LaunchAsync();
    }

    [Fact]
    public async Task The_page_asks_for_a_stats_read_key_and_keeps_it_for_the_tab_only()
    {
        var page = await Chromium.NewPageAsync(browser, client.BaseAddress!);
        await page.GotoAsync("/dashboard");
        await page.Locator("#keyForm").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'An API key is needed.'");

        await page.Locator("#key").FillAsync(writer);
        await page.Locator("#key").PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'This key lacks the stats:read scope.'");
        Assert.True(await page.Locator("#keyForm").IsVisibleAsync());

        await page.Locator("#key").FillAsync(reader);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await DashboardFixture.LoadedAsync(page, "28d", "country");
        Assert.True(await page.Locator("#keyForm").IsHiddenAsync());
        Assert.Equal(reader, await page.EvaluateAsync<string>("() => sessionStorage.getItem('collaboration.statsKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty(await page.Context.CookiesAsync());

        // The same tab keeps it across a reload; a new session asks again.
        await page.ReloadAsync();
        await DashboardFixture.LoadedAsync(page, "28d", "country");
        var other = await Chromium.NewPageAsync(browser, client.BaseAddress!);
        await other.GotoAsync("/dashboard");
        await other.Locator("#keyForm").WaitForAsync();
        await other.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_controls_are_reached_and_changed_by_keyboard()
    {
        var page = await Chromium.NewPageAsync(browser, client.BaseAddress!);
        await page.AddInitScriptAsync($"sessionStorage.setItem('collaboration.statsKey', '{reader}')");
        await page.GotoAsync("/dashboard");
        await DashboardFixture.LoadedAsync(page, "28d", "country");

        await page.Locator("#window").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("by", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("ArrowDown");
        await DashboardFixture.LoadedAsync(page, "28d", "site");
        Assert.Equal("site", await page.Locator(".by-name").First.InnerTextAsync());
        await page.Context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        client.Dispose();
        await factory.DisposeAsync();
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Collaboration.Api.Directory;
using Collaboration.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Collaboration.Tests.Dashboard;

/// <summary>
/// The dashboard page in headless Chromium against the running service with a generated company: what it shows must
/// be what the API answers for the same window and dimension, and every view must open.
/// </summary>
public sealed class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task The_page_loads_with_no_console_errors_no_failed_requests_and_its_charts_drawn()
    {
        var page = await Chromium.NewPageAsync(fixture.Browser, fixture.Client.BaseAddress!);
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Add($"failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Add($"{response.Status}: {response.Url}");
            }
        };

        await page.GotoAsync("/dashboard");
        await DashboardFixture.LoadedAsync(page, "28d", "country");

        Assert.Empty(problems);
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.Chart === 'function'"), "Chart.js was served with the page");
        Assert.True(await page.Locator("#chartsMissing").IsHiddenAsync());
        foreach (var canvas in new[] { "pyramidChart", "groupsChart", "trendChart", "eiChart" })
        {
            Assert.True(await page.EvaluateAsync<bool>($"() => !!window.Chart.getChart('{canvas}')"), $"{canvas} is drawn");
        }
        Assert.StartsWith("Updated ", await page.Locator("#status").InnerTextAsync());
        await AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ArtifactFolder, "dashboard-1280x800.png"), FullPage = true });

        await page.Context.CloseAsync();

        // A narrow screen: one column, and nothing wider than the screen (wide tables scroll in their own box).
        var narrow = await fixture.OpenAsync(390, 844);
        var tooWide = await narrow.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.scroll') && e.offsetParent !== null)
                .map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
            """);
        Assert.True(tooWide.Length == 0, "wider than a narrow screen: " + string.Join(", ", tooWide.Take(10)));
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on a narrow screen");
        await narrow.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ArtifactFolder, "dashboard-390.png") });
        await narrow.Context.CloseAsync();
    }

    [Fact]
    public async Task The_pyramid_the_EI_index_and_the_top_ideas_equal_the_API_and_follow_the_window_and_the_dimension()
    {
        var page = await fixture.OpenAsync();
        var first = await ShownAsync(page);
        first.AssertEqual(await ExpectedAsync("28d", "country"));

        // The funnel's summary: promoted is every move to a higher tier, dropped out every active tier to inactive.
        var moves = (await fixture.Client.GetNodeAsync("/v1/stats/funnel?window=28d"))["moves"]!;
        string[] tiers = ["inactive", "audience", "editor", "creator"];
        var promoted = tiers.SelectMany((from, i) => tiers.Skip(i + 1).Select(to => N(moves[from]![to]))).Sum();
        var droppedOut = tiers.Skip(1).Sum(from => N(moves[from]!["inactive"]));
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{promoted:N0} users moved up a tier (reading to contributing to creating) and {droppedOut:N0} dropped out"),
            await page.Locator("#funnelSummary").InnerTextAsync());

        // The dimension changes while the read for the new window is still under way (held at its funnel): the page must
        // end up showing both changes, not the first read labelled with the second's values.
        var held = new TaskCompletionSource();
        await page.RouteAsync("**/v1/stats/funnel?window=7d*", async route =>
        {
            await held.Task;
            await route.ContinueAsync();
        });
        await page.SelectOptionAsync("#window", "7d");
        await page.SelectOptionAsync("#by", "function");
        held.SetResult();
        await DashboardFixture.LoadedAsync(page, "7d", "function");
        var second = await ShownAsync(page);
        second.AssertEqual(await ExpectedAsync("7d", "function"));
        Assert.NotEqual(first.Pyramid, second.Pyramid);
        Assert.NotEqual(first.Ties, second.Ties);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_idea_view_and_a_user_view_open_from_the_top_ideas()
    {
        var page = await fixture.OpenAsync();
        var top = (await fixture.Client.GetNodeAsync("/v1/stats/ideas/top?window=28d&sort=reach&limit=10"))["ideas"]![0]!;
        var ideaId = top["ideaId"]!.GetValue<string>();
        var idea = await fixture.Client.GetNodeAsync($"/v1/ideas/{ideaId}?window=28d");
        var followers = await fixture.Client.GetNodeAsync($"/v1/ideas/{ideaId}/followers?limit=20");

        // By keyboard: the idea's button takes focus and Enter opens it, and the view takes the focus.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Open idea {ideaId}", Exact = true }).First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#ideaView").WaitForAsync();
        Assert.Contains(ideaId, await page.Locator("#idea-title").InnerTextAsync());
        Assert.Equal("ideaView", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal(Texts(followers["items"]!), await ColumnAsync(page, "followersTable", 0));
        Assert.Equal(followers["nextCursor"] is not null, await page.Locator("#followersMore").IsVisibleAsync());
        var participants = idea["participants"]!;
        Assert.Equal(new[] { N(participants["creators"]), N(participants["editors"]), N(participants["audience"]) },
            (await page.Locator("#participantsTable tbody td").AllInnerTextsAsync()).Select(Number));
        Assert.Contains(await page.Locator("#ideaFacts dd").AllInnerTextsAsync(), text => text == idea["ownerId"]!.GetValue<string>());
        var byCountry = await fixture.Client.GetNodeAsync($"/v1/stats/ideas/{ideaId}/contributors?window=28d&by=country");
        Assert.Equal(Texts(byCountry["groups"]!, "key").Prepend("(all)").ToList(), await ColumnAsync(page, "contributorsTable", 0));
        Assert.Equal(await RowsAsync(page, "contributorsTable", 3), Columns(await DownloadAsync(page, "contributors"), 3));

        var ownerId = top["ownerId"]!.GetValue<string>();
        var owner = await fixture.Client.GetNodeAsync($"/v1/users/{ownerId}?window=28d");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Open user {ownerId}", Exact = true }).First.ClickAsync();
        await page.Locator("#userDetails").WaitForAsync();
        var facts = await page.Locator("#userFacts dd").AllInnerTextsAsync();
        Assert.Equal(ownerId, facts[0]);
        Assert.Equal(owner["tier"]!.GetValue<string>(), facts[1]);
        var following = await fixture.Client.GetNodeAsync($"/v1/users/{ownerId}/following?limit=20");
        Assert.Equal(Texts(following["items"]!, "ideaId"), await ColumnAsync(page, "followingTable", 0));
        await AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_csv_download_has_the_same_rows_as_its_table()
    {
        var page = await fixture.OpenAsync();
        await page.Locator("#trend summary").ClickAsync();

        // The tables the API answers in CSV too: the download is the API's CSV, the table what the page made of the JSON.
        var groups = await DownloadAsync(page, "participation");
        Assert.Equal("key,users,creators,editors,audience,inactive,creatorsShare,editorsShare,audienceShare,inactiveShare", string.Join(",", groups[0]));
        Assert.Equal(await RowsAsync(page, "groupsTable", 6), Columns(groups, 6));
        Assert.Equal(await RowsAsync(page, "eiTable", 4), Columns(await DownloadAsync(page, "ties"), 4));
        Assert.Equal(await RowsAsync(page, "funnelTable", 5), Columns(await DownloadAsync(page, "funnel"), 5));
        var daily = await DownloadAsync(page, "daily");
        Assert.Equal(180, daily.Count - 1);
        Assert.Equal(await RowsAsync(page, "trendTable", 5), Columns(daily, 5));
        Assert.Equal(await ColumnAsync(page, "topTable", 0), [.. Columns(await DownloadAsync(page, "top"), 1).Select(r => r[0])]);
        var cells = (await page.Locator("#matrixTable tbody td").AllInnerTextsAsync()).Select(Number).ToList();
        Assert.Equal(cells, Columns(await DownloadAsync(page, "matrix"), 3).Select(r => Number(r[2])).ToList());

        // A table only the page has is written as shown.
        var tiers = await DownloadAsync(page, "table:pyramidTable");
        Assert.Equal(["tier", "users", "share of all", "share of active", "1-9-90 reference"], tiers[0]);
        Assert.Equal(await RowsAsync(page, "pyramidTable", 5), Columns(tiers, 5));
        await page.Context.CloseAsync();
    }

    /// <summary>The first <paramref name="count"/> fields of each row after the header, thousands separators dropped as <see cref="RowsAsync"/> does.</summary>
    private static List<string[]> Columns(List<string[]> csv, int count) =>
        [.. csv.Skip(1).Select(row => row.Take(count).Select(field => field.Replace(",", "", StringComparison.Ordinal)).ToArray())];

    /// <summary>What the page shows; <see cref="Indexes"/> (E-I per group, overall, mean breadth) are shown rounded to two decimals.</summary>
    private sealed record Shown(string Pyramid, string Ties, List<double?> Indexes, string Top)
    {
        public void AssertEqual(Shown expected)
        {
            Assert.Equal((expected.Pyramid, expected.Ties, expected.Top), (Pyramid, Ties, Top));
            Assert.Equal(expected.Indexes.Count, Indexes.Count);
            foreach (var (e, a) in expected.Indexes.Zip(Indexes))
            {
                Assert.Equal(e is null, a is null);
                Assert.InRange(Math.Abs((e ?? 0) - (a ?? 0)), 0, 0.005 + 1e-9);
            }
        }
    }

    /// <summary>The pyramid's users per tier, the E-I table and summary and the top ideas' ids, as the page shows them.</summary>
    private static async Task<Shown> ShownAsync(IPage page)
    {
        var pyramid = await RowsAsync(page, "pyramidTable", 2);
        var ties = await RowsAsync(page, "eiTable", 5);
        var summary = Regex.Match(await page.Locator("#eiSummary").InnerTextAsync(),
            @"^E-I index (\S+) over ([\d,]+) ties \(([\d,]+) external, ([\d,]+) internal\); mean breadth (\S+) other groups per tied user\.$");
        Assert.True(summary.Success, "the E-I summary reads as expected");
        return new Shown(
            string.Join(";", pyramid.Select(r => $"{r[0]}={Number(r[1])}")),
            string.Join(";", ties.Select(r => $"{r[0]}:{Number(r[2])}/{Number(r[3])}")) + $"|{Number(summary.Groups[2].Value)}/{Number(summary.Groups[3].Value)}/{Number(summary.Groups[4].Value)}",
            [.. ties.Select(r => Decimal(r[4])), Decimal(summary.Groups[1].Value), Decimal(summary.Groups[5].Value)],
            string.Join(";", await ColumnAsync(page, "topTable", 0)));
    }

    /// <summary>The same, from the API's JSON answers.</summary>
    private async Task<Shown> ExpectedAsync(string window, string by)
    {
        var p = await fixture.Client.GetNodeAsync($"/v1/stats/participation?window={window}&by={by}");
        var pyramid = string.Join(";", new[] { "creators", "editors", "audience", "inactive" }.Select(t => $"{t}={N(p[t])}").Append($"all users={N(p["users"])}"));
        var t = await fixture.Client.GetNodeAsync($"/v1/stats/ties?window={window}&by={by}");
        // The E-I table starts with an (all) row, as the CSV does.
        var groups = t["groups"]!.AsArray().Prepend(new JsonObject { ["key"] = "(all)", ["external"] = N(t["external"]), ["internal"] = N(t["internal"]), ["eiIndex"] = t["eiIndex"]?.DeepClone() }).ToList();
        var ties = string.Join(";", groups.Select(g => $"{g!["key"]}:{N(g["external"])}/{N(g["internal"])}")) + $"|{N(t["ties"])}/{N(t["external"])}/{N(t["internal"])}";
        var top = await fixture.Client.GetNodeAsync($"/v1/stats/ideas/top?window={window}&sort=reach&limit=10");
        return new Shown(pyramid, ties, [.. groups.Select(g => Double(g!["eiIndex"])), Double(t["eiIndex"]), Double(t["meanBreadth"])],
            string.Join(";", Texts(top["ideas"]!, "ideaId")));
    }

    private static async Task<List<string[]>> RowsAsync(IPage page, string tableId, int columns)
    {
        var rows = new List<string[]>();
        foreach (var row in await page.Locator($"#{tableId} tbody tr").AllAsync())
        {
            rows.Add([.. (await row.Locator("th, td").AllInnerTextsAsync()).Take(columns).Select(text => text.Replace(",", "", StringComparison.Ordinal))]);
        }
        return rows;
    }

    private static async Task<List<string>> ColumnAsync(IPage page, string tableId, int column) =>
        [.. (await RowsAsync(page, tableId, column + 1)).Select(r => r[column])];

    /// <summary>Clicks a table's download button and reads the file it saves (kept with the screenshots).</summary>
    private static async Task<List<string[]>> DownloadAsync(IPage page, string name)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"button[data-csv='{name}']").ClickAsync());
        var path = Path.Combine(DashboardFixture.ArtifactFolder, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        // Read as the service reads the directory's CSV (RFC 4180).
        return [.. CsvRecords.Read(await File.ReadAllBytesAsync(path)).Select(record => record.Fields ?? throw new InvalidDataException(record.BrokenQuote))];
    }

    /// <summary>axe-core's rules (WCAG 2 A and AA among them) on what the page shows now: no violation.</summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    private static long N(JsonNode? node) => node!.GetValue<long>();

    private static long Number(string text) => long.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static double? Double(JsonNode? node) => node?.GetValue<double>();

    /// <summary>A number the page shows with decimals, or a dash for none.</summary>
    private static double? Decimal(string text) => text == "–" ? null : double.Parse(text, CultureInfo.InvariantCulture);

    private static List<string> Texts(JsonNode array, string? field = null) =>
        [.. array.AsArray().Select(item => field is null ? item!.GetValue<string>() : item![field]!.GetValue<string>())];
}

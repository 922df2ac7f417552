using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Collaboration.LoadGen;
using Collaboration.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Collaboration.Tests.Tools;

/// <summary>
/// The workload generator (tools/loadgen): what it writes, and a whole generate, post, verify run against the real
/// application. The tool's classes are called directly; no process is started.
/// </summary>
public sealed partial class LoadGenTests
{
    private static GenerateOptions SmallCompany(string folder) => new()
    {
        Out = folder,
        Employees = 2_000,
        Ideas = 100,
        Days = 30,
        PopularFollowers = 500,
        Seed = 11,
        Now = Make.Noon,
    };

    [Fact]
    public void Generate_writes_a_skewed_directory_and_events_that_keep_the_contract_and_the_options()
    {
        using var folder = new TempDirectory();
        var options = SmallCompany(folder.Path);
        var expected = Workload.Generate(options);
        var files = new GeneratedFiles(folder.Path);

        var directory = File.ReadAllLines(files.Directory);
        Assert.Equal("userId,displayName,country,site,department,function", directory[0]);
        var people = directory.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => (Country: f[2], Function: f[5]));
        Assert.Equal(options.Employees, people.Count);
        var byCountry = people.Values.GroupBy(p => p.Country).Select(g => g.Count()).OrderDescending().ToList();
        Assert.InRange(byCountry.Count, 15, 25);
        Assert.True(byCountry[0] > 4 * byCountry[byCountry.Count / 2], "countries are Zipf-skewed");
        Assert.Equal(12, people.Values.Select(p => p.Function).Distinct().Count());

        var lines = File.ReadAllLines(files.Events);
        var events = lines.Select(WireEvent.Parse).ToList();
        Assert.All(events, e => AssertKeepsContract(e, options, people.Keys));

        // Duplicates are the same line again; everything else is unique.
        var byId = lines.Zip(events).GroupBy(p => p.Second.EventId).ToList();
        Assert.All(byId, g => Assert.Single(g.Select(p => p.First).Distinct()));
        Assert.InRange((double)(lines.Length - byId.Count) / byId.Count, 0.01, 0.03);
        Assert.Equal((expected.Lines, expected.Events), (lines.Length, byId.Count));
        var distinct = byId.Select(g => g.First().Second).ToList();

        var (late, newest) = (0, DateTimeOffset.MinValue);
        foreach (var e in events)
        {
            late += e.OccurredAt < newest ? 1 : 0;
            newest = e.OccurredAt > newest ? e.OccurredAt : newest;
        }
        Assert.InRange((double)late / lines.Length, 0.05, 0.2);

        Assert.All(distinct.Where(e => e.ThreadId is not null).GroupBy(e => e.ThreadId), t => Assert.Single(t.Select(e => e.IdeaId).Distinct()));

        var levels = distinct.GroupBy(e => e.UserId).Select(g => g.Max(e => EventTypes.Parse(e.Type).Level())).ToList();
        Assert.Equal(options.Employees, levels.Count);
        Assert.InRange(levels.Count(l => l == 3) / (double)options.Employees, 0.008, 0.012);
        Assert.InRange(levels.Count(l => l == 2) / (double)options.Employees, 0.08, 0.10);

        var owners = distinct.Where(e => e.Type == "create" && e.ThreadId is null).ToDictionary(e => e.IdeaId, e => e.UserId);
        Assert.Equal(options.Ideas, owners.Count);
        // Only people whose country has ideas can stay at home; the others always cross.
        var ideaCountries = owners.Values.Select(o => people[o].Country).ToHashSet();
        var interactions = distinct.Where(e => e.Type is "comment" or "like" or "edit" or "share" or "view" && ideaCountries.Contains(people[e.UserId].Country)).ToList();
        var crossCountry = interactions.Count(e => people[e.UserId].Country != people[owners[e.IdeaId]].Country);
        Assert.InRange((double)crossCountry / interactions.Count, options.CrossShare - 0.05, options.CrossShare + 0.15);

        Assert.Equal(options.PopularFollowers, FollowersByLatestMark(distinct, "i-00001"));
        Assert.Equal(options.PopularFollowers, expected.Ideas.Single(i => i.IdeaId == "i-00001").Followers);
        Assert.True(expected.Ideas.Where(i => i.IdeaId != "i-00001").All(i => i.Followers < options.PopularFollowers));
    }

    [Fact]
    public void Generate_is_deterministic_for_a_seed_and_expected_json_reads_back()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var expected = Workload.Generate(SmallCompany(first.Path) with { Employees = 500, PopularFollowers = 100 });
        Workload.Generate(SmallCompany(second.Path) with { Employees = 500, PopularFollowers = 100 });

        foreach (var name in new[] { "directory.csv", "events.ndjson", "expected.json" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(first.Path, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second.Path, name))), name);
        }
        var loaded = ExpectedAnswers.Load(new GeneratedFiles(first.Path).Expected);
        Assert.Equal((expected.Now, expected.Lines, expected.Events), (loaded.Now, loaded.Lines, loaded.Events));
        Assert.Equal(expected.Users.Select(Describe), loaded.Users.Select(Describe));
        Assert.Equal(expected.Ideas.Select(Describe), loaded.Ideas.Select(Describe));
        Assert.Equal(expected.TierTotals["7d"], loaded.TierTotals["7d"]);
        Assert.Equal(500, loaded.TierTotals["all"].Sum());
        Assert.Equal(expected.Ties!.Select(Describe), loaded.Ties!.Select(Describe));
        Assert.Equal(LoadGen.Windows.Names.Length * Dimensions.Names.Length, loaded.Ties!.Count);
    }

    [Fact]
    public void The_fold_computes_ties_and_reach_by_the_readme_rules()
    {
        using var folder = new TempDirectory();
        var files = new GeneratedFiles(folder.Path);
        var now = Make.Noon;
        File.WriteAllText(files.Directory, string.Join('\n',
            "userId,displayName,country,site,department,function",
            "u-a,Ann,fi,Espoo,R&D,Engineering",
            "u-b,Bo,FI,Espoo,Sales,Sales",
            "u-c,\"Cy, Jr\",IN,Pune,R&D,Engineering",
            "u-d,Di,,,R&D, ") + "\n");
        WireEvent[] events =
        [
            // Two creates at the same instant: the smaller event id owns i-1; the other create is no contribution.
            new("e-01", "create", "u-a", "i-1", null, now.AddDays(-10)),
            new("e-02", "create", "u-b", "i-1", null, now.AddDays(-10)),
            new("e-03", "comment", "u-b", "i-1", null, now.AddDays(-3)),
            new("e-04", "like", "u-c", "i-1", null, now.AddDays(-7)),
            new("e-05", "create", "u-d", "i-1", "t-1", now),
            new("e-06", "view", "u-e", "i-1", null, now.AddDays(-1)),
            new("e-07", "comment", "u-a", "i-1", null, now.AddDays(-1)),
            new("e-08", "share", "u-e", "i-2", null, now.AddDays(-1)),
            new("e-09", "create", "u-d", "i-3", null, now.AddDays(-2)),
            new("e-10", "comment", "u-e", "i-3", null, now.AddDays(-2)),
            new("e-11", "edit", "u-c", "i-1", null, now.AddHours(1)),
        ];
        var lines = events.Select(e => System.Text.Json.JsonSerializer.Serialize(e, WebJson)).ToList();
        File.WriteAllLines(files.Events, [.. lines, lines[2]]);

        var expected = ExpectedFold.Compute(files.Events, files.Directory, now);

        // by country: u-a, u-b in FI, u-c in IN, u-d (blank) and u-e (not in the directory) unknown.
        // 7d: (b, a) FI to FI, (d, a) unknown to FI, (e, d) unknown to unknown; c's like at now - 7d is outside (now - 7d, now].
        var week = expected.Ties!.Single(t => t is { Window: "7d", By: "country" });
        Assert.Equal((3L, 3L, 1L), (week.Ties, week.TiedUsers, week.BreadthSum));
        Assert.Equal(["FI 2 0 1", "IN 1 0 0", "unknown 2 1 1"], week.Groups.Select(Describe));
        var month = expected.Ties!.Single(t => t is { Window: "28d", By: "country" });
        Assert.Equal(4L, month.Ties);
        Assert.Equal(["FI 2 0 1", "IN 1 1 0", "unknown 2 1 1"], month.Groups.Select(Describe));
        Assert.Equal(2, expected.Ties!.Single(t => t is { Window: "all", By: "function" }).Groups.Single(g => g.Key == "unknown").Users);

        var reach = expected.Ideas.ToDictionary(i => i.IdeaId, i => i.Reach!);
        Assert.Equal(new ReachAnswer(2, 2, 2, 2, 1), reach["i-1"][0]);
        Assert.Equal(new ReachAnswer(3, 3, 2, 3, 2), reach["i-1"][1]);
        Assert.Equal(new ReachAnswer(1, 1, 1, 1, 0), reach["i-2"][LoadGen.Windows.All]);
        Assert.Null(reach["i-2"][LoadGen.Windows.All].CrossBorderShare(ownerKnown: false));
        Assert.Equal(new ReachAnswer(1, 1, 1, 1, 0), reach["i-3"][LoadGen.Windows.All]);

        // Windows (bits 7d, 28d, 90d) whose answer a clock a few minutes off could change: c's like sits on the 7d
        // window's start, d's thread create on every window's end; b's and i-3's events are far from every edge.
        var users = expected.Users.ToDictionary(u => u.UserId, u => u.NearEdge);
        Assert.Equal((0b000, 0b001, 0b111), (users["u-b"], users["u-c"], users["u-d"]));
        Assert.Equal((0b111, 0b000), (expected.Ideas.Single(i => i.IdeaId == "i-1").NearEdge, expected.Ideas.Single(i => i.IdeaId == "i-3").NearEdge));
    }

    [Fact]
    public void The_directory_is_read_with_a_byte_order_mark_and_quoted_commas()
    {
        using var folder = new TempDirectory();
        var path = new GeneratedFiles(folder.Path).Directory;
        // Excel's "CSV UTF-8": a byte-order mark first; CRLF line ends; columns in another order.
        File.WriteAllText(path, string.Join("\r\n",
            "userId,site,displayName,country,department,function",
            "u-a,\"Espoo, Keilaniemi\",\"Cy, Jr\",fi,\"R&D, \"\"Core\"\"\",Engineering",
            "u-b,Pune,Bo,IN,Sales,") + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);

        var rows = Dimensions.ReadDirectory(path).ToList();

        Assert.Equal(["u-a", "u-b"], rows.Select(r => r.UserId));
        Assert.Equal(["FI", "Espoo, Keilaniemi", "R&D, \"Core\"", "Engineering"], rows[0].Groups);
        Assert.Equal(["IN", "Pune", "Sales", Dimensions.Unknown], rows[1].Groups);
    }

    [Fact]
    public async Task Post_imports_a_hand_edited_directory_by_records_and_names_the_file_line_of_a_rejected_row()
    {
        using var folder = new TempDirectory();
        var files = new GeneratedFiles(folder.Path);
        // A byte-order mark, a quoted line break (u-a spans lines 2 and 3), quoted commas and a blank line 5: u-c's bad
        // country is on line 6 of the file, though it is line 5 of the first call.
        File.WriteAllText(files.Directory, string.Join("\r\n",
            "userId,displayName,country,site,department,function",
            "u-a,\"Ann\nLee\",FI,\"Espoo, Keilaniemi\",R&D,Engineering",
            "u-b,\"Bo, Jr\",IN,Pune,Sales,Sales",
            "",
            "u-c,Cy,USA,Austin,Sales,Sales",
            "u-d,Di,DE,Berlin,R&D,Engineering") + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        File.WriteAllText(files.Events, "");
        await using var factory = new ApiFactory();

        var summary = await new Poster(factory.CreateClient(), new PostOptions { In = folder.Path, ImportRows = 3 }).RunAsync();

        Assert.Equal((3, 1), (summary.Imported, summary.ImportRejected));
        Assert.StartsWith("directory line 6: country", Assert.Single(summary.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expected_json_from_before_ties_and_reach_still_loads_and_says_it_lacks_them()
    {
        using var folder = new TempDirectory();
        var path = new GeneratedFiles(folder.Path).Expected;
        File.WriteAllText(path, """
            {"now":"2026-11-26T12:00:00.000Z","lines":1,"events":1,"tierTotals":{"all":{"creator":1,"editor":0,"audience":0,"inactive":0}},
             "users":{"columns":["userId","tiers","totals","following"],"rows":[["u-a","cccc",[1,0,0,0,0,0,0,0],1]]},
             "ideas":{"columns":["ideaId","ownerId","threads","followers","counts","participants"],"rows":[["i-1","u-a",0,1,[1,0,0,0,0,0,0,0],[1,0,0]]]}}
            """);

        var loaded = ExpectedAnswers.Load(path);

        Assert.Equal("u-a", loaded.Ideas.Single().OwnerId);
        Assert.False(loaded.HasTiesAndReach);
    }

    [Fact]
    public async Task Post_and_verify_against_the_real_app_find_no_difference_and_verify_reports_a_wrong_answer()
    {
        using var folder = new TempDirectory();
        await using var factory = new ApiFactory();
        var client = factory.CreateClient();
        // The application's clock starts at Make.Noon, so windows end where the generated period ends.
        var expected = Workload.Generate(SmallCompany(folder.Path) with
        {
            Employees = 300, Ideas = 20, PopularFollowers = 150, Mix = ParticipationMix.Parse("70-20-10"), Now = factory.Clock.GetUtcNow(),
        });

        var summary = await new Poster(client, new PostOptions { In = folder.Path, Concurrency = 4, Batch = 200 }).RunAsync();

        Assert.True(summary.Succeeded, string.Join("\n", summary.Problems));
        Assert.Equal((300, expected.Lines), (summary.Imported, summary.Sent));
        Assert.Equal(expected.Lines, summary.Accepted + summary.Duplicates);
        // Not equal: a copy in a concurrent batch that reaches the grains first is reported accepted too.
        Assert.InRange(summary.Accepted, expected.Events, expected.Lines);

        var report = await new Verifier(client, factory.Clock, concurrency: 8).RunAsync(expected);

        Assert.True(report.WindowsCompared);
        Assert.Equal((300, 20, 16), (report.Users, report.Ideas, report.TieAnswers));
        // Only reads with an event near a window's edge are left out: most of the 3 x 320 windowed reads are compared.
        Assert.InRange(report.WindowedSkipped, 0, 96);
        Assert.True(report.DifferenceCount == 0, string.Join("\n", report.Differences));
        // The comparison means something: there are external and internal ties, and groups under the privacy floor.
        var countries = expected.Ties!.Single(t => t is { Window: "28d", By: "country" });
        Assert.True(countries.Groups.Sum(g => g.External) > 0 && countries.Groups.Sum(g => g.Internal) > 0);
        Assert.Contains(expected.Ties!, t => t.Groups.Any(g => g.Users < Verifier.DefaultPrivacyFloor));

        // Updates are compared for the users who follow something, and a wrong one is caught and named.
        Assert.True(report.UpdatesUsers > 10 && expected.Updates!.Sum(u => u.Items.Count) > 10, $"{report.UpdatesUsers} users' updates compared");
        var news = expected.Updates!.First(u => u.Items.Count > 0);
        var wrongNews = news with { Items = [news.Items[0] with { LastSeenTicks = news.Items[0].LastSeenTicks - 1 }, .. news.Items.Skip(1)] };
        var updates = await new Verifier(client, factory.Clock).RunAsync(expected with { Users = [], Ideas = [], Ties = [], Updates = [wrongNews] });
        Assert.Equal((1, 1L), (updates.UpdatesUsers, updates.DifferenceCount));
        Assert.StartsWith($"updates of {news.UserId} idea {news.Items[0].IdeaId}: lastSeenAt expected", updates.Differences[0]);

        // People and ideas to suggest are compared for samples, and a wrong one is caught and named.
        Assert.True(report.PeopleIdeas > 5 && expected.People!.Sum(p => p.People.Count) > 5, $"{report.PeopleIdeas} ideas' people compared");
        Assert.True(report.SuggestedUsers > 5 && expected.Suggested!.Sum(s => s.Ideas.Count) > 5, $"{report.SuggestedUsers} users' ideas compared");
        var helpers = expected.People!.First(p => p.People.Count > 0);
        var wrongHelpers = helpers with { People = [helpers.People[0] with { Score = helpers.People[0].Score + 1 }, .. helpers.People.Skip(1)] };
        var suggested = expected.Suggested!.First(s => s.Ideas.Count > 0);
        var wrongSuggested = suggested with { Ideas = [.. suggested.Ideas.Skip(1)] };
        var matchmaking = await new Verifier(client, factory.Clock).RunAsync(
            expected with { Users = [], Ideas = [], Ties = [], Updates = [], People = [wrongHelpers], Suggested = [wrongSuggested] });
        Assert.Equal((1, 1), (matchmaking.PeopleIdeas, matchmaking.SuggestedUsers));
        Assert.Contains(matchmaking.Differences, d => d.StartsWith($"people for {helpers.IdeaId}: items[0] expected ", StringComparison.Ordinal));
        Assert.Contains(matchmaking.Differences, d => d.StartsWith($"ideas suggested to {suggested.UserId}: items expected {suggested.Ideas.Count - 1}", StringComparison.Ordinal));

        var popular = expected.Ideas.Single(i => i.IdeaId == "i-00001");
        var wrong = expected with { Ideas = [popular with { Followers = popular.Followers + 1 }], Users = [expected.Users[0] with { Following = 99 }] };
        var mismatch = await new Verifier(client, factory.Clock).RunAsync(wrong);
        Assert.Equal(2, mismatch.DifferenceCount);
        Assert.Contains($"idea i-00001: followers expected {popular.Followers + 1}, got {popular.Followers}", mismatch.Differences);

        // A wrong E-I answer and a wrong reach are each caught and named.
        var largest = countries.Groups.MaxBy(g => g.Users)!;
        var wrongTies = countries with { Groups = [.. countries.Groups.Select(g => g == largest ? g with { Internal = g.Internal + 1 } : g)] };
        var reach = popular.Reach!;
        var wrongReach = popular with { Reach = [.. reach.Select((r, w) => w == LoadGen.Windows.All ? r with { Contributors = r.Contributors + 1 } : r)] };
        var analytics = await new Verifier(client, factory.Clock).RunAsync(expected with { Users = [], Ideas = [wrongReach], Ties = [wrongTies] });
        Assert.Contains($"ties window 28d by country: internal expected {countries.Groups.Sum(g => g.Internal) + 1}, got {countries.Groups.Sum(g => g.Internal)}", analytics.Differences);
        Assert.Contains($"ties window 28d by country: groups[{largest.Key}].internal expected {largest.Internal + 1}, got {largest.Internal}", analytics.Differences);
        Assert.Contains(analytics.Differences, d => d.StartsWith("ties window 28d by country: eiIndex expected ", StringComparison.Ordinal));
        Assert.Contains($"idea i-00001 window all: reach.contributors expected {reach[LoadGen.Windows.All].Contributors + 1}, got {reach[LoadGen.Windows.All].Contributors}", analytics.Differences);

        // Four minutes later the windows are still compared, except where an event is near an edge.
        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        var minutesLater = await new Verifier(client, factory.Clock).RunAsync(expected);
        Assert.True(minutesLater is { WindowsCompared: true, DifferenceCount: 0 }, string.Join("\n", minutesLater.Differences));

        // A day later the service's windows have moved: only what does not depend on the clock is compared, which
        // includes every window of the ties (read at the answers' time).
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var later = await new Verifier(client, factory.Clock).RunAsync(expected);
        Assert.Equal((false, 16, 0L), (later.WindowsCompared, later.TieAnswers, later.DifferenceCount));
    }

    [Fact]
    public async Task Post_retries_a_batch_answered_503_and_counts_its_events_once()
    {
        using var folder = new TempDirectory();
        Workload.Generate(SmallCompany(folder.Path) with { Employees = 50, Ideas = 3, PopularFollowers = 10 });
        var lines = File.ReadAllLines(new GeneratedFiles(folder.Path).Events).Length;
        var calls = 0;
        // The first batch is answered 503 with Retry-After, the next one accepts every event in it.
        await using var service = await LocalService.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Unavailable(context);
                return;
            }
            var count = Regex.Matches(await new StreamReader(context.Request.Body).ReadToEndAsync(), "\"eventId\"").Count;
            await context.Response.WriteAsJsonAsync(new { accepted = count, duplicates = 0, rejected = Array.Empty<object>() });
        });

        var summary = await new Poster(service.Client, new PostOptions { In = folder.Path, Batch = 1000, ImportDirectory = false }).RunAsync();

        Assert.True(summary.Succeeded, string.Join("\n", summary.Problems));
        Assert.Equal((lines, lines, 1L), (summary.Sent, summary.Accepted, summary.Retries));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_post_answered_503_with_Retry_After_0_is_sent_again_and_the_retry_counted_once()
    {
        var calls = 0;
        await using var service = await LocalService.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Unavailable(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            await context.Response.WriteAsync("taken");
        });
        var retries = 0;
        var post = new RetryingPost(service.Client, maxAttempts: 8, () => retries++);

        var (status, body) = await post.SendAsync("v1/events/batch", "{}"u8.ToArray(), "application/json", CancellationToken.None);

        Assert.Equal((HttpStatusCode.Accepted, "taken"), (status, body));
        Assert.Equal((2, 1), (calls, retries));
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_retries_of_a_post()
    {
        using var stop = new CancellationTokenSource();
        var calls = 0;
        // Always 503 with Retry-After: 0, so only the token can end the loop before the 8th try; it is cancelled while
        // the second try is being answered.
        await using var service = await LocalService.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                await stop.CancelAsync();
            }
            await Unavailable(context);
        });
        var retries = 0;
        var post = new RetryingPost(service.Client, maxAttempts: 8, () => retries++);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post.SendAsync("v1/events/batch", "{}"u8.ToArray(), "application/json", stop.Token));

        Assert.Equal((2, 1), (calls, retries));
        // An already cancelled token sends nothing.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post.SendAsync("v1/events/batch", "{}"u8.ToArray(), "application/json", stop.Token));
        Assert.Equal(2, calls);
    }

    [Theory]
    [InlineData("--evnts", "generate", "--out", "x", "--evnts", "10")]
    [InlineData("--colour", "post", "--in", "x", "--url", "http://localhost:1", "--colour", "red")]
    [InlineData("--popular-followers (11) must not exceed --employees (10)", "generate", "--out", "x", "--employees=10", "--popular-followers", "11")]
    [InlineData("--employees must be a number, got 'ten'", "generate", "--out", "x", "--employees", "ten")]
    [InlineData("--cross-share must be between 0 and 1, got 1.5", "generate", "--out", "x", "--cross-share", "1.5")]
    [InlineData("--mix must be audience-editors-creators such as 90-9-1, got '90-10'", "generate", "--out", "x", "--mix", "90-10")]
    [InlineData("--now must be an RFC 3339 time", "verify", "--in", "x", "--url", "http://localhost:1", "--now", "noon")]
    [InlineData("--url must be an http(s) address", "verify", "--in", "x", "--url", "localhost:1")]
    [InlineData("--seed", "generate", "--out", "x", "--seed", "1", "--seed", "2")]
    [InlineData("--out", "generate", "--employees", "10")]
    [InlineData("deploy", "deploy", "--out", "x")]
    [InlineData("events.ndjson does not exist; run generate", "post", "--in", "no-such-folder", "--url", "http://localhost:1", "--import-directory", "no")]
    public async Task A_wrong_command_line_exits_2_and_names_the_mistake(string named, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(args, output, error);

        Assert.Equal(2, exit);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task The_command_line_runs_generate_with_its_options_and_help_lists_them()
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(["generate", "--out", folder.Path, "--employees", "1_000", "--ideas=20", "--days", "10",
            "--popular-followers", "50", "--mix", "70-20-10", "--seed", "3", "--now", "2026-11-26T12:00:00Z"], output, error);

        Assert.True(exit == 0, error.ToString());
        var expected = ExpectedAnswers.Load(new GeneratedFiles(folder.Path).Expected);
        Assert.Equal((Make.Noon, 1_000), (expected.Now, expected.Users.Count));
        Assert.Equal(20, expected.Ideas.Count);
        Assert.StartsWith("u-", File.ReadLines(new GeneratedFiles(folder.Path).Directory).Skip(1).First(), StringComparison.Ordinal);

        using var help = new StringWriter();
        Assert.Equal(0, await Cli.RunAsync(["generate", "--help"], help, error));
        Assert.Contains("--popular-followers", help.ToString(), StringComparison.Ordinal);
        Assert.Contains("[default: 90-9-1]", help.ToString(), StringComparison.Ordinal);
        Assert.Equal(new ParticipationMix(70, 20, 10), ParticipationMix.Parse("70-20-10"));
    }

    private static void AssertKeepsContract(WireEvent e, GenerateOptions options, ICollection<string> users)
    {
        Assert.Matches(EventId(), e.EventId);
        Assert.Contains(e.Type, EventTypes.Names);
        Assert.Matches(EntityId(), e.UserId);
        Assert.Matches(EntityId(), e.IdeaId);
        Assert.Contains(e.UserId, users);
        Assert.True(e.ThreadId is null || (EntityId().IsMatch(e.ThreadId) && e.Type is not ("follow" or "unfollow")), e.EventId);
        Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
        Assert.InRange(e.OccurredAt, options.Now.AddDays(-options.Days).AddTicks(1), options.Now);
        Assert.True(e.Type == "create" || (e.Title is null && e.Tags is null), e.EventId);
        Assert.True(e.Title is null || e.Title.Length <= 300);
        Assert.True(e.Tags is null || (e.Tags.Length <= 20 && e.Tags.All(t => t.Length is >= 1 and <= 50)));
    }

    /// <summary>The README's rule, written out here on its own: the latest mark wins, ties to the larger eventId.</summary>
    private static int FollowersByLatestMark(IEnumerable<WireEvent> events, string ideaId) => events
        .Where(e => e.IdeaId == ideaId && e.ThreadId is null && e.Type is "create" or "follow" or "unfollow")
        .GroupBy(e => e.UserId)
        .Count(g => g.OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal).Last().Type != "unfollow");

    private static string Describe(UserAnswer u) => $"{u.UserId} {u.Tiers} {string.Join(',', u.Totals)} {u.Following}";

    private static string Describe(IdeaAnswer i) =>
        $"{i.IdeaId} {i.OwnerId} {i.Threads} {i.Followers} {string.Join(',', i.Counts)} {string.Join(',', i.Participants)} {string.Join(';', i.Reach!.Select(r => string.Join(',', r.ToArray())))}";

    private static string Describe(TieAnswer t) => $"{t.Window} {t.By} {t.Ties} {t.TiedUsers} {t.BreadthSum} {string.Join(';', t.Groups.Select(Describe))}";

    private static string Describe(GroupTieAnswer g) => $"{g.Key} {g.Users} {g.External} {g.Internal}";

    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex EventId();

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,128}$")]
    private static partial Regex EntityId();

    private static Task Unavailable(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "0";
        return Task.CompletedTask;
    }
}

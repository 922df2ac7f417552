using System.Diagnostics;

namespace Collaboration.LoadGen;

/// <summary>
/// <c>loadgen generate|post|verify --option value ...</c>; see docs/loadgen.md. Exit codes: 0 success, 1 the
/// service rejected events or answered differently, 2 a usage error. Not top-level statements, so no global
/// Program type clashes with the api's in the tests that reference both.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage:
          loadgen generate --out DIR [--employees 120000] [--ideas 10000] [--days 90] [--mix 90-9-1]
                           [--cross-share 0.3] [--duplicates 0.02] [--out-of-order 0.1]
                           [--popular-followers 100000] [--seed 1] [--now 2026-11-26T12:00:00Z]
          loadgen post     --in DIR --url http://host:port [--concurrency 8] [--batch 500] [--import-directory true]
          loadgen verify   --in DIR --url http://host:port [--now TIME] [--users N] [--concurrency 16]
                           [--privacy-floor 5]
        """;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var options = new Arguments(args.Skip(1));
            return args[0] switch
            {
                "generate" => Generate(options),
                "post" => await PostAsync(options),
                "verify" => await VerifyAsync(options),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"loadgen: {e.Message}\n{Usage}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or HttpRequestException)
        {
            Console.Error.WriteLine($"loadgen: {e.Message}");
            return 1;
        }
    }

    private static int Generate(Arguments args)
    {
        var options = GenerateOptions.Parse(args);
        args.EnsureAllRead();
        var clock = Stopwatch.StartNew();
        Workload.Generate(options, Console.Out);
        Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static async Task<int> PostAsync(Arguments args)
    {
        var options = PostOptions.Parse(args);
        var files = new GeneratedFiles(options.In);
        files.RequireExisting(options.ImportDirectory ? [files.Directory, files.Events] : [files.Events]);
        using var client = Client(args.Required("url"), options.Concurrency);
        args.EnsureAllRead();
        var summary = await new Poster(client, options, ProgressLine.ForStandardError()).RunAsync();
        foreach (var problem in summary.Problems)
        {
            Console.Error.WriteLine(problem);
        }
        Console.WriteLine(summary);
        return summary.Succeeded ? 0 : 1;
    }

    private static async Task<int> VerifyAsync(Arguments args)
    {
        var files = new GeneratedFiles(args.Required("in"));
        files.RequireExisting(files.Expected);
        var concurrency = args.Int("concurrency", 16, 1, 1024);
        using var client = Client(args.Required("url"), concurrency);
        var now = args.Instant("now");
        var limit = args.Text("users") is null ? (int?)null : args.Int("users", 0, 1, int.MaxValue);
        var privacyFloor = args.Int("privacy-floor", Verifier.DefaultPrivacyFloor, 0, int.MaxValue);
        args.EnsureAllRead();

        var expected = ExpectedAnswers.Load(files.Expected);
        var windowsComparable = ((now ?? expected.Now) - DateTimeOffset.UtcNow).Duration() <= Windows.EdgeMargin;
        if ((now is { } at && at != expected.Now) || !expected.HasTiesAndReach || windowsComparable)
        {
            files.RequireExisting(files.Events);
            // The answers were folded for another instant or before ties and reach were checked, or the windows will be
            // compared, which needs to know the events near their edges (not stored): fold the same events again.
            expected = ExpectedFold.Compute(files.Events, files.Directory, now ?? expected.Now);
        }
        var report = await new Verifier(client, TimeProvider.System, concurrency, privacyFloor).RunAsync(expected, limit);
        foreach (var difference in report.Differences)
        {
            Console.WriteLine(difference);
        }
        Console.WriteLine(report);
        if (!report.WindowsCompared)
        {
            Console.WriteLine($"(7d/28d/90d tiers and reach not compared: the answers are for {expected.Now:u}, more than {Windows.EdgeMargin.TotalMinutes:N0} minutes from now)");
        }
        return report.DifferenceCount == 0 ? 0 : 1;
    }

    private static HttpClient Client(string url, int concurrency)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url must be an http(s) address such as http://localhost:8080, got '{url}'");
        }
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }
}

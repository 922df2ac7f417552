using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;

namespace Collaboration.LoadGen;

/// <summary>
/// <c>loadgen generate|post|verify --option value ...</c> with System.CommandLine; see docs/loadgen.md. A mistyped
/// or unknown option, a missing or bad value is a usage error. Exit codes: 0 success, 1 the service rejected events
/// or answered differently (or a file or the service failed), 2 a usage error. System.CommandLine's own code for a
/// parse error is 1, so parse errors are reported here instead.
/// </summary>
public static class Cli
{
    public const int Failed = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var parsed = Root(output, error).Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"loadgen: {problem.Message}");
            }
            await error.WriteLineAsync("usage: loadgen --help, loadgen generate|post|verify --help");
            return UsageError;
        }
        // Errors thrown by the commands are mapped in Guard, not printed as stack traces.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel);
    }

    private static RootCommand Root(TextWriter output, TextWriter error) =>
        new("Generates a company's directory and events, posts them to the service, and verifies its answers.")
        {
            Generate(output, error), Post(output, error), Verify(output, error),
        };

    private static Command Generate(TextWriter output, TextWriter error)
    {
        var defaults = new GenerateOptions { Out = "", Now = default };
        var outOption = Required("--out", "Folder for directory.csv, events.ndjson, expected.json (created if missing)");
        var employees = Int("--employees", defaults.Employees, 1, 10_000_000, "People in the directory");
        var ideas = Int("--ideas", defaults.Ideas, 1, 1_000_000, "Ideas (each created by a creator)");
        var days = Int("--days", defaults.Days, 1, 3650, "Length of the period");
        var mix = new Option<ParticipationMix>("--mix")
        {
            Description = "Shares of audience, editors and creators, such as 70-20-10",
            HelpName = "A-E-C",
            DefaultValueFactory = _ => defaults.Mix,
            CustomParser = result => ParticipationMix.TryParse(Text(result), out var parsed) ? parsed
                : Error(result, $"--mix must be audience-editors-creators such as 90-9-1, got '{Text(result)}'", ParticipationMix.Default),
        };
        var crossShare = Fraction("--cross-share", defaults.CrossShare, "Share of interactions on an idea of another country and function");
        var duplicates = Fraction("--duplicates", defaults.Duplicates, "Share of events written a second time");
        var outOfOrder = Fraction("--out-of-order", defaults.OutOfOrder, "Share of events written late");
        var popular = Int("--popular-followers", defaults.PopularFollowers, 1, int.MaxValue, "Followers of the most popular idea, i-00001 (at most --employees)");
        var seed = Int("--seed", defaults.Seed, 0, int.MaxValue, "Random seed; also part of every event id");
        var now = Instant("--now", "End of the period, RFC 3339 (default: the current minute)");
        var command = new Command("generate", "Writes a company's directory.csv, events.ndjson and expected.json")
        {
            outOption, employees, ideas, days, mix, crossShare, duplicates, outOfOrder, popular, seed, now,
        };
        GenerateOptions Options(SymbolResult result) => new()
        {
            Out = result.GetValue(outOption)!,
            Employees = result.GetValue(employees),
            Ideas = result.GetValue(ideas),
            Days = result.GetValue(days),
            Mix = result.GetValue(mix)!,
            CrossShare = result.GetValue(crossShare),
            Duplicates = result.GetValue(duplicates),
            OutOfOrder = result.GetValue(outOfOrder),
            PopularFollowers = result.GetValue(popular),
            Seed = result.GetValue(seed),
            // Without --now the period ends at the current minute, so the events can be posted at once.
            Now = result.GetValue(now) ?? TruncateToMinute(DateTimeOffset.UtcNow),
        };
        command.SetAction(Guard(error, async (parsed, _) =>
        {
            var options = Options(parsed.CommandResult);
            if (options.Problem() is { } problem)
            {
                return await UsageAsync(error, problem);
            }
            var clock = Stopwatch.StartNew();
            Workload.Generate(options, output);
            await output.WriteLineAsync($"done in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }

    private static Command Post(TextWriter output, TextWriter error)
    {
        var defaults = new PostOptions { In = "" };
        var inOption = Required("--in", "A folder written by generate");
        var url = Url();
        var concurrency = Int("--concurrency", defaults.Concurrency, 1, 1024, "Batches in flight");
        var batch = Int("--batch", defaults.Batch, 1, 1000, "Events per POST /v1/events/batch");
        // A string, not a bool: after a bool option System.CommandLine takes only true or false, and yes, no, 1, 0 are kept.
        var importDirectory = new Option<string>("--import-directory")
        {
            Description = "First send directory.csv to POST /v1/users/import",
            HelpName = "true|false",
            DefaultValueFactory = _ => "true",
        };
        importDirectory.AcceptOnlyFromAmong("true", "false", "yes", "no", "1", "0");
        var command = new Command("post", "Posts a generated folder to the service") { inOption, url, concurrency, batch, importDirectory };
        command.SetAction(Guard(error, async (parsed, cancel) =>
        {
            var options = new PostOptions
            {
                In = parsed.GetValue(inOption)!,
                Concurrency = parsed.GetValue(concurrency),
                Batch = parsed.GetValue(batch),
                ImportDirectory = parsed.GetValue(importDirectory) is "true" or "yes" or "1",
            };
            var files = new GeneratedFiles(options.In);
            if (files.Missing(options.ImportDirectory ? [files.Directory, files.Events] : [files.Events]) is { } missing)
            {
                return await UsageAsync(error, missing);
            }
            using var client = Client(parsed.GetValue(url)!, options.Concurrency);
            var summary = await new Poster(client, options, ProgressLine.ForStandardError()).RunAsync(cancel);
            foreach (var problem in summary.Problems)
            {
                await error.WriteLineAsync(problem);
            }
            await output.WriteLineAsync(summary.ToString());
            return summary.Succeeded ? 0 : Failed;
        }));
        return command;
    }

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var inOption = Required("--in", "A folder written by generate");
        var url = Url();
        var now = Instant("--now", "The instant to check the answers for (default: the now in expected.json)");
        var users = new Option<int?>("--users") { Description = "Compare only N users, spread evenly over the list (default: all)", HelpName = "N", CustomParser = result => Number(result, 0, 1, int.MaxValue) };
        var concurrency = Int("--concurrency", 16, 1, 1024, "Requests in flight");
        var privacyFloor = Int("--privacy-floor", Verifier.DefaultPrivacyFloor, 0, int.MaxValue, "The service's Analytics__PrivacyFloor");
        var command = new Command("verify", "Compares the service's answers with expected.json") { inOption, url, now, users, concurrency, privacyFloor };
        command.SetAction(Guard(error, async (parsed, cancel) =>
        {
            var files = new GeneratedFiles(parsed.GetValue(inOption)!);
            if (files.Missing(files.Expected) is { } missingExpected)
            {
                return await UsageAsync(error, missingExpected);
            }
            var at = parsed.GetValue(now);
            var expected = ExpectedAnswers.Load(files.Expected);
            var windowsComparable = ((at ?? expected.Now) - DateTimeOffset.UtcNow).Duration() <= Windows.EdgeMargin;
            if ((at is { } instant && instant != expected.Now) || !expected.HasTiesAndReach || windowsComparable)
            {
                if (files.Missing(files.Events) is { } missingEvents)
                {
                    return await UsageAsync(error, missingEvents);
                }
                // The answers were folded for another instant or before ties and reach were checked, or the windows will be
                // compared, which needs to know the events near their edges (not stored): fold the same events again.
                expected = ExpectedFold.Compute(files.Events, files.Directory, at ?? expected.Now);
            }
            using var client = Client(parsed.GetValue(url)!, parsed.GetValue(concurrency));
            var verifier = new Verifier(client, TimeProvider.System, parsed.GetValue(concurrency), parsed.GetValue(privacyFloor));
            var report = await verifier.RunAsync(expected, parsed.GetValue(users), cancel);
            foreach (var difference in report.Differences)
            {
                await output.WriteLineAsync(difference);
            }
            await output.WriteLineAsync(report.ToString());
            if (!report.WindowsCompared)
            {
                await output.WriteLineAsync($"(7d/28d/90d tiers and reach not compared: the answers are for {expected.Now:u}, more than {Windows.EdgeMargin.TotalMinutes:N0} minutes from now)");
            }
            return report.DifferenceCount == 0 ? 0 : Failed;
        }));
        return command;
    }

    /// <summary>
    /// Runs a command, turning the errors it can expect (files, JSON, HTTP) into a message and exit code 1, and a stop
    /// asked for with Ctrl+C (System.CommandLine cancels the token) into 130, the shell's code for it.
    /// </summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Guard(TextWriter error, Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parsed, cancel) =>
        {
            try
            {
                return await action(parsed, cancel);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or HttpRequestException)
            {
                await error.WriteLineAsync($"loadgen: {e.Message}");
                return Failed;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                await error.WriteLineAsync("loadgen: stopped");
                return 130;
            }
        };

    private static HttpClient Client(Uri address, int concurrency)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>A mistake only the command can see (options that do not fit together, a missing file): exit code 2.</summary>
    private static async Task<int> UsageAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync($"loadgen: {problem}");
        return UsageError;
    }

    private static Option<string> Required(string name, string description) => new(name) { Description = description, HelpName = "DIR", Required = true };

    private static Option<Uri> Url() => new("--url")
    {
        Description = "The service, such as http://localhost:5080",
        HelpName = "URL",
        Required = true,
        CustomParser = result =>
        {
            var text = Text(result);
            // The trailing slash keeps the base address's path when relative paths such as v1/events/batch are added.
            return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
                ? address
                : Error<Uri>(result, $"--url must be an http(s) address such as http://localhost:8080, got '{text}'", null!);
        },
    };

    private static Option<int> Int(string name, int fallback, int min, int max, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => Number(result, fallback, min, max),
    };

    private static Option<double> Fraction(string name, double fallback, string description) => new(name)
    {
        Description = description + " (0 to 1)",
        HelpName = "F",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => Number(result, fallback, 0.0, 1.0),
    };

    private static Option<DateTimeOffset?> Instant(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = result => DateTimeOffset.TryParse(Text(result), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : Error<DateTimeOffset?>(result, $"{OptionName(result)} must be an RFC 3339 time such as 2026-11-26T12:00:00Z, got '{Text(result)}'", null),
    };

    /// <summary>A whole or decimal number within [min, max]; underscores may group digits (120_000).</summary>
    private static T Number<T>(ArgumentResult result, T fallback, T min, T max) where T : struct, INumber<T>
    {
        var text = Text(result);
        // Whole numbers for integer types (0.5 is no --seed); 0.5 or 5e-1 for fractions.
        var style = typeof(T) == typeof(int) ? NumberStyles.Integer : NumberStyles.Float;
        if (!T.TryParse(text.Replace("_", "", StringComparison.Ordinal), style, CultureInfo.InvariantCulture, out var value))
        {
            return Error(result, $"{OptionName(result)} must be a number, got '{text}'", fallback);
        }
        return value < min || value > max ? Error(result, $"{OptionName(result)} must be between {min} and {max}, got {text}", fallback) : value;
    }

    private static T Error<T>(ArgumentResult result, string message, T placeholder)
    {
        result.AddError(message);
        return placeholder;
    }

    private static string Text(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? "the value";

    private static DateTimeOffset TruncateToMinute(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}

using System.CommandLine;
using System.Diagnostics;
using Collaboration.Bench;
using Collaboration.Testing;

// Benchmarks against the real service: builds the api and loadgen, generates a company once, then measures.
//   dotnet run --project bench -c Release                 the full run; the report goes to bench/results/
//   dotnet run --project bench -c Release -- --smoke      a tiny run that only proves the harness works
// Options: see --help.
if (args is [EmptyEndpoint.Option, var emptyEndpointUrl])
{
    // A child process of benchmark 2: the HTTP ceiling.
    await EmptyEndpoint.RunAsync(emptyEndpointUrl);
    return 0;
}
// System.CommandLine: a mistyped option or a bad value is an error (exit code 1), and --help lists the options.
var smokeOption = new Option<bool>("--smoke") { Description = "A tiny run that only proves the harness works" };
var noBuildOption = new Option<bool>("--no-build") { Description = "Use the api, silo and loadgen already built" };
var workOption = new Option<string?>("--work") { Description = "Folder for generated files and stores (default: a temp folder)" };
var outOption = new Option<string?>("--out") { Description = "Report file (default: bench/results/benchmarks-<date>.md)" };
var employeesOption = Positive(new Option<int?>("--employees") { Description = "Employees of the generated company (default 120000; smoke 2000)" });
var daysOption = Positive(new Option<int?>("--days") { Description = "Days of generated events (default 30; smoke 3)" });
var roundsOption = Positive(new Option<int?>("--rounds") { Description = "Alternating rounds per measurement (default 2; smoke 1)" });
var soakOption = Positive(new Option<int?>("--soak-minutes") { Description = "How long the soak (benchmark 11) posts (default 30; smoke 1)" });
var onlyOption = new Option<string?>("--only") { Description = "Comma-separated benchmarks to run, from 1 to 13 (default all); 9 is the read-model failover, 10 the history memory check, 11 the soak, 12 updates on followed ideas, 13 matchmaking" };
onlyOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<string?>() is { } value && value.Split(',').Any(b => !int.TryParse(b, out var n) || n is < 1 or > 13))
    {
        result.AddError($"--only must list benchmarks from 1 to 13, such as 1,3, got '{value}'");
    }
});
var command = new RootCommand("Benchmarks against the real service")
{
    smokeOption, noBuildOption, workOption, outOption, employeesOption, daysOption, roundsOption, soakOption, onlyOption,
};
var parsed = command.Parse(args);
if (parsed.Errors.Count > 0 || parsed.Action is not null)
{
    // A parse error or --help: System.CommandLine prints it and gives the exit code (1 for an error).
    return await parsed.InvokeAsync();
}
var smoke = parsed.GetValue(smokeOption);
var root = Repository.Root;
// The api, the silo and loadgen are taken from the same build configuration as this program.
var configuration = Repository.Configuration;
var work = parsed.GetValue(workOption) is { Length: > 0 } w ? w : Path.Combine(Path.GetTempPath(), "collaboration-bench");
var only = parsed.GetValue(onlyOption) is { Length: > 0 } list ? list.Split(',').Select(int.Parse).ToHashSet() : null;
bool Runs(params int[] benchmarks) => only is null || benchmarks.Any(only.Contains);
var settings = new Settings
{
    Employees = parsed.GetValue(employeesOption) ?? (smoke ? 2_000 : 120_000),
    Days = parsed.GetValue(daysOption) ?? (smoke ? 3 : 30),
    Rounds = parsed.GetValue(roundsOption) ?? (smoke ? 1 : 2),
    IdleReads = smoke ? 20 : 300,
    SoakMinutes = parsed.GetValue(soakOption) ?? (smoke ? 1 : 30),
    HistoryEvents = smoke ? 20_000 : 1_000_000,
    HistoryUsers = smoke ? 1_000 : 10_000,
    SoakRate = smoke ? 500 : 3_000,
    WorkDirectory = work,
    ReportPath = parsed.GetValue(outOption) is { Length: > 0 } o ? o
        : smoke ? Path.Combine(work, "smoke.md") : Path.Combine(root, "bench", "results", $"benchmarks-{DateTime.UtcNow:yyyy-MM-dd}.md"),
    LoadGenAssembly = Repository.Output("tools/loadgen", "Collaboration.LoadGen.dll"),
    CommandLine = "dotnet run --project bench -c Release --" + string.Concat(args.Select(a => " " + a)),
};

if (!parsed.GetValue(noBuildOption))
{
    Build(root, "api/Collaboration.Api.csproj", configuration);
    Build(root, "tools/loadgen/Collaboration.LoadGen.csproj", configuration);
    Build(root, "silo/Collaboration.Silo.csproj", configuration);
}
Directory.CreateDirectory(work);
if (!File.Exists(Path.Combine(settings.CompanyDirectory, "events.ndjson")))
{
    Console.WriteLine($"generating {settings.Employees:N0} employees over {settings.Days} days in {settings.CompanyDirectory}");
    await LoadGen.GenerateAsync(settings.LoadGenAssembly, settings.CompanyDirectory, settings.Employees, settings.Days);
}
settings.Events = File.ReadLines(Path.Combine(settings.CompanyDirectory, "events.ndjson")).LongCount();

var report = new Report(smoke ? "Benchmark smoke run" : "Benchmarks", settings);
if (Runs(1))
{
    Console.WriteLine("durable ingestion: the service versus the same events written once by a bulk write");
    var ingestion = new DurableIngestionBenchmark(settings);
    await ingestion.RunAsync();
    ingestion.Report(report);
}
if (Runs(2))
{
    Console.WriteLine("single-event ingestion versus an empty endpoint");
    var singleEvents = new SingleEventBenchmark(settings);
    await singleEvents.RunAsync();
    singleEvents.Report(report);
}
if (Runs(3))
{
    Console.WriteLine("grain-only ingestion: durable versus memory storage");
    var grains = new GrainIngestionBenchmark(settings);
    await grains.RunAsync();
    grains.Report(report);
}
if (Runs(4, 6))
{
    Console.WriteLine("memory and recovery after a restart");
    var restart = new RestartBenchmark(settings);
    await restart.RunAsync();
    restart.Report(report);
}
if (Runs(5, 7))
{
    Console.WriteLine("analytics on versus off, and dashboard reads");
    var analytics = new AnalyticsBenchmark(settings);
    await analytics.RunAsync(onOff: Runs(7), reads: Runs(5));
    analytics.Report(report);
}
if (Runs(8))
{
    Console.WriteLine("analytics snapshot body versus replay");
    var snapshot = new AnalyticsSnapshotBenchmark(settings);
    snapshot.Run();
    snapshot.Report(report);
}
if (Runs(9))
{
    Console.WriteLine("read-model failover: SIGKILL the silo hosting it in a 3-silo cluster under load");
    var failover = new FailoverBenchmark(settings);
    await failover.RunAsync();
    failover.Report(report);
}
if (Runs(10))
{
    Console.WriteLine("history does not cost memory: events older than every window");
    var history = new HistoryBenchmark(settings);
    await history.RunAsync();
    history.Report(report);
}
if (Runs(11))
{
    Console.WriteLine($"soak: steady ingestion for {settings.SoakMinutes} minutes, memory every minute");
    var soak = new SoakBenchmark(settings);
    await soak.RunAsync();
    soak.Report(report);
}
if (Runs(12))
{
    Console.WriteLine("updates on followed ideas: readers following the busiest ideas");
    var updates = new UpdatesBenchmark(settings);
    await updates.RunAsync();
    updates.Report(report);
}
if (Runs(13))
{
    Console.WriteLine("weak-tie matchmaking: people for ideas, ideas for users");
    var suggestions = new SuggestionsBenchmark(settings);
    await suggestions.RunAsync();
    suggestions.Report(report);
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.ReportPath))!);
File.WriteAllText(settings.ReportPath, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"report: {settings.ReportPath}");
return 0;

static Option<int?> Positive(Option<int?> option)
{
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int?>() is <= 0)
        {
            result.AddError($"{option.Name} must be a positive whole number");
        }
    });
    return option;
}

static void Build(string root, string project, string configuration)
{
    using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root, project), "-c", configuration, "--nologo", "-v", "q"])
    {
        RedirectStandardOutput = true,
    })!;
    var output = build.StandardOutput.ReadToEnd();
    build.WaitForExit();
    if (build.ExitCode != 0)
    {
        throw new InvalidOperationException($"building {project} failed:\n{output}");
    }
}

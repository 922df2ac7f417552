using System.Diagnostics;
using Collaboration.Bench;

// Benchmarks against the real service: builds the api and loadgen, generates a company once, then measures.
//   dotnet run --project bench -c Release                 the full run; the report goes to bench/results/
//   dotnet run --project bench -c Release -- --smoke      a tiny run that only proves the harness works
// Options: --employees N, --days N, --rounds N, --work DIR (generated files and stores; outside the repository),
// --out FILE, --no-build (use the api and loadgen already built), --only 1,3,7 (those benchmarks; default all).
if (args is [EmptyEndpoint.Option, var emptyEndpointUrl])
{
    // A child process of benchmark 2: the HTTP ceiling.
    await EmptyEndpoint.RunAsync(emptyEndpointUrl);
    return;
}
var options = args.Select((value, index) => (value, index)).Where(a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value, a => a.index + 1 < args.Length && !args[a.index + 1].StartsWith("--", StringComparison.Ordinal) ? args[a.index + 1] : "");
var smoke = options.ContainsKey("--smoke");
var root = FindRoot();
// The api and loadgen are taken from the same build configuration as this program.
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
var work = options.GetValueOrDefault("--work") is { Length: > 0 } w ? w : Path.Combine(Path.GetTempPath(), "collaboration-bench");
int Number(string name, int fallback) => options.GetValueOrDefault(name) is { Length: > 0 } v ? int.Parse(v) : fallback;
var only = options.GetValueOrDefault("--only") is { Length: > 0 } list ? list.Split(',').Select(int.Parse).ToHashSet() : null;
bool Runs(params int[] benchmarks) => only is null || benchmarks.Any(only.Contains);
var settings = new Settings
{
    Employees = Number("--employees", smoke ? 2_000 : 120_000),
    Days = Number("--days", smoke ? 3 : 30),
    Rounds = Number("--rounds", smoke ? 1 : 2),
    IdleReads = smoke ? 20 : 300,
    WorkDirectory = work,
    ReportPath = options.GetValueOrDefault("--out") is { Length: > 0 } o ? o
        : smoke ? Path.Combine(work, "smoke.md") : Path.Combine(root, "bench", "results", $"benchmarks-{DateTime.UtcNow:yyyy-MM-dd}.md"),
    ApiAssembly = Path.Combine(root, "api", "bin", configuration, "net10.0", "Collaboration.Api.dll"),
    LoadGenAssembly = Path.Combine(root, "tools", "loadgen", "bin", configuration, "net10.0", "Collaboration.LoadGen.dll"),
    SiloAssembly = Path.Combine(root, "silo", "bin", configuration, "net10.0", "Collaboration.Silo.dll"),
    CommandLine = "dotnet run --project bench -c Release --" + string.Concat(args.Select(a => " " + a)),
};

if (!options.ContainsKey("--no-build"))
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
    Console.WriteLine("durable ingestion: the service versus a bulk write of the same rows");
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
    await analytics.RunAsync();
    analytics.Report(report);
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.ReportPath))!);
File.WriteAllText(settings.ReportPath, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"report: {settings.ReportPath}");

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Collaboration.sln")))
        {
            return directory.FullName;
        }
    }
    throw new InvalidOperationException("run the benchmarks from inside the repository");
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

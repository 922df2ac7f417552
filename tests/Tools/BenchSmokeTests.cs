using System.Diagnostics;
using System.Text.RegularExpressions;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Tools;

/// <summary>
/// Benchmarks are not tests; CI only proves that the harness runs end to end on a tiny company. In the cluster
/// collection: its failover benchmark starts three silos and PostgreSQL, which beside the cluster tests would starve
/// them on two cores.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class BenchSmokeTests
{
    [Fact]
    public async Task A_smoke_run_measures_every_benchmark_and_writes_a_report()
    {
        using var work = new TempDirectory();
        var report = Path.Combine(work.Path, "report.md");
        var (exit, output, error) = await RunBenchAsync("--smoke", "--no-build", "--work", work.Path, "--out", report);

        Assert.True(exit == 0, output + error);
        var text = await File.ReadAllTextAsync(report);
        Assert.Contains("- Machine: ", text);
        Assert.Equal(new[] { "embedded SQLite", "PostgreSQL" }, ServiceBulkRatio().Matches(text).Select(match => match.Groups[1].Value));
        Assert.Matches(DurableMemoryRatio(), text);
        Assert.Matches(OnOffRatio(), text);
        Assert.Matches(IdleParticipationRead(), text);
        Assert.Matches(SingleEventP99(), text);
        Assert.Matches(PerUserGrain(), text);
        Assert.Matches(ColdUserRead(), text);
        Assert.Matches(SnapshotRead(), text);
        Assert.Matches(FailoverToExact(), text);
        Assert.Matches(HistoryGrowth(), text);
        Assert.Matches(SoakMinute(), text);
        Assert.Matches(WarmUpdates(), text);
        Assert.Equal(2, MatchmakingRow().Matches(text).Count);
        Assert.Equal(3, DashboardRow().Matches(text).Count);
        Assert.Matches(InterestIndexWeight(), text);
        Assert.Matches(InterestIndex(), text);
        Assert.Matches(FollowLedger(), text);
    }

    [Theory]
    [InlineData("--employes", "10")]
    [InlineData("--rounds", "0")]
    [InlineData("--only", "1,14")]
    public async Task A_mistyped_option_or_bad_value_exits_1_before_anything_runs(string option, string value)
    {
        using var work = new TempDirectory();
        var (exit, output, error) = await RunBenchAsync("--no-build", "--work", work.Path, option, value);

        Assert.True(exit == 1, $"exit {exit}: " + output + error);
        Assert.Contains(option.TrimStart('-')[..4], error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work.Path));
    }

    private static async Task<(int Exit, string Output, string Error)> RunBenchAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Repository.Output("bench", "Collaboration.Bench.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var bench = Process.Start(start)!;
        var output = bench.StandardOutput.ReadToEndAsync();
        var error = bench.StandardError.ReadToEndAsync();
        await bench.WaitForExitAsync();
        return (bench.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"\| (embedded SQLite|PostgreSQL) \| service / events written once \| \d+\.\d\d / \d+\.\d\d / \d+\.\d\d")]
    private static partial Regex ServiceBulkRatio();

    [GeneratedRegex(@"\| durable / memory \| \d+\.\d\d / \d+\.\d\d / \d+\.\d\d")]
    private static partial Regex DurableMemoryRatio();

    [GeneratedRegex(@"new relationships: live heap [+-]\d+\.\d%")]
    private static partial Regex HistoryGrowth();

    [GeneratedRegex(@"\| 1 \| [\d,]+ \| \d+\.\d \| \d+\.\d \| \d+\.\d \| [\d,]+ \|")]
    private static partial Regex SoakMinute();

    [GeneratedRegex(@"\| read, followed ideas in memory \| \d+\.\d ms \| \d+\.\d ms \| \d+\.\d ms \| p99 < 50 ms \|")]
    private static partial Regex WarmUpdates();

    [GeneratedRegex(@"\| (people for an idea|ideas for a user) \| \d+\.\d ms \| \d+\.\d ms \| \d+\.\d ms \| p99 < 20 ms \|")]
    private static partial Regex MatchmakingRow();

    [GeneratedRegex(@"\| dashboard: [^|]+ \| \d+\.\d ms \| \d+\.\d ms \| \d+\.\d ms \|  \|")]
    private static partial Regex DashboardRow();

    [GeneratedRegex(@"the ideas by tag, [\d,]+ \(tag, idea\) pairs, -?[\d,]+ KiB")]
    private static partial Regex InterestIndex();

    [GeneratedRegex(@"Interest index: activity per tag, user and UTC day \([\d,]+ \(tag, user\) entries, [\d,]+ day counts\), -?[\d.,]+ MiB")]
    private static partial Regex InterestIndexWeight();

    [GeneratedRegex(@"Follow ledger .*: [\d,]+ \(user, idea\) pairs with a last-seen instant, [\d,]+ of them with a follow decision: -?[\d.,]+ MiB")]
    private static partial Regex FollowLedger();

    [GeneratedRegex(@"\| on / off \| \d+\.\d\d / \d+\.\d\d / \d+\.\d\d")]
    private static partial Regex OnOffRatio();

    [GeneratedRegex(@"participation\?by=country` idle \| 20 \| \d+\.\d\d ms \| \d+\.\d\d ms")]
    private static partial Regex IdleParticipationRead();

    [GeneratedRegex(@"\| p99 latency \| [\d.]+ / [\d.]+ / [\d.]+ ms \| [\d.]+ / [\d.]+ / [\d.]+ ms \| [\d.]+ / ")]
    private static partial Regex SingleEventP99();

    [GeneratedRegex(@"\| per user grain \| -?[\d,]+ / -?[\d,]+ / -?[\d,]+ bytes \| -?[\d,]+ / ")]
    private static partial Regex PerUserGrain();

    [GeneratedRegex(@"\| cold user read p99 \| [\d.]+ / [\d.]+ / [\d.]+ ms")]
    private static partial Regex ColdUserRead();

    [GeneratedRegex(@"\| read the body \| [\d,]+ / [\d,]+ / [\d,]+ ms")]
    private static partial Regex SnapshotRead();
    [GeneratedRegex(@"\| declared dead to the first exact dashboard answer \| [\d.]+ / [\d.]+ / [\d.]+ s")]
    private static partial Regex FailoverToExact();
}

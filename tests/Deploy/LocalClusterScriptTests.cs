using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using Collaboration.Tests.Support;
using Xunit.Abstractions;

namespace Collaboration.Tests.Deploy;

/// <summary>
/// Runs the real deploy/local-cluster.sh on free ports and a temporary state folder: `start 3`, then the commands that
/// act on its pid files (`add-silo`, `stop-silo`, `kill-silo`, `status`), then `stop`, and checks that the processes
/// whose pids the script recorded (the api, the silos, the PostgreSQL postmaster) are all gone within 30 s of `stop`.
/// Whatever happens, the test kills what it started.
/// </summary>
[Collection(ClusterCollection.Name)]
[SupportedOSPlatform("linux")]
public class LocalClusterScriptTests(ITestOutputHelper output)
{
    private const int Silos = 3;
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stop_leaves_no_process_of_the_cluster_behind_within_30_seconds()
    {
        Assert.True(Directory.Exists("/usr/lib/postgresql") && Directory.GetFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).Length > 0,
            "PostgreSQL server binaries were not found under /usr/lib/postgresql; install Debian's postgresql package (./test.sh does).");
        using var work = new TempDirectory();
        // The script runs PostgreSQL as the postgres user when we are root: it must be able to enter the folder.
        File.SetUnixFileMode(work.Path, (UnixFileMode)0b111_101_101);
        var state = work.Path;
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var environment = new Dictionary<string, string>
        {
            ["LOCAL_CLUSTER_STATE"] = state,
            ["PGPORT"] = FreePort.Next().ToString(),
            ["API_URL"] = apiUrl,
            // Silo K listens on base + K.
            ["SILO_PORT_BASE"] = (FreePort.Consecutive(Silos + 1) - 1).ToString(),
            ["GATEWAY_PORT_BASE"] = (FreePort.Consecutive(Silos + 1) - 1).ToString(),
        };
        if (Repository.Configuration == "Release")
        {
            // test.sh built the solution in Release already; the script runs the Release outputs.
            environment["LOCAL_CLUSTER_NO_BUILD"] = "1";
        }
        var recorded = new List<LinuxProcess>();
        try
        {
            var started = Stopwatch.StartNew();
            var start = await RunScriptAsync(environment, TimeSpan.FromMinutes(4), "start", Silos.ToString());
            Assert.True(start.ExitCode == 0, $"start failed ({start.ExitCode}):\n{start.Output}\n{Logs(state)}");
            var startSeconds = started.Elapsed.TotalSeconds;

            using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            using (var health = await client.GetAsync($"{apiUrl}/health/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            recorded.Add(Recorded(state, "api.pid", "Collaboration.Api.dll"));
            for (var index = 1; index <= Silos; index++)
            {
                recorded.Add(Recorded(state, $"silo-{index}.pid", "Collaboration.Silo.dll"));
            }
            var postmaster = Recorded(state, Path.Combine("pg", "data", "postmaster.pid"), "postgres");
            recorded.Add(postmaster);

            // The other commands find their processes through the same pid files.
            await RunOkAsync(environment, "add-silo");
            var added = Recorded(state, $"silo-{Silos + 1}.pid", "Collaboration.Silo.dll");
            recorded.Add(added);
            var (drained, killed) = (recorded.Single(p => p.Name == "silo-2.pid"), added);
            await RunOkAsync(environment, "stop-silo", "2");
            await RunOkAsync(environment, "kill-silo", (Silos + 1).ToString());
            var gone = Stopwatch.StartNew();
            while (gone.Elapsed < StopBound && (drained.IsAlive || killed.IsAlive))
            {
                await Task.Delay(100);
            }
            Assert.False(drained.IsAlive, $"stop-silo 2 left {drained} running for {StopBound.TotalSeconds:F0} s");
            Assert.False(killed.IsAlive, $"kill-silo {Silos + 1} left {killed} running for {StopBound.TotalSeconds:F0} s");
            var status = await RunOkAsync(environment, "status");
            var running = recorded.Where(p => p != postmaster && p.IsAlive)
                .Select(p => $"{Path.GetFileNameWithoutExtension(p.Name)}: pid {p.Pid}").Order(StringComparer.Ordinal).ToList();
            var listed = status.Split('\n').Where(line => line.Contains(": pid ", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.True(running.SequenceEqual(listed), $"status should list exactly [{string.Join(", ", running)}]:\n{status}");

            var stopping = Stopwatch.StartNew();
            var stop = await RunScriptAsync(environment, TimeSpan.FromMinutes(2), "stop");
            var stopSeconds = stopping.Elapsed.TotalSeconds;
            Assert.True(stop.ExitCode == 0, $"stop failed ({stop.ExitCode}):\n{stop.Output}");
            List<string> Left() => recorded.Where(p => p.IsAlive).Select(p => p.ToString())
                .Concat(StartedBy(state).Where(pid => recorded.All(p => p.Pid != pid)).Select(pid => $"pid {pid} ({LinuxProcess.CommandLineOf(pid)})"))
                .ToList();
            while (stopping.Elapsed < StopBound && Left().Count > 0)
            {
                await Task.Delay(100);
            }
            var left = Left();
            output.WriteLine($"local-cluster.sh: start {Silos} took {startSeconds:F1} s, stop took {stopSeconds:F1} s, " +
                $"processes left {StopBound.TotalSeconds:F0} s after stop began: {left.Count}");
            Assert.True(left.Count == 0,
                $"still running {StopBound.TotalSeconds:F0} s after `stop` began:\n{string.Join('\n', left)}\nstop said:\n{stop.Output}\n{Logs(state)}");
        }
        finally
        {
            await CleanUpAsync(state, recorded);
        }
    }

    private static async Task<string> RunOkAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var (exitCode, text) = await RunScriptAsync(environment, TimeSpan.FromMinutes(1), arguments);
        Assert.True(exitCode == 0, $"local-cluster.sh {string.Join(' ', arguments)} failed ({exitCode}):\n{text}");
        return text;
    }

    /// <summary>The process a pid file names; it must be alive and be what the file says it is.</summary>
    private static LinuxProcess Recorded(string state, string pidFile, string expected)
    {
        var path = Path.Combine(state, pidFile);
        Assert.True(File.Exists(path), $"{pidFile} was not written");
        var pid = int.Parse(File.ReadLines(path).First().Trim());
        var process = LinuxProcess.Find(pidFile, pid);
        Assert.True(process is not null, $"{pidFile} names pid {pid}, which is not running");
        Assert.True(process.CommandLine.Contains(expected, StringComparison.Ordinal),
            $"{pidFile} names pid {pid}, which is `{process.CommandLine}`, not {expected}");
        return process;
    }

    /// <summary>
    /// Live processes that inherited this run's LOCAL_CLUSTER_STATE, i.e. that the script started (PostgreSQL
    /// rewrites its environment block for its process titles, so its processes may not show up here).
    /// </summary>
    private static List<int> StartedBy(string state)
    {
        var marker = Encoding.UTF8.GetBytes($"LOCAL_CLUSTER_STATE={state}\0");
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                if (File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan().IndexOf(marker) >= 0 && LinuxProcess.Find("", pid) is not null)
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    /// <summary>Stops this run's PostgreSQL and SIGKILLs whatever else of it is still alive; never fails the test itself.</summary>
    private async Task CleanUpAsync(string state, List<LinuxProcess> recorded)
    {
        var data = Path.Combine(state, "pg", "data");
        var stoppedPostgres = false;
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            // Immediate mode: at once, whatever the clients do, and PostgreSQL still cleans up after itself.
            var pgCtl = Directory.GetFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).Order().Last();
            string[] stop = [pgCtl, "-D", data, "-m", "immediate", "-w", "stop"];
            var run = Environment.UserName == "root" ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", .. stop]) : new ProcessStartInfo(stop[0], stop[1..]);
            run.RedirectStandardOutput = run.RedirectStandardError = true;
            using var pg = Process.Start(run)!;
            await pg.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            stoppedPostgres = pg.ExitCode == 0;
        }
        var killed = recorded.Where(p => p.IsAlive).Select(p => p.Pid).Union(StartedBy(state)).Where(Kill).ToList();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10) && killed.Any(pid => LinuxProcess.Find("", pid) is not null))
        {
            await Task.Delay(100);
        }
        if (killed.Count > 0 || stoppedPostgres)
        {
            output.WriteLine($"clean-up: {(stoppedPostgres ? "stopped PostgreSQL (pg_ctl -m immediate), " : "")}killed pids [{string.Join(", ", killed)}]");
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(Dictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "deploy", "local-cluster.sh"), .. arguments])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var text = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (text)
                {
                    text.AppendLine(line);
                }
            }
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Failure(string what)
        {
            lock (text)
            {
                return $"local-cluster.sh {string.Join(' ', arguments)} {what}:\n{text}";
            }
        }
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(Failure($"did not finish within {timeout.TotalSeconds:F0} s"));
        }
        try
        {
            // The end of its output: a process it left behind with the script's stdout or stderr would hang a caller.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(Failure($"exited ({process.ExitCode}), but a process it started still holds its output open"));
        }
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }

    /// <summary>The last lines of every log in the state folder, for failure messages.</summary>
    private static string Logs(string state) =>
        string.Join('\n', Directory.GetFiles(state, "*.log").Append(Path.Combine(state, "pg", "server.log")).Where(File.Exists).Order()
            .Select(log => $"--- {Path.GetFileName(log)} (last 15 lines)\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}"));
}

/// <summary>
/// A process as /proc shows it, identified by its pid and its start time, so that a pid reused by another process is
/// not taken for it. A zombie counts as gone.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed record LinuxProcess(string Name, int Pid, ulong StartTime, string CommandLine)
{
    public static LinuxProcess? Find(string name, int pid) =>
        StartTimeOf(pid) is { } startTime ? new LinuxProcess(name, pid, startTime, CommandLineOf(pid)) : null;

    public bool IsAlive => StartTimeOf(Pid) == StartTime;

    public static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public override string ToString() => $"{Name}: pid {Pid} ({CommandLine})";

    /// <summary>Field 22 of /proc/PID/stat, or null when there is no such live (non-zombie) process.</summary>
    private static ulong? StartTimeOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces; fields 3 onwards follow the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[0] is "Z" or "X" or "x" ? null : ulong.Parse(fields[19]);
    }
}

using System.Diagnostics;
using System.Text;

namespace Collaboration.Testing;

/// <summary>
/// The api, a silo or any other program of this checkout as a separate operating-system process, run from this
/// checkout's build output, so that it can be SIGKILLed like a crashed machine or SIGTERMed like a node being drained.
/// Its output is kept (for failure messages and log assertions) and, when asked, copied to a file as it comes.
/// </summary>
public sealed class ServiceProcess : IDisposable, IAsyncDisposable
{
    /// <summary>How long a started process may take to become ready before it counts as failed.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TextWriter? log;
    private readonly long startedAt = Stopwatch.GetTimestamp();

    private ServiceProcess(string assembly, IEnumerable<string> arguments, IDictionary<string, string> environment, string? workingDirectory, string? logPath)
    {
        var start = new ProcessStartInfo("dotnet", [assembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        log = logPath is null ? null : TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        process = new Process { StartInfo = start };
        // Draining both pipes also keeps the child from blocking on a full one.
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the process serves HTTP, when it was started to.</summary>
    public Uri? BaseAddress { get; private init; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(startedAt);

    /// <summary>From the start until the process first answered its readiness probe (see <see cref="StartApiAsync"/>).</summary>
    public TimeSpan Startup { get; private set; }

    /// <summary>Resident memory of the process in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the api with <paramref name="environment"/>, listening on <paramref name="host"/> (reached through
    /// 127.0.0.1), and returns once it answers its readiness probe.
    /// </summary>
    public static async Task<ServiceProcess> StartApiAsync(string workingDirectory, IDictionary<string, string> environment, string host = "127.0.0.1")
    {
        var api = StartApi(workingDirectory, environment, host);
        await api.WaitUntilReadyAsync("/health/ready");
        return api;
    }

    /// <summary>Starts the api listening on <paramref name="host"/> without waiting for it (it may refuse to start).</summary>
    public static ServiceProcess StartApi(string workingDirectory, IDictionary<string, string> environment, string host = "127.0.0.1")
    {
        var port = FreePort.Next();
        return new ServiceProcess(Repository.Output("api", "Collaboration.Api.dll"), [],
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://{host}:{port}" }, workingDirectory, null)
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
    }

    /// <summary>
    /// Starts <paramref name="assembly"/> with <paramref name="arguments"/>, the last of which is the URL it is told to
    /// serve on (a free loopback port), and returns once <paramref name="readyPath"/> answers with success.
    /// </summary>
    public static async Task<ServiceProcess> StartServingAsync(string assembly, IEnumerable<string> arguments, IDictionary<string, string> environment, string readyPath)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var service = new ServiceProcess(assembly, [.. arguments, url], environment, null, null) { BaseAddress = new Uri(url) };
        await service.WaitUntilReadyAsync(readyPath);
        return service;
    }

    /// <summary>Runs the api's command line (e.g. keys create) to its end: exit code, standard output, and all output.</summary>
    public static async Task<(int Exit, string Output, string All)> RunApiCommandAsync(
        string workingDirectory, IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Repository.Output("api", "Collaboration.Api.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await output + await error);
    }

    /// <summary>
    /// Starts a silo with <paramref name="environment"/>; use <see cref="WaitUntilAsync"/> to see it join, or start a
    /// cluster-mode one with <see cref="SiloProcess.StartAsync"/>.
    /// </summary>
    public static ServiceProcess StartSilo(string workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        StartSilo(workingDirectory, environment, null, arguments);

    /// <summary>As <see cref="StartSilo(string, IDictionary{string, string}, string[])"/>, its output also copied to <paramref name="logPath"/>.</summary>
    internal static ServiceProcess StartSilo(string workingDirectory, IDictionary<string, string> environment, string? logPath, string[] arguments) =>
        new(Repository.Output("silo", "Collaboration.Silo.dll"), arguments, environment, workingDirectory, logPath);

    /// <summary>Polls <paramref name="condition"/> (a process we do not control) until it holds; <see cref="ReadyTimeout"/> at most.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waiting = Stopwatch.StartNew();
        while (waiting.Elapsed < ReadyTimeout)
        {
            if (await condition())
            {
                return;
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited before it could {what}:\n{Output}");
            }
            await Task.Delay(100); // polling a process we do not control
        }
        throw new TimeoutException($"The process did not {what} within {ReadyTimeout.TotalSeconds:F0} s:\n{Output}");
    }

    private async Task WaitUntilReadyAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var health = await client.GetAsync(path);
                return health.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the poll's timeout.
                return false;
            }
        }, $"answer {path}");
        Startup = Uptime;
    }

    /// <summary>Waits for the process to end by itself (e.g. `silo migrate`) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM: the host shuts down gracefully.</summary>
    public async Task TerminateAsync()
    {
        await SignalTerminateAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>Sends SIGTERM without waiting for the process to end, to watch it while it stops.</summary>
    public async Task SignalTerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        // Also waits for the last output lines, so none is written to the log after it is closed.
        process.WaitForExit();
        process.Dispose();
        log?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        log?.WriteLine(line);
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

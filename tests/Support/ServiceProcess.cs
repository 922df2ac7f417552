using System.Diagnostics;
using System.Text;

namespace Collaboration.Tests.Support;

/// <summary>
/// The api or a silo as a separate operating-system process, run from this checkout's build output, so that it can
/// be SIGKILLed like a crashed machine or SIGTERMed like a node being drained. Output is kept for failure messages.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(string assembly, IEnumerable<string> arguments, IDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [assembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri? BaseAddress { get; private init; }

    public bool HasExited => process.HasExited;

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
    /// 127.0.0.1), and returns once it answers its health check.
    /// </summary>
    public static async Task<ServiceProcess> StartApiAsync(string workingDirectory, IDictionary<string, string> environment, string host = "127.0.0.1")
    {
        var api = StartApi(workingDirectory, environment, host);
        var baseAddress = api.BaseAddress!;
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await api.WaitUntilAsync(async () =>
        {
            try
            {
                using var health = await client.GetAsync("/health/ready");
                return health.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the poll's timeout.
                return false;
            }
        }, "answer its health check");
        return api;
    }

    /// <summary>Starts the api listening on <paramref name="host"/> without waiting for it (it may refuse to start).</summary>
    public static ServiceProcess StartApi(string workingDirectory, IDictionary<string, string> environment, string host = "127.0.0.1")
    {
        var port = FreePort.Next();
        return new ServiceProcess(Repository.Output("api", "Collaboration.Api.dll"), [],
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://{host}:{port}" }, workingDirectory)
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
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

    /// <summary>Starts a silo with <paramref name="environment"/>; use <see cref="WaitUntilAsync"/> to see it join.</summary>
    public static ServiceProcess StartSilo(string workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        new(Repository.Output("silo", "Collaboration.Silo.dll"), arguments, environment, workingDirectory);

    /// <summary>Polls <paramref name="condition"/> (a process we do not control) until it holds; 90 s at most.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited before it could {what}:\n{Output}");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The process did not {what} within 90 s:\n{Output}");
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
        process.Kill();
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
            Kill();
        }
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

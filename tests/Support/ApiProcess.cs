using System.Diagnostics;
using System.Text;

namespace Collaboration.Tests.Support;

/// <summary>
/// The api as a separate operating-system process (the same build the tests reference), so it can be SIGKILLed like
/// a crashed machine. Output is kept for the failure message.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ApiProcess(string dataDirectory, int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Collaboration.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["COLLAB_DATA_DIR"] = dataDirectory;
        start.Environment["Orleans__SiloPort"] = FreePort.Next().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePort.Next().ToString();
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

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

    /// <summary>Starts the api on <paramref name="dataDirectory"/> and returns once it answers its health check.</summary>
    public static async Task<ApiProcess> StartAsync(string dataDirectory)
    {
        var api = new ApiProcess(dataDirectory, FreePort.Next());
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (api.process.HasExited)
            {
                throw new InvalidOperationException("The api exited during start-up:\n" + api.Output);
            }
            try
            {
                using var health = await client.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return api;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            // Polling a process we do not control for readiness; the deadline above bounds it.
            await Task.Delay(100);
        }
        api.Dispose();
        throw new TimeoutException("The api did not become healthy in 90 s:\n" + api.Output);
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
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

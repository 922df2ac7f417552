using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Collaboration.Rebuild;

namespace Collaboration.Api.Operations;

/// <summary>
/// <c>rebuild read-model | user ID | idea ID | thread ID</c>: asks a running service (over HTTP, with an admin key) to
/// rebuild from the journal and prints how long it took and what changed. The key comes from an environment variable,
/// never from the command line, where other users of the machine could read it.
/// </summary>
public static class RebuildCommand
{
    public const int Unchanged = 0, BadCommandLine = 1, Changed = 2, Refused = 3, Failed = 4;

    public const string DefaultKeyVariable = "COLLAB_API_KEY";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs <paramref name="args"/>, which start with "rebuild"; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url")
        {
            Description = "The service's address",
            DefaultValueFactory = _ => Extensions.Extensions.DefaultUrl,
        };
        url.Validators.Add(result =>
        {
            if (ServiceAddress(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError("--url must be an absolute http:// or https:// address, e.g. http://localhost:5080");
            }
        });
        var keyVariable = new Option<string>("--key-env")
        {
            Description = "The environment variable holding a key with the admin scope (none needed in keyless mode)",
            DefaultValueFactory = _ => DefaultKeyVariable,
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to wait for the answer, e.g. 00:10:00",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        };
        var id = new Argument<string>("id") { Description = "The user, idea or thread id" };

        Command Target(string name, string description, Func<ParseResult, string> path, params Argument[] arguments)
        {
            var command = new Command(name, description) { url, keyVariable, timeout };
            foreach (var argument in arguments)
            {
                command.Add(argument);
            }
            command.SetAction((parse, ct) => RequestAsync(ServiceAddress(parse.GetValue(url))!, path(parse), parse.GetValue(keyVariable)!, parse.GetValue(timeout), output, error, ct));
            return command;
        }

        var rebuild = new Command("rebuild", "Rebuild state from the journal on a running service and print what changed")
        {
            Target("read-model", "The participation read model (all /v1/stats answers)", _ => "read-model"),
            Target("user", "One user's grain", parse => "users/" + Uri.EscapeDataString(parse.GetValue(id)!), id),
            Target("idea", "One idea's grain", parse => "ideas/" + Uri.EscapeDataString(parse.GetValue(id)!), id),
            Target("thread", "One thread's grain", parse => "threads/" + Uri.EscapeDataString(parse.GetValue(id)!), id),
        };
        rebuild.SetAction(_ =>
        {
            error.WriteLine("Name what to rebuild: read-model, user ID, idea ID or thread ID (--help tells more).");
            return BadCommandLine;
        });
        var root = new RootCommand("Collaboration") { rebuild };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
    }

    private static Uri? ServiceAddress(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https" ? address : null;

    private static async Task<int> RequestAsync(
        Uri service, string target, string keyVariable, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = service, Timeout = timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/rebuild/" + target);
        if (Environment.GetEnvironmentVariable(keyVariable) is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        }
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"error: no answer from {service}: {ex.Message}");
            return Failed;
        }
        using (response)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                error.WriteLine($"error: {(int)response.StatusCode} {Describe(body)}");
                return (int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.RequestTimeout ? Refused : Failed;
            }
            var report = JsonSerializer.Deserialize<RebuildReport>(body, Json)!;
            Print(report, elapsed, output);
            return report.Changed ? Changed : Unchanged;
        }
    }

    private static void Print(RebuildReport report, TimeSpan request, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Rebuilt {report.Target}: {report.EventsFolded} events folded in {report.ElapsedMilliseconds:0.#} ms (request {request.TotalMilliseconds:0} ms)."));
        if (!report.Changed)
        {
            output.WriteLine("Unchanged: the rebuilt state equals the one it replaced.");
            return;
        }
        output.WriteLine("Changed: the rebuilt state replaced one that differed in");
        foreach (var change in report.Changes)
        {
            output.WriteLine($"  {change.Name}: {change.Before} -> {change.After}");
        }
    }

    /// <summary>The problem's detail, or its title, or the raw body when it is no problem document.</summary>
    private static string Describe(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            foreach (var field in new[] { "detail", "title" })
            {
                if (problem.RootElement.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    return text.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the raw body says more than nothing.
        }
        return body.Length > 200 ? body[..200] : body;
    }
}

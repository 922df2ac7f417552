using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collaboration.Bench;

/// <summary>
/// The HTTP ceiling for single-event ingestion: Kestrel answering <c>POST /v1/events</c> with 202 and doing no work.
/// This program runs it in a child process when started with <c>--empty-endpoint URL</c>.
/// </summary>
public static class EmptyEndpoint
{
    public const string Option = "--empty-endpoint";

    /// <summary>Answers once the process serves, as the api's readiness probe does.</summary>
    public const string ReadyPath = "/health";

    public static async Task RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet(ReadyPath, () => Results.Ok());
        app.MapPost("/v1/events", () => Results.StatusCode(StatusCodes.Status202Accepted));
        await app.RunAsync();
    }
}

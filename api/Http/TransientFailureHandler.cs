using System.Globalization;
using Collaboration.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Collaboration.Api.Http;

/// <summary>
/// Storage or cluster trouble is not the client's fault and passes: answer 503 with Retry-After, never a 2xx, so the
/// client retries (ingestion is idempotent). Malformed HTTP keeps its own status.
/// </summary>
public sealed class TransientFailureHandler(IProblemDetailsService problemDetails, ILogger<TransientFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        if (exception is BadHttpRequestException badRequest)
        {
            status = badRequest.StatusCode;
        }
        else if (Find<StorageBusyException>(exception) is { } busy)
        {
            // Expected under overload, once per refused request: one line each, no stack trace.
            logger.LogInformation("Refused {Route}: {Reason}", RouteOf(context), busy.Message);
            status = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        else if (IsTransient(exception))
        {
            logger.LogWarning(exception, "Transient failure on {Route}", RouteOf(context));
            status = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
        }
        else
        {
            return false;
        }
        context.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = exception.Message },
            Exception = exception,
        });
    }

    /// <summary>The route's template ("POST /v1/users/{userId}"), never the path: a path may hold a person's id (README, Personal data).</summary>
    private static string RouteOf(HttpContext context) =>
        $"{context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)"}";

    private static T? Find<T>(Exception? exception) where T : Exception => exception switch
    {
        null => null,
        T found => found,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(found => found is not null),
        _ => Find<T>(exception.InnerException),
    };

    private static bool IsTransient(Exception exception) => exception switch
    {
        StorageUnavailableException => true,
        _ when GrainRetry.IsSiloLoss(exception) => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}

using System.Globalization;
using System.Threading.RateLimiting;
using Collaboration.Api.Apis;
using Collaboration.Api.Http;
using Collaboration.Api.Validation;
using Collaboration.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Security;

/// <summary>The "Quotas" configuration section: each key's budget, unless the key has its own rate.</summary>
public sealed class QuotaOptions
{
    /// <summary>Events (and other requests) per second a key may spend on one api replica.</summary>
    public int EventsPerSecond { get; set; } = 1000;

    /// <summary>How many seconds of its rate a key may spend at once; never less than a full batch.</summary>
    public int BurstSeconds { get; set; } = 2;
}

/// <summary>
/// Per-key budgets with ASP.NET Core rate limiting: a token bucket per key on each api replica, refilled every second
/// with the key's rate (its own, from <see cref="ApiKeyClaims.EventsPerSecond"/>, or <see cref="QuotaOptions"/>).
/// The middleware charges every request one token; ingestion charges one more per further event, so a batch of 500
/// costs 500 and no app can starve the others. Keyless loopback mode has no key and no budget. Over budget is 429 with
/// Retry-After (the library's default is 503, which means "our fault" to a client), and nothing is stored.
/// </summary>
public static class EventQuotas
{
    public static WebApplicationBuilder AddEventQuotas(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>().Bind(builder.Configuration.GetSection("Quotas"));
        builder.Services.AddSingleton(provider => CreateLimiter(provider.GetRequiredService<IOptions<QuotaOptions>>().Value));
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease);
        });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<PartitionedRateLimiter<HttpContext>>((options, limiter) => options.GlobalLimiter = limiter);
        return builder;
    }

    /// <summary>
    /// Charges the rest of a request's events (the middleware took one token for the request). Null when the budget
    /// holds; otherwise the 429 to answer, and nothing of the request may be stored.
    /// </summary>
    public static ProblemHttpResult? Charge(HttpContext context, int events)
    {
        if (events <= 1)
        {
            return null;
        }
        using var lease = context.RequestServices.GetRequiredService<PartitionedRateLimiter<HttpContext>>().AttemptAcquire(context, events - 1);
        if (lease.IsAcquired)
        {
            return null;
        }
        context.RequestServices.GetRequiredService<CollaborationMetrics>().QuotaRejected();
        return Problems.Field(StatusCodes.Status429TooManyRequests, OverBudget(context, lease));
    }

    private static PartitionedRateLimiter<HttpContext> CreateLimiter(QuotaOptions options) =>
        PartitionedRateLimiter.Create<HttpContext, (string KeyId, int Rate)>(context =>
        {
            if (ApiKeyClaims.KeyIdOf(context.User) is not { } keyId)
            {
                return RateLimitPartition.GetNoLimiter((string.Empty, 0));
            }
            var rate = int.TryParse(context.User.FindFirst(ApiKeyClaims.EventsPerSecond)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var own)
                ? own
                : options.EventsPerSecond;
            // The rate is part of the partition, so a key given another rate gets a bucket of that size.
            return RateLimitPartition.GetTokenBucketLimiter((keyId, rate), partition => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(partition.Item2 * options.BurstSeconds, EventsApi.MaxBatchEvents),
                TokensPerPeriod = Math.Max(partition.Item2, 1),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    private static ValueTask RejectAsync(HttpContext context, RateLimitLease lease)
    {
        context.RequestServices.GetRequiredService<CollaborationMetrics>().QuotaRejected();
        var error = OverBudget(context, lease);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = error.ToString(),
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Message] } },
            },
        });
    }

    /// <summary>Sets Retry-After to when the bucket holds what was asked for, and says so.</summary>
    private static FieldError OverBudget(HttpContext context, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new FieldError("quota", $"this key is over its budget of events per second; retry after {seconds} s");
    }
}

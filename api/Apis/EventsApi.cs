using System.Security.Claims;
using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Journal;
using Collaboration.Security;
using Collaboration.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Ingestion: <c>POST /v1/events</c> (one event) and <c>POST /v1/events/batch</c>.</summary>
public static class EventsApi
{
    public const int MaxEventBytes = 32 * RequestBody.KiB;
    public const int MaxBatchBytes = RequestBody.MiB;
    public const int MaxBatchEvents = 1000;

    /// <summary>The log category whose scope carries the posted event ids.</summary>
    private const string LogCategory = "Collaboration.Api.Events";

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").WithTags("Events").RequireScope(ApiKeyScopes.EventsWrite).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        events.MapPost("/", PostEventAsync).ProducesProblems(StatusCodes.Status409Conflict);
        events.MapPost("/batch", PostBatchAsync);
        return app;
    }

    public static async Task<Results<Accepted<EventReceipt>, Ok<EventReceipt>, ProblemHttpResult>> PostEventAsync(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, ApiClock clock, CollaborationMetrics metrics, ILoggerFactory loggers,
        IOptions<JournalOptions> journal, CancellationToken ct)
    {
        var postedBy = ApiKeyClaims.KeyIdOf(user);
        var (body, problem) = await RequestBody.ReadAsync(request, MaxEventBytes, "application/json");
        if (problem is not null)
        {
            metrics.EventPosted(null, EventOutcome.Rejected);
            return problem;
        }
        using var json = RequestBody.ParseJson(body!, out problem);
        if (json is null)
        {
            metrics.EventPosted(null, EventOutcome.Rejected);
            return problem!;
        }
        if (EventParser.TryParse(json.RootElement, clock.UtcNow, out var interaction, journal.Value.RetentionDays) is { } error)
        {
            metrics.EventPosted(null, EventOutcome.Rejected);
            return Problems.Field(StatusCodes.Status400BadRequest, error, "Invalid event");
        }
        // Whatever is logged while this event is handled (here and in the request's other loggers) names it.
        using var scope = loggers.CreateLogger(LogCategory).BeginScope(new Dictionary<string, object> { ["PostedEventId"] = interaction!.EventId });
        var result = (await GrainRetry.CallAsync(() => grains.GetGrain<IIngestGrain>(0).IngestAsync([interaction!], postedBy), ct))[0];
        metrics.EventPosted(interaction.Type, Outcome(result.Status));
        return result.Status switch
        {
            IngestStatus.Accepted => (Results<Accepted<EventReceipt>, Ok<EventReceipt>, ProblemHttpResult>) TypedResults.Accepted((string?)null, new EventReceipt(interaction!.EventId, "accepted")),
            IngestStatus.Duplicate => TypedResults.Ok(new EventReceipt(interaction!.EventId, "duplicate")),
            _ => Problems.Field(StatusCodes.Status409Conflict, new FieldError(result.Field!, result.Error!), "Conflicting event"),
        };
    }

    public static async Task<Results<Ok<BatchReceipt>, ProblemHttpResult>> PostBatchAsync(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, ApiClock clock, CollaborationMetrics metrics, ILoggerFactory loggers,
        IOptions<JournalOptions> journal, CancellationToken ct)
    {
        var postedBy = ApiKeyClaims.KeyIdOf(user);
        var (body, problem) = await RequestBody.ReadAsync(request, MaxBatchBytes, "application/json");
        if (problem is not null)
        {
            return problem;
        }
        var items = new List<ReadOnlyMemory<byte>>();
        if (StrictJson.SplitBatch(body, "events", items) is { } shapeError)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, shapeError);
        }
        if (items.Count > MaxBatchEvents)
        {
            return Problems.Field(StatusCodes.Status413PayloadTooLarge, new FieldError("events", $"must hold at most {MaxBatchEvents} events"));
        }
        if (EventQuotas.Charge(request.HttpContext, items.Count) is { } overBudget)
        {
            return overBudget;
        }

        var now = clock.UtcNow;
        var rejected = new List<RejectedEvent>();
        var valid = new List<Interaction>(items.Count);
        var validIndexes = new List<int>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            using var item = StrictJson.Parse(items[index], "event", out var error);
            Interaction? interaction = null;
            error ??= items[index].Length > MaxEventBytes
                ? new FieldError("event", $"must be at most {MaxEventBytes / RequestBody.KiB} KiB")
                : EventParser.TryParse(item!.RootElement, now, out interaction, journal.Value.RetentionDays);
            if (error is not null)
            {
                rejected.Add(new RejectedEvent(index, EventParser.EventIdOf(items[index]), error.Field, error.ToString()));
                continue;
            }
            valid.Add(interaction!);
            validIndexes.Add(index);
        }

        if (rejected.Count > 0)
        {
            metrics.EventPosted(null, EventOutcome.Rejected, rejected.Count);
        }
        // A batch's ids can be many: the scope names the first and the count, enough to find the request's log lines.
        using var scope = valid.Count == 0 ? null : loggers.CreateLogger(LogCategory).BeginScope(new Dictionary<string, object>
        {
            ["PostedEventId"] = valid[0].EventId,
            ["PostedEventCount"] = valid.Count,
        });
        var results = valid.Count > 0 ? await GrainRetry.CallAsync(() => grains.GetGrain<IIngestGrain>(0).IngestAsync([.. valid], postedBy), ct) : [];
        int accepted = 0, duplicates = 0;
        for (var i = 0; i < results.Length; i++)
        {
            metrics.EventPosted(valid[i].Type, Outcome(results[i].Status));
            switch (results[i].Status)
            {
                case IngestStatus.Accepted:
                    accepted++;
                    break;
                case IngestStatus.Duplicate:
                    duplicates++;
                    break;
                default:
                    rejected.Add(new RejectedEvent(validIndexes[i], valid[i].EventId, results[i].Field,
                        new FieldError(results[i].Field!, results[i].Error!).ToString()));
                    break;
            }
        }
        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        return TypedResults.Ok(new BatchReceipt(accepted, duplicates, rejected));
    }

    private static EventOutcome Outcome(IngestStatus status) => status switch
    {
        IngestStatus.Accepted => EventOutcome.Accepted,
        IngestStatus.Duplicate => EventOutcome.Duplicate,
        _ => EventOutcome.Conflict,
    };
}

public sealed record EventReceipt(string EventId, string Status);

public sealed record RejectedEvent(int Index, string? EventId, string? Field, string Error);

public sealed record BatchReceipt(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected);

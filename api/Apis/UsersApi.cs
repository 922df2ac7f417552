using Collaboration.Ideas;
using Collaboration.Events;
using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Responses;
using Collaboration.Api.Directory;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Errors;
using Collaboration.Ingestion;
using Collaboration.Reads;
using Collaboration.Users;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>The users directory and per-user participation.</summary>
public static class UsersApi
{
    public const long MaxImportBytes = 64L * RequestBody.MiB;
    private const int ImportParallelism = 64;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        // Changing the directory is a write, reading users a read: one group per scope under the same prefix.
        var users = app.MapGroup("/v1/users").WithTags("Users").ProducesApiProblems().ValidateArguments();
        var writes = users.MapGroup("").RequireScope(ApiKeyScopes.EventsWrite)
            .ProducesProblems(StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        writes.MapPut("/{userId}", PutUserAsync).ProducesProblems(StatusCodes.Status409Conflict);
        writes.MapPost("/import", ImportAsync);
        writes.MapPost("/{userId}/following/prune", PruneAsync).ProducesProblems(StatusCodes.Status404NotFound);
        var reads = users.MapGroup("").RequireScope(ApiKeyScopes.StatsRead).ProducesProblems(StatusCodes.Status404NotFound);
        reads.MapGet("/{userId}", GetUserAsync);
        reads.MapGet("/{userId}/following", GetFollowingAsync);
        reads.MapGet("/{userId}/updates", GetUpdatesAsync);
        reads.MapGet("/{userId}/following/stale", GetStaleAsync);
        var privacy = users.MapGroup("").RequireScope(ApiKeyScopes.Privacy).ProducesProblems(StatusCodes.Status404NotFound);
        privacy.MapDelete("/{userId}", EraseAsync);
        privacy.MapGet("/{userId}/export", ExportAsync);
        return app;
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> PutUserAsync(
        string userId, HttpRequest request, IGrainFactory grains, ReadModelReads reads, ApiClock clock, IOptions<AnalyticsOptions> analytics,
        ILogger<IAnalyticsGrain> logger, CancellationToken ct)
    {
        if (Ids.CheckUserId("userId", userId) is { } reserved)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, reserved, "Invalid profile");
        }
        var (body, problem) = await RequestBody.ReadAsync(request, 32 * RequestBody.KiB, "application/json");
        if (problem is not null)
        {
            return problem;
        }
        using var json = RequestBody.ParseJson(body!, out problem);
        if (json is null)
        {
            return problem!;
        }
        if (ProfileParser.TryParse(json.RootElement, out var patch) is { } error)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, error, "Invalid profile");
        }
        var now = clock.UtcNow;
        var user = grains.GetGrain<IUserGrain>(userId);
        try
        {
            // A PUT replaces the whole profile: the fields it leaves out are cleared.
            await GrainRetry.CallAsync(() => user.UpdateProfileAsync(patch!.Values, now), ct);
        }
        catch (UserErasedException erased)
        {
            return Problems.Field(StatusCodes.Status409Conflict, new FieldError("userId", erased.Message));
        }
        return TypedResults.Ok((await ReadAsync(userId, ReadWindow.Days28, now, grains, reads, analytics.Value, logger, ct))!);
    }

    public static async Task<Results<Ok<ImportReceipt>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, IGrainFactory grains, ApiClock clock, CancellationToken ct)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, MaxImportBytes,
            "text/csv", "application/x-ndjson", "application/ndjson", "application/jsonl");
        if (problem is not null)
        {
            return problem;
        }
        var rows = new List<DirectoryRow>();
        var rejected = new List<RejectedLine>();
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            if (DirectoryReader.ReadCsv(body!, rows, rejected) is { } error)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, error, "Invalid directory");
            }
        }
        else
        {
            DirectoryReader.ReadNdjson(body!, rows, rejected);
        }

        // Every distinct user is one grain call; a user listed twice gets the lines in order, the later winning each field it names.
        var patches = new Dictionary<string, ProfilePatch>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            patches[row.UserId] = patches.TryGetValue(row.UserId, out var earlier) ? earlier.Then(row.Patch) : row.Patch;
        }
        // Refused now or never: once admitted, the import's writes count against the queue limit but are not refused.
        await GrainRetry.CallAsync(async () =>
        {
            await grains.GetGrain<IIngestGrain>(0).EnsureRoomAsync();
            return true;
        }, ct);
        var now = clock.UtcNow;
        // Once admitted an import is never cut halfway, so the request's token does not stop it.
        var erased = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(patches, new ParallelOptions { MaxDegreeOfParallelism = ImportParallelism }, async (user, _) =>
        {
            try
            {
                await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(user.Key).PatchProfileAsync(user.Value, now));
            }
            catch (UserErasedException)
            {
                erased.Add(user.Key);
            }
        });
        // An erased person's rows are refused, each named by its line.
        var refused = rows.Where(row => erased.Contains(row.UserId)).Select(row => new RejectedLine(row.Line, "userId: this user was erased; their profile can no longer be stored"));
        var kept = rows.Count(row => !erased.Contains(row.UserId));
        return TypedResults.Ok(new ImportReceipt(kept, [.. rejected.Concat(refused).OrderBy(line => line.Line)]));
    }

    /// <summary>The user, with their breadth in the window while analytics is on.</summary>
    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUserAsync(
        string userId, [AsParameters] WindowQuery query, IGrainFactory grains, ReadModelReads reads, ApiClock clock, IOptions<AnalyticsOptions> analytics,
        ILogger<IAnalyticsGrain> logger, CancellationToken ct)
    {
        var user = await ReadAsync(userId, query.Window, clock.UtcNow, grains, reads, analytics.Value, logger, ct);
        return user is null ? Problems.NotFound("user", userId) : TypedResults.Ok(user);
    }

    private static async Task<UserResponse?> ReadAsync(
        string userId, ReadWindow window, DateTimeOffset now, IGrainFactory grains, ReadModelReads reads, AnalyticsOptions analytics, ILogger logger,
        CancellationToken ct)
    {
        var view = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).GetAsync(window, now), ct);
        if (view is null || !analytics.Enabled)
        {
            return view is null ? null : UserResponse.Of(view, null);
        }
        var through = StatsApi.CountThrough(window, now, asOfGiven: false);
        return UserResponse.Of(view, await StatsApi.OptionalAsync(analyticsGrain => analyticsGrain.GetBreadthAsync(userId, window, through), reads, logger));
    }

    /// <summary>Erases the person everywhere (README, Personal data); 404, storing nothing, when nothing names them.</summary>
    public static async Task<Results<Ok<ErasureReceipt>, ProblemHttpResult>> EraseAsync(
        string userId, HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        if (Ids.CheckUserId("userId", userId) is { } reserved)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, reserved);
        }
        var erasedBy = context.User.Identity?.Name;
        var receipt = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).EraseAsync(erasedBy), ct);
        return receipt is null ? Problems.NotFound("user", userId) : TypedResults.Ok(receipt);
    }

    /// <summary>Everything held about the person, with their view over 7, 28 and 90 days and all time.</summary>
    public static async Task<Results<Ok<UserExportResponse>, ProblemHttpResult>> ExportAsync(
        string userId, IGrainFactory grains, ApiClock clock, CancellationToken ct)
    {
        var now = clock.UtcNow;
        ReadWindow[] windows = [.. ReadWindow.Known];
        var export = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).ExportAsync(windows, now), ct);
        return export is null ? Problems.NotFound("user", userId) : TypedResults.Ok(UserExportResponse.Of(export, now));
    }

    public static async Task<Results<Ok<FollowingResponse>, ProblemHttpResult>> GetFollowingAsync(
        string userId, [AsParameters] PageQuery query, IGrainFactory grains, CancellationToken ct)
    {
        var page = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).GetFollowingAsync(query.PageSize, query.After), ct);
        return page is null ? Problems.NotFound("user", userId) : TypedResults.Ok(FollowingResponse.Of(page));
    }

    /// <summary>The follows the user has not seen for at least <c>days</c> days, longest unseen first (README, Filter).</summary>
    public static async Task<Results<Ok<StaleFollowsResponse>, ProblemHttpResult>> GetStaleAsync(
        string userId, [AsParameters] StaleQuery query, IGrainFactory grains, ApiClock clock, CancellationToken ct)
    {
        var seenBy = clock.UtcNow.AddDays(-query.Days);
        var stale = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).GetStaleFollowsAsync(seenBy), ct);
        return stale is null ? Problems.NotFound("user", userId) : TypedResults.Ok(new StaleFollowsResponse(query.Days, seenBy, stale));
    }

    /// <summary>
    /// Lists the stale follows and, unless it is a dry run, unfollows them through ingestion: one unfollow per follow,
    /// dated now, with an id derived from the follow it undoes, so a retried or concurrent prune stores each once.
    /// </summary>
    public static async Task<Results<Ok<PruneReceipt>, ProblemHttpResult>> PruneAsync(
        string userId, HttpRequest request, HttpContext context, IGrainFactory grains, ApiClock clock, CancellationToken ct)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, 4 * RequestBody.KiB, "application/json");
        if (problem is not null)
        {
            return problem;
        }
        using var json = RequestBody.ParseJson(body!, out problem);
        if (json is null)
        {
            return problem!;
        }
        if (PruneRequest.Parse(json.RootElement, out var prune) is { } error)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, error, "Invalid prune");
        }
        var now = clock.UtcNow;
        var seenBy = now.AddDays(-prune.Days);
        var stale = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).GetStaleFollowsAsync(seenBy), ct);
        if (stale is null)
        {
            return Problems.NotFound("user", userId);
        }
        if (prune.DryRun || stale.Length == 0)
        {
            return TypedResults.Ok(new PruneReceipt(prune.Days, seenBy, prune.DryRun, stale, 0));
        }
        Interaction[] unfollows = [.. stale.Select(follow => new Interaction(follow.UnfollowEventId, InteractionType.Unfollow, userId, follow.IdeaId, null, now))];
        var results = await GrainRetry.CallAsync(() => grains.GetGrain<IIngestGrain>(0).IngestAsync(unfollows, context.User.Identity?.Name), ct);
        // A conflict on a derived id means a concurrent prune stored this very unfollow (dated a moment apart): it is done.
        return TypedResults.Ok(new PruneReceipt(prune.Days, seenBy, false, stale,
            results.Count(result => result.Status is IngestStatus.Accepted or IngestStatus.Duplicate or IngestStatus.Conflict)));
    }

    /// <summary>The ideas the user follows with activity since they last saw them, newest activity first (README, Listen).</summary>
    public static async Task<Results<Ok<UpdatesResponse>, ProblemHttpResult>> GetUpdatesAsync(
        string userId, [AsParameters] UpdatesQuery query, IGrainFactory grains, CancellationToken ct)
    {
        var page = await GrainRetry.CallAsync(() => grains.GetGrain<IUserGrain>(userId).GetUpdatesAsync(query.PageSize, query.After), ct);
        return page is null ? Problems.NotFound("user", userId) : TypedResults.Ok(UpdatesResponse.Of(page));
    }
}

public sealed record ImportReceipt(int Imported, IReadOnlyList<RejectedLine> Rejected);

/// <summary>The follows unseen since <see cref="SeenBy"/> (<see cref="Days"/> days before now).</summary>
public sealed record StaleFollowsResponse(int Days, DateTimeOffset SeenBy, StaleFollow[] Items);

/// <summary>What a prune found and, unless a dry run, how many of those follows are now undone.</summary>
public sealed record PruneReceipt(int Days, DateTimeOffset SeenBy, bool DryRun, StaleFollow[] Items, int Unfollowed);

/// <summary>The body of a prune: <c>days</c> (1-3650, 30 by default) and <c>dryRun</c> (false by default); nothing else.</summary>
public sealed record PruneRequest(int Days, bool DryRun)
{
    public static FieldError? Parse(JsonElement body, out PruneRequest request)
    {
        request = new PruneRequest(StaleQuery.DefaultDays, false);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new FieldError("body", "must be a JSON object");
        }
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "days" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var days) && days is >= 1 and <= StaleQuery.MaxDays:
                    request = request with { Days = days };
                    break;
                case "days":
                    return new FieldError("days", $"must be an integer from 1 to {StaleQuery.MaxDays}");
                case "dryRun" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    request = request with { DryRun = property.Value.GetBoolean() };
                    break;
                case "dryRun":
                    return new FieldError("dryRun", "must be true or false");
                default:
                    return new FieldError(property.Name, "is not a field of a prune (days, dryRun)");
            }
        }
        return null;
    }
}

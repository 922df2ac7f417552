using System.Globalization;
using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Participation dashboards: tiers, ties, top ideas, daily activity and the promotion funnel (JSON, or CSV on Accept: text/csv).</summary>
public static class StatsApi
{
    private const int MaxTopIdeas = 100;
    private const int MaxDays = 366;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        // 404 when analytics is turned off.
        var stats = app.MapGroup("/v1/stats").WithTags("Stats").RequireScope(ApiKeyScopes.StatsRead).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound);
        stats.MapGet("/participation", GetParticipationAsync);
        stats.MapGet("/participation/daily", GetDailyAsync);
        stats.MapGet("/ties", GetTiesAsync);
        stats.MapGet("/ideas/top", GetTopIdeasAsync);
        stats.MapGet("/funnel", GetFunnelAsync);
        return app;
    }

    public static async Task<Results<Ok<ParticipationResponse>, CsvAnswer, ProblemHttpResult>> GetParticipationAsync(
        string? window, string? by, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options,
        CancellationToken ct)
    {
        if (Check(options, window, asOf, clock, out var readWindow, out var end, out var through) is { } problem)
        {
            return problem;
        }
        Dimension? dimension = null;
        if (by is not null)
        {
            if (!Dimensions.TryParse(by, out var parsed))
            {
                return Problems.BadRequest("by", "must be one of country, site, department, function");
            }
            dimension = parsed;
        }
        var stats = await GrainRetry.CallAsync(() => Analytics(grains).GetParticipationAsync(readWindow, through, dimension), ct);
        var groups = stats.Groups;
        var t = stats.Total;
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("key", "users", "creators", "editors", "audience", "inactive",
                "creatorsShare", "editorsShare", "audienceShare", "inactiveShare");
            foreach (var (key, c) in groups?.Select(g => (g.Key, g.Counts)).Prepend(("(all)", t)) ?? [("(all)", t)])
            {
                csv.Row(key, c.Users, c.Creators, c.Editors, c.Audience, c.Inactive, c.Shares.Creators, c.Shares.Editors, c.Shares.Audience, c.Shares.Inactive);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new ParticipationResponse(readWindow.Name, end, t.Users, t.Creators, t.Editors, t.Audience, t.Inactive, t.Shares,
            dimension?.ToWireName(),
            groups?.Select(g => new GroupTiers(g.Key, g.Counts.Users, g.Counts.Creators, g.Counts.Editors, g.Counts.Audience, g.Counts.Inactive)).ToList()));
    }

    public static async Task<Results<Ok<TiesResponse>, CsvAnswer, ProblemHttpResult>> GetTiesAsync(
        string? window, string? by, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options,
        CancellationToken ct)
    {
        if (Check(options, window, asOf, clock, out var readWindow, out var end, out var through) is { } problem)
        {
            return problem;
        }
        var dimension = Dimension.Country;
        if (by is not null && !Dimensions.TryParse(by, out dimension))
        {
            return Problems.BadRequest("by", "must be one of country, site, department, function");
        }
        var stats = await GrainRetry.CallAsync(() => Analytics(grains).GetTiesAsync(readWindow, through, dimension), ct);
        if (CsvTable.IsWanted(request))
        {
            // The (all) row carries the totals and the mean breadth; a group's ties are its external plus internal ones.
            var csv = new CsvTable("key", "ties", "external", "internal", "eiIndex", "meanBreadth")
                .Row("(all)", stats.Ties, stats.External, stats.Internal, stats.EiIndex, stats.MeanBreadth);
            foreach (var g in stats.Groups)
            {
                csv.Row(g.Key, g.Ties, g.External, g.Internal, g.EiIndex, null);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new TiesResponse(readWindow.Name, end, dimension.ToWireName(), stats.Ties, stats.External, stats.Internal,
            stats.EiIndex, [.. stats.Groups.Select(g => new GroupTies(g.Key, g.External, g.Internal, g.EiIndex))], stats.MeanBreadth));
    }

    public static async Task<Results<Ok<TopIdeasResponse>, CsvAnswer, ProblemHttpResult>> GetTopIdeasAsync(
        string? window, string? sort, string? limit, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock,
        IOptions<AnalyticsOptions> options, CancellationToken ct)
    {
        if (Check(options, window, asOf, clock, out var readWindow, out var end, out var through) is { } problem)
        {
            return problem;
        }
        IdeaRanking? ranking = sort switch
        {
            null or "reach" => IdeaRanking.Reach,
            "contributors" => IdeaRanking.Contributors,
            "views" => IdeaRanking.Views,
            _ => null,
        };
        if (ranking is null)
        {
            return Problems.BadRequest("sort", "must be one of reach, contributors, views");
        }
        var count = 10;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxTopIdeas))
        {
            return Problems.BadRequest("limit", $"must be a whole number from 1 to {MaxTopIdeas}");
        }
        var ranked = await GrainRetry.CallAsync(() => Analytics(grains).GetTopIdeasAsync(readWindow, through, ranking.Value, count), ct);
        var ideas = ranked.Select(idea => new TopIdea(idea.IdeaId, idea.Title, idea.OwnerId, idea.Views, idea.Reach)).ToList();
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("ideaId", "title", "ownerId", "views", "contributors", "countries", "departments", "functions",
                "crossBorderShare", "criticalMass");
            foreach (var i in ideas)
            {
                csv.Row(new CsvTable.Id(i.IdeaId), i.Title, new CsvTable.Id(i.OwnerId), i.Views, i.Reach.Contributors, i.Reach.Countries, i.Reach.Departments,
                    i.Reach.Functions, i.Reach.CrossBorderShare, i.Reach.CriticalMass ? "true" : "false");
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new TopIdeasResponse(readWindow.Name, end, sort ?? "reach", ideas));
    }

    public static async Task<Results<Ok<DailyResponse>, CsvAnswer, ProblemHttpResult>> GetDailyAsync(
        string? days, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options,
        CancellationToken ct)
    {
        if (Check(options, null, asOf, clock, out _, out var end, out var through) is { } problem)
        {
            return problem;
        }
        var count = 90;
        if (days is not null && (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxDays))
        {
            return Problems.BadRequest("days", $"must be a whole number from 1 to {MaxDays}");
        }
        var daily = await GrainRetry.CallAsync(() => Analytics(grains).GetDailyAsync(count, through), ct);
        var rows = daily.Select(d => new DayTiers(d.Day, d.Active, d.Creators, d.Editors, d.Audience)).ToList();
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("day", "active", "creators", "editors", "audience");
            foreach (var d in rows)
            {
                csv.Row(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Active, d.Creators, d.Editors, d.Audience);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new DailyResponse(end, rows));
    }

    public static async Task<Results<Ok<FunnelResponse>, CsvAnswer, ProblemHttpResult>> GetFunnelAsync(
        string? window, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options,
        CancellationToken ct)
    {
        if (Check(options, window, asOf, clock, out var readWindow, out var end, out var through) is { } problem)
        {
            return problem;
        }
        if (readWindow.Length is not { } length)
        {
            return Problems.BadRequest("window", "must be one of 7d, 28d, 90d (all time has no previous window)");
        }
        var moves = await GrainRetry.CallAsync(() => Analytics(grains).GetFunnelAsync(readWindow, through), ct);
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("from", "inactive", "audience", "editor", "creator");
            foreach (var (from, row) in new[] { ("inactive", moves.Inactive), ("audience", moves.Audience), ("editor", moves.Editor), ("creator", moves.Creator) })
            {
                csv.Row(from, row.Inactive, row.Audience, row.Editor, row.Creator);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new FunnelResponse(readWindow.Name, end,
            new WindowSpan(end - 2 * length, end - length), new WindowSpan(end - length, end), moves));
    }

    public static IAnalyticsGrain Analytics(IGrainFactory grains) => grains.GetGrain<IAnalyticsGrain>(0);

    /// <summary>How long a user or idea read waits for its analytics part (e.g. while the read model replays after a failover).</summary>
    private static readonly TimeSpan OptionalWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The analytics part of a user or idea read. When the read model cannot answer soon, the read goes out without it
    /// (the field is null) instead of failing: the user's or idea's own state does not depend on it.
    /// </summary>
    public static async Task<T?> OptionalAsync<T>(Func<IAnalyticsGrain, Task<T?>> read, IGrainFactory grains, ILogger logger)
        where T : class
    {
        try
        {
            return await read(Analytics(grains)).WaitAsync(OptionalWait);
        }
        catch (Exception ex) when (ex is TimeoutException or Errors.StorageUnavailableException || GrainRetry.IsSiloLoss(ex))
        {
            logger.LogWarning(ex, "Answering without analytics");
            return null;
        }
    }

    /// <summary>
    /// The window (28d by default), its end (asOf when given, else now; asOf may not lie in the future), and the moment
    /// the answer counts through (see <see cref="CountThrough"/>).
    /// </summary>
    public static ProblemHttpResult? Check(
        IOptions<AnalyticsOptions> options, string? window, string? asOf, ApiClock clock, out ReadWindow readWindow,
        out DateTimeOffset end, out DateTimeOffset through)
    {
        readWindow = ReadWindow.Parse(window)!;
        end = clock.UtcNow;
        through = end;
        if (!options.Value.Enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Analytics is turned off",
                detail: "This service runs with Analytics:Enabled=false.");
        }
        if (readWindow is null)
        {
            return Problems.BadRequest("window", "must be one of 7d, 28d, 90d, all");
        }
        if (asOf is not null)
        {
            if (!EventParser.TryParseRfc3339(asOf, out var parsed))
            {
                return Problems.BadRequest("asOf", "must be an RFC 3339 timestamp with an offset, like 2026-11-01T12:00:00Z");
            }
            if (parsed > end)
            {
                return Problems.BadRequest("asOf", "must not be in the future");
            }
            if (parsed < EventParser.Earliest)
            {
                // No event can be dated earlier, and day arithmetic near year 1 would leave the calendar.
                return Problems.BadRequest("asOf", "must not be before 2000-01-01T00:00:00Z");
            }
            end = parsed;
        }
        through = CountThrough(readWindow, end, asOfGiven: asOf is not null);
        return null;
    }

    /// <summary>
    /// Where an answer counts up to. A bounded window, or any window with asOf, counts events dated up to its end, so
    /// an event dated ahead waits for its time. All time without asOf counts every acknowledged event, whatever its
    /// date, as totals and follow state do: none can be dated later than the clock plus the allowed skew.
    /// </summary>
    public static DateTimeOffset CountThrough(ReadWindow window, DateTimeOffset end, bool asOfGiven) =>
        window.Length is null && !asOfGiven ? end + EventParser.MaxClockSkew : end;
}

using System.Globalization;
using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Security;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Participation dashboards: tiers, ties, top ideas, daily activity and the promotion funnel (JSON, or CSV on Accept: text/csv).</summary>
public static class StatsApi
{
    private const int MaxTopIdeas = 100;
    private const int MaxDays = 366;

    private static readonly string[] TierNames =
        [.. Enum.GetValues<ParticipationLevel>().Select(level => level.ToWireName())];

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/v1/stats").WithTags("Stats").RequireScope(ApiKeyScopes.StatsRead);
        stats.MapGet("/participation", GetParticipationAsync);
        stats.MapGet("/participation/daily", GetDailyAsync);
        stats.MapGet("/ties", GetTiesAsync);
        stats.MapGet("/ideas/top", GetTopIdeasAsync);
        stats.MapGet("/funnel", GetFunnelAsync);
        return app;
    }

    public static async Task<IResult> GetParticipationAsync(
        string? window, string? by, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options)
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
        var stats = await GrainRetry.CallAsync(() => Analytics(grains).GetParticipationAsync(readWindow, through, dimension), request.HttpContext.RequestAborted);
        var groups = stats.Groups;
        var t = stats.Total;
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("key", "users", "creators", "editors", "audience", "inactive",
                "creatorsShare", "editorsShare", "audienceShare", "inactiveShare");
            foreach (var (key, c) in groups?.Select(g => (g.Key, g.Counts)).Prepend(("(all)", t)) ?? [("(all)", t)])
            {
                csv.Row(key, c.Users, c.Creators, c.Editors, c.Audience, c.Inactive,
                    Share(c.Creators, c.Users), Share(c.Editors, c.Users), Share(c.Audience, c.Users), Share(c.Inactive, c.Users));
            }
            return csv.ToResult();
        }
        return TypedResults.Ok(new ParticipationResponse(readWindow.Name, end, t.Users, t.Creators, t.Editors, t.Audience, t.Inactive,
            new TierShares(Share(t.Creators, t.Users), Share(t.Editors, t.Users), Share(t.Audience, t.Users), Share(t.Inactive, t.Users)),
            dimension?.ToWireName(),
            groups?.Select(g => new GroupTiers(g.Key, g.Counts.Users, g.Counts.Creators, g.Counts.Editors, g.Counts.Audience, g.Counts.Inactive)).ToList()));
    }

    public static async Task<IResult> GetTiesAsync(
        string? window, string? by, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options)
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
        var stats = await GrainRetry.CallAsync(() => Analytics(grains).GetTiesAsync(readWindow, through, dimension), request.HttpContext.RequestAborted);
        var (groups, external, @internal) = (stats.Groups, stats.External, stats.Internal);
        double? meanBreadth = stats.TiedUsers > 0 ? (double)stats.BreadthSum / stats.TiedUsers : null;
        if (CsvTable.IsWanted(request))
        {
            // The (all) row carries the totals and the mean breadth; a group's ties are its external plus internal ones.
            var csv = new CsvTable("key", "ties", "external", "internal", "eiIndex", "meanBreadth")
                .Row("(all)", stats.Ties, external, @internal, EiIndex(external, @internal), meanBreadth);
            foreach (var g in groups)
            {
                csv.Row(g.Key, g.External + g.Internal, g.External, g.Internal, EiIndex(g.External, g.Internal), null);
            }
            return csv.ToResult();
        }
        return TypedResults.Ok(new TiesResponse(readWindow.Name, end, dimension.ToWireName(), stats.Ties, external, @internal,
            EiIndex(external, @internal), [.. groups.Select(g => new GroupTies(g.Key, g.External, g.Internal, EiIndex(g.External, g.Internal)))],
            meanBreadth));
    }

    public static async Task<IResult> GetTopIdeasAsync(
        string? window, string? sort, string? limit, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock,
        IOptions<AnalyticsOptions> options)
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
        var ranked = await GrainRetry.CallAsync(() => Analytics(grains).GetTopIdeasAsync(readWindow, through, ranking.Value, count), request.HttpContext.RequestAborted);
        var ideas = ranked.Select(idea => new TopIdea(idea.IdeaId, idea.Title, idea.OwnerId, idea.Views, ToView(idea.Reach, options.Value))).ToList();
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("ideaId", "title", "ownerId", "views", "contributors", "countries", "departments", "functions",
                "crossBorderShare", "criticalMass");
            foreach (var i in ideas)
            {
                csv.Row(new CsvTable.Id(i.IdeaId), i.Title, new CsvTable.Id(i.OwnerId), i.Views, i.Reach.Contributors, i.Reach.Countries, i.Reach.Departments,
                    i.Reach.Functions, i.Reach.CrossBorderShare, i.Reach.CriticalMass ? "true" : "false");
            }
            return csv.ToResult();
        }
        return TypedResults.Ok(new TopIdeasResponse(readWindow.Name, end, sort ?? "reach", ideas));
    }

    public static async Task<IResult> GetDailyAsync(
        string? days, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options)
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
        var daily = await GrainRetry.CallAsync(() => Analytics(grains).GetDailyAsync(count, through), request.HttpContext.RequestAborted);
        var rows = daily.Select(d => new DayTiers(d.Day, d.Creators + d.Editors + d.Audience, d.Creators, d.Editors, d.Audience)).ToList();
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("day", "active", "creators", "editors", "audience");
            foreach (var d in rows)
            {
                csv.Row(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Active, d.Creators, d.Editors, d.Audience);
            }
            return csv.ToResult();
        }
        return TypedResults.Ok(new DailyResponse(end, rows));
    }

    public static async Task<IResult> GetFunnelAsync(
        string? window, string? asOf, HttpRequest request, IGrainFactory grains, ApiClock clock, IOptions<AnalyticsOptions> options)
    {
        if (Check(options, window, asOf, clock, out var readWindow, out var end, out var through) is { } problem)
        {
            return problem;
        }
        if (readWindow.Length is not { } length)
        {
            return Problems.BadRequest("window", "must be one of 7d, 28d, 90d (all time has no previous window)");
        }
        var funnel = await GrainRetry.CallAsync(() => Analytics(grains).GetFunnelAsync(readWindow, through), request.HttpContext.RequestAborted);
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable(["from", .. TierNames]);
            for (var from = 0; from < TierNames.Length; from++)
            {
                csv.Row([TierNames[from], .. funnel[from].Cast<object?>()]);
            }
            return csv.ToResult();
        }
        var moves = new Dictionary<string, IReadOnlyDictionary<string, long>>();
        for (var from = 0; from < TierNames.Length; from++)
        {
            moves[TierNames[from]] = Enumerable.Range(0, TierNames.Length).ToDictionary(to => TierNames[to], to => funnel[from][to]);
        }
        return TypedResults.Ok(new FunnelResponse(readWindow.Name, end,
            new WindowSpan(end - 2 * length, end - length), new WindowSpan(end - length, end), moves));
    }

    public static ReachView ToView(IdeaReach reach, AnalyticsOptions options) => new(
        reach.Contributors, reach.Countries, reach.Departments, reach.Functions, reach.CrossBorderShare,
        reach.Contributors >= options.CriticalMassContributors && reach.Countries >= options.CriticalMassCountries);

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
    public static IResult? Check(
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

    private static double? Share(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>Krackhardt and Stern's E-I index; null without ties.</summary>
    private static double? EiIndex(long external, long @internal) =>
        external + @internal == 0 ? null : (double)(external - @internal) / (external + @internal);
}

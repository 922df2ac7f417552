using System.Globalization;
using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Reads;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collaboration.Api.Apis;

/// <summary>Participation dashboards: tiers, ties, top ideas, daily activity and the promotion funnel (JSON, or CSV on Accept: text/csv).</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/v1/stats").WithTags("Stats").RequireScope(ApiKeyScopes.StatsRead).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound).AddEndpointFilter(AnalyticsOnAsync).ValidateArguments();
        stats.MapGet("/participation", GetParticipationAsync);
        stats.MapGet("/participation/daily", GetDailyAsync);
        stats.MapGet("/ties", GetTiesAsync);
        stats.MapGet("/ties/matrix", GetTieMatrixAsync);
        stats.MapGet("/ideas/top", GetTopIdeasAsync);
        stats.MapGet("/ideas/{ideaId}/contributors", GetIdeaContributorsAsync);
        stats.MapGet("/funnel", GetFunnelAsync);
        stats.MapGet("/follows", GetFollowsAsync);
        return app;
    }

    public static async Task<Results<Ok<ParticipationResponse>, CsvAnswer>> GetParticipationAsync(
        [AsParameters] StatsQuery query, [AsParameters] ByQuery by, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var stats = await reads.ReadAsync(model => model.GetParticipationAsync(query.Window, query.Through, by.Dimension), ct);
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
        return TypedResults.Ok(new ParticipationResponse(query.Window.Name, query.End, t.Users, t.Creators, t.Editors, t.Audience, t.Inactive, t.Shares,
            by.Dimension?.ToWireName(),
            groups?.Select(g => new GroupTiers(g.Key, g.Counts.Users, g.Counts.Creators, g.Counts.Editors, g.Counts.Audience, g.Counts.Inactive)).ToList()));
    }

    public static async Task<Results<Ok<TiesResponse>, CsvAnswer>> GetTiesAsync(
        [AsParameters] StatsQuery query, [AsParameters] ByQuery by, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var dimension = by.Dimension ?? Dimension.Country;
        var stats = await reads.ReadAsync(model => model.GetTiesAsync(query.Window, query.Through, dimension), ct);
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
        return TypedResults.Ok(new TiesResponse(query.Window.Name, query.End, dimension.ToWireName(), stats.Ties, stats.External, stats.Internal,
            stats.EiIndex, [.. stats.Groups.Select(g => new GroupTies(g.Key, g.External, g.Internal, g.EiIndex))], stats.MeanBreadth));
    }

    public static async Task<Results<Ok<TieMatrixResponse>, CsvAnswer>> GetTieMatrixAsync(
        [AsParameters] StatsQuery query, [AsParameters] ByQuery by, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var dimension = by.Dimension ?? Dimension.Country;
        var matrix = await reads.ReadAsync(model => model.GetTieMatrixAsync(query.Window, query.Through, dimension), ct);
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("from", "to", "ties");
            foreach (var cell in matrix.Cells)
            {
                csv.Row(cell.From, cell.To, cell.Ties);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new TieMatrixResponse(query.Window.Name, query.End, dimension.ToWireName(), matrix.Ties, matrix.Groups, matrix.Cells));
    }

    public static async Task<Results<Ok<TopIdeasResponse>, CsvAnswer>> GetTopIdeasAsync(
        [AsParameters] StatsQuery query, [AsParameters] TopQuery top, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var ranked = await reads.ReadAsync(model => model.GetTopIdeasAsync(query.Window, query.Through, top.Ranking, top.Count), ct);
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
        return TypedResults.Ok(new TopIdeasResponse(query.Window.Name, query.End, top.SortName, ideas));
    }

    public static async Task<Results<Ok<IdeaContributorsResponse>, CsvAnswer, ProblemHttpResult>> GetIdeaContributorsAsync(
        string ideaId, [AsParameters] StatsQuery query, [AsParameters] ByQuery by, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var dimension = by.Dimension ?? Dimension.Country;
        var found = await reads.ReadAsync(model => model.GetIdeaContributorsAsync(ideaId, query.Window, query.Through, dimension), ct);
        if (found is null)
        {
            return Problems.NotFound("idea", ideaId);
        }
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("key", "users", "contributors").Row("(all)", found.Users, found.Contributors);
            foreach (var g in found.Groups)
            {
                csv.Row(g.Key, g.Users, g.Contributors);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new IdeaContributorsResponse(ideaId, query.Window.Name, query.End, dimension.ToWireName(), found.Contributors, found.Users, found.Groups));
    }

    public static async Task<Results<Ok<FollowsResponse>, CsvAnswer>> GetFollowsAsync(
        [AsParameters] StaleWindowQuery query, [AsParameters] ByQuery by, HttpRequest request, ReadModelReads reads, ApiClock clock, CancellationToken ct)
    {
        var now = clock.UtcNow;
        var length = query.Window.Length!.Value;
        var stats = await reads.ReadAsync(model => model.GetFollowsAsync(length, now, by.Dimension), ct);
        var t = stats.Total;
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("key", "users", "followers", "follows", "stale", "staleShare");
            foreach (var g in stats.Groups?.Prepend(t) ?? [t])
            {
                csv.Row(g.Key, g.Users, g.Followers, g.Follows, g.Stale, g.StaleShare);
            }
            return new CsvAnswer(csv);
        }
        return TypedResults.Ok(new FollowsResponse(query.Window.Name, now, now - length, t.Users, t.Followers, t.Follows, t.Stale, t.StaleShare,
            by.Dimension?.ToWireName(), stats.Groups?.Select(g => new GroupFollows(g.Key, g.Users, g.Followers, g.Follows, g.Stale, g.StaleShare)).ToList()));
    }

    public static async Task<Results<Ok<DailyResponse>, CsvAnswer>> GetDailyAsync(
        [AsParameters] DailyQuery query, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var daily = await reads.ReadAsync(model => model.GetDailyAsync(query.Count, query.End), ct);
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
        return TypedResults.Ok(new DailyResponse(query.End, rows));
    }

    public static async Task<Results<Ok<FunnelResponse>, CsvAnswer>> GetFunnelAsync(
        [AsParameters] FunnelQuery query, HttpRequest request, ReadModelReads reads, CancellationToken ct)
    {
        var moves = await reads.ReadAsync(model => model.GetFunnelAsync(query.Window, query.Through), ct);
        if (CsvTable.IsWanted(request))
        {
            var csv = new CsvTable("from", "inactive", "audience", "editor", "creator");
            foreach (var (from, row) in new[] { ("inactive", moves.Inactive), ("audience", moves.Audience), ("editor", moves.Editor), ("creator", moves.Creator) })
            {
                csv.Row(from, row.Inactive, row.Audience, row.Editor, row.Creator);
            }
            return new CsvAnswer(csv);
        }
        var (end, length) = (query.End, query.Length);
        return TypedResults.Ok(new FunnelResponse(query.Window.Name, end,
            new WindowSpan(end - 2 * length, end - length), new WindowSpan(end - length, end), moves));
    }

    /// <summary>How long a user or idea read waits for its analytics part (e.g. while the read model replays after a failover).</summary>
    private static readonly TimeSpan OptionalWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The analytics part of a user or idea read. When the read model cannot answer soon, the read goes out without it
    /// (the field is null) instead of failing: the user's or idea's own state does not depend on it.
    /// </summary>
    public static async Task<T?> OptionalAsync<T>(Func<IAnalyticsGrain, Task<T?>> read, ReadModelReads reads, ILogger logger)
        where T : class
    {
        try
        {
            return await reads.ReadAsync(read, CancellationToken.None).WaitAsync(OptionalWait);
        }
        catch (Exception ex) when (ex is TimeoutException or Errors.StorageUnavailableException || GrainRetry.IsSiloLoss(ex))
        {
            logger.LogWarning(ex, "Answering without analytics");
            return null;
        }
    }

    /// <summary>
    /// With analytics turned off every dashboard is 404, whatever its query: this filter runs before the query is checked.
    /// </summary>
    internal static async ValueTask<object?> AnalyticsOnAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<IOptions<AnalyticsOptions>>().Value.Enabled
            ? await next(context)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Analytics is turned off",
                detail: "This service runs with Analytics:Enabled=false.");

    /// <summary>
    /// Where an answer counts up to. A bounded window, or any window with asOf, counts events dated up to its end, so
    /// an event dated ahead waits for its time. All time without asOf counts every acknowledged event, whatever its
    /// date, as totals and follow state do: none can be dated later than the clock plus the allowed skew.
    /// </summary>
    public static DateTimeOffset CountThrough(ReadWindow window, DateTimeOffset end, bool asOfGiven) =>
        window.Length is null && !asOfGiven ? end + EventParser.MaxClockSkew : end;
}

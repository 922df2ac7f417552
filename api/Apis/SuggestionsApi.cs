using Collaboration.Analytics;
using Collaboration.Api.Analytics;
using Collaboration.Api.Http;
using Collaboration.Api.OpenApi;
using Collaboration.Api.Security;
using Collaboration.Api.Validation;
using Collaboration.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collaboration.Api.Apis;

/// <summary>
/// Weak-tie matchmaking: colleagues in other countries or functions likely to help with an idea, and ideas a user could
/// help with. Ranked by the read model, where ideas, tags and contributions live (see Matchmaking in the grains).
/// </summary>
public static class SuggestionsApi
{
    public static IEndpointRouteBuilder MapSuggestionsApi(this IEndpointRouteBuilder app)
    {
        var suggestions = app.MapGroup("/v1").WithTags("Suggestions").RequireScope(ApiKeyScopes.StatsRead).ProducesApiProblems()
            .ProducesProblems(StatusCodes.Status404NotFound).AddEndpointFilter(StatsApi.AnalyticsOnAsync).ValidateArguments();
        suggestions.MapGet("/ideas/{ideaId}/people", GetPeopleAsync);
        suggestions.MapGet("/users/{userId}/ideas/suggested", GetSuggestedIdeasAsync);
        return app;
    }

    public static async Task<Results<Ok<PeopleResponse>, ProblemHttpResult>> GetPeopleAsync(
        string ideaId, [AsParameters] SuggestionQuery query, [AsParameters] PeopleByQuery by, ReadModelReads reads, CancellationToken ct)
    {
        var found = await reads.ReadAsync(model => model.SuggestPeopleAsync(ideaId, by.Dimension, query.Count, query.End), ct);
        if (found is null)
        {
            return Problems.NotFound("idea", ideaId);
        }
        return TypedResults.Ok(new PeopleResponse(ideaId, by.Dimension.ToWireName(), query.End, found.OwnerId, found.OwnerGroup, found.Tags,
            [.. found.People.Select(p => new PersonSuggestion(p.UserId, p.Score, new SuggestionReasons(p.SharedTags, p.Country, p.Function, p.RecentContributions)))]));
    }

    public static async Task<Results<Ok<SuggestedIdeasResponse>, ProblemHttpResult>> GetSuggestedIdeasAsync(
        string userId, [AsParameters] SuggestionQuery query, ReadModelReads reads, CancellationToken ct)
    {
        var found = await reads.ReadAsync(model => model.SuggestIdeasAsync(userId, query.Count, query.End), ct);
        if (found is null)
        {
            return Problems.NotFound("user", userId);
        }
        return TypedResults.Ok(new SuggestedIdeasResponse(userId, query.End, [.. found.Select(i => new IdeaSuggestion(i.IdeaId, i.Title, i.OwnerId,
            i.OwnerCountry, i.OwnerFunction, i.Score, i.SharedTags, i.Contributors, i.Countries, new IdeaShortfall(i.LacksContributors, i.LacksCountries)))]));
    }
}

/// <summary><c>limit</c> (1-100, 10 by default) and <c>asOf</c> (now by default, within the read horizon) of a suggestion list, checked in that order.</summary>
public sealed record SuggestionQuery([FromQuery(Name = "limit")] string? Limit, [FromQuery(Name = "asOf")] string? AsOf, [FromServices] ApiClock Clock)
    : IValidatedArguments
{
    public const int MaxLimit = 100;

    public int Count { get; private set; } = 10;

    public DateTimeOffset End { get; private set; }

    public FieldError? Validate()
    {
        var count = 10;
        if (Limit is not null && (!int.TryParse(Limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count)
            || count is < 1 or > MaxLimit))
        {
            return new FieldError("limit", $"must be a whole number from 1 to {MaxLimit}");
        }
        if (AsOfQuery.Parse(AsOf, Clock, Clock.EarliestEnd, out var end) is { } asOfError)
        {
            return asOfError;
        }
        (Count, End) = (count, end);
        return null;
    }
}

/// <summary><c>by</c> of people suggestions: <c>country</c> (default) or <c>function</c>, the dimension a weak tie crosses.</summary>
public sealed record PeopleByQuery([FromQuery(Name = "by")] string? By) : IValidatedArguments
{
    public Dimension Dimension { get; private set; } = Dimension.Country;

    public FieldError? Validate()
    {
        Dimension? dimension = By switch
        {
            null or "country" => Dimension.Country,
            "function" => Dimension.Function,
            _ => null,
        };
        if (dimension is null)
        {
            return new FieldError("by", "must be one of country, function");
        }
        Dimension = dimension.Value;
        return null;
    }
}

/// <summary>GET /v1/ideas/{ideaId}/people: the idea's owner and their group for <c>by</c>, its tags, and the people, best first.</summary>
public sealed record PeopleResponse(
    string IdeaId, string By, DateTimeOffset AsOf, string? OwnerId, string? OwnerGroup, string[] Tags, IReadOnlyList<PersonSuggestion> Items);

public sealed record PersonSuggestion(string UserId, int Score, SuggestionReasons Why);

/// <summary>Why someone is suggested: the idea's tags they are interested in, most first; where they are; their recent contributions.</summary>
public sealed record SuggestionReasons(string[] SharedTags, string? Country, string? Function, int RecentContributions);

/// <summary>GET /v1/users/{userId}/ideas/suggested: ideas closest to critical mass first.</summary>
public sealed record SuggestedIdeasResponse(string UserId, DateTimeOffset AsOf, IReadOnlyList<IdeaSuggestion> Items);

public sealed record IdeaSuggestion(
    string IdeaId, string? Title, string OwnerId, string? OwnerCountry, string? OwnerFunction, int Score, string[] SharedTags,
    int Contributors, int Countries, IdeaShortfall Lacks);

/// <summary>How many more contributors and contributor countries the idea needs for critical mass.</summary>
public sealed record IdeaShortfall(int Contributors, int Countries);

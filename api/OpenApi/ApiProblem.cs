namespace Collaboration.Api.OpenApi;

/// <summary>
/// The application/problem+json body of every error, as the document describes it (Http/Problems.cs writes it):
/// <c>errors</c> names what in the request is at fault, and is empty when nothing is.
/// </summary>
public sealed class ApiProblem
{
    public string? Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    public string? Detail { get; init; }

    public string? Instance { get; init; }

    public required IReadOnlyDictionary<string, string[]> Errors { get; init; }

    public string? TraceId { get; init; }
}

using Collaboration.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collaboration.Api.Http;

/// <summary>application/problem+json answers that name the field at fault, in the shape of a validation problem.</summary>
public static class Problems
{
    public static ProblemHttpResult Field(int status, FieldError error, string? title = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title ?? TitleFor(status),
            Detail = error.ToString(),
            Extensions = { ["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Message] } },
        });

    public static ProblemHttpResult BadRequest(string field, string message) => Field(StatusCodes.Status400BadRequest, new FieldError(field, message));

    public static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} '{id}' is known.");

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Invalid request",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Request failed",
    };
}

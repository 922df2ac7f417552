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

    /// <summary>An unknown user, idea or thread; the path's id field (userId, ideaId, threadId) is the one at fault.</summary>
    public static ProblemHttpResult NotFound(string what, string id) =>
        Field(StatusCodes.Status404NotFound, new FieldError(what + "Id", $"no {what} '{id}' is known"), "Not found");

    /// <summary>
    /// Gives every problem an <c>errors</c> object, also those the framework writes (an unknown route, a wrong method,
    /// 503 from storage): clients read one shape. It names what in the request is at fault, and is empty when nothing is.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("errors"))
        {
            return;
        }
        var request = context.HttpContext.Request;
        var errors = new Dictionary<string, string[]>();
        switch (problem.Status)
        {
            case StatusCodes.Status404NotFound when context.HttpContext.GetEndpoint() is null:
                errors["path"] = [$"no endpoint at {request.Path}"];
                break;
            case StatusCodes.Status405MethodNotAllowed:
                var allowed = context.HttpContext.Response.Headers.Allow.ToString();
                errors["method"] = [allowed.Length > 0 ? $"{request.Method} is not allowed here; use {allowed}" : $"{request.Method} is not allowed here"];
                break;
            case StatusCodes.Status400BadRequest or StatusCodes.Status408RequestTimeout or StatusCodes.Status413PayloadTooLarge
                when context.Exception is BadHttpRequestException bad:
                errors["body"] = [bad.Message];
                break;
        }
        problem.Extensions["errors"] = errors;
        if (problem.Detail is null && errors.Count > 0)
        {
            problem.Detail = string.Join("; ", errors.Select(pair => $"{pair.Key}: {pair.Value[0]}"));
        }
    }

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Invalid request",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        _ => "Request failed",
    };
}

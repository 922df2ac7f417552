using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Collaboration.Api.OpenApi;

/// <summary>
/// The API's OpenAPI document (<see cref="DocumentPath"/>) and its browsable reference page (<see cref="PagePath"/>).
/// Both are anonymous: they describe the API and hold no data.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/scalar";

    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Collaboration API";
                document.Info.Description = "Participation events, the users directory and participation analytics. README.md is the contract.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<CsvAnswerMetadata>().Any()
                    && operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
                {
                    ok.Content ??= new Dictionary<string, OpenApiMediaType>();
                    ok.Content[CsvAnswer.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(PagePath, options => options.WithOpenApiRoutePattern(DocumentPath)).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The problems every /v1 endpoint can answer: 400 (a query value, an id or the body), 401 and 403 (keys), 429
    /// (the key's quota) and 503 (storage or the cluster unavailable).
    /// </summary>
    public static TBuilder ProducesApiProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
            StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);

    /// <summary>Documents the problems (application/problem+json, <see cref="ApiProblem"/>) these endpoints can answer.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), ["application/problem+json"]));
        }
        return builder;
    }
}

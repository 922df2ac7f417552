using System.Reflection;
using Collaboration.Api.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Collaboration.Api.OpenApi;

/// <summary>A dashboard's text/csv answer (<see cref="CsvTable"/>), typed so the document lists it beside the JSON one.</summary>
public sealed class CsvAnswer(CsvTable table) : IResult, IEndpointMetadataProvider
{
    public const string MediaType = "text/csv";

    public Task ExecuteAsync(HttpContext httpContext) => table.ToResult().ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => builder.Metadata.Add(new CsvAnswerMetadata());
}

/// <summary>Marks an endpoint whose 200 answer is also text/csv (see <see cref="ApiReference"/>).</summary>
public sealed class CsvAnswerMetadata;

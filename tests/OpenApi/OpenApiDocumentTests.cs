using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.OpenApi;

/// <summary>The OpenAPI document lists every endpoint README names, and the reference page shows it; both are anonymous.</summary>
public sealed class OpenApiDocumentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_v1_endpoint_in_the_README_is_in_the_document()
    {
        using var client = factory.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));
        var listed = Regex.Matches(readme, @"`(GET|POST|PUT|DELETE) (/v1/[^`?\s]*)").Select(m => (Method: m.Groups[1].Value, Path: m.Groups[2].Value))
            .Distinct().ToList();

        Assert.True(listed.Count >= 14, $"README names only {listed.Count} endpoints");
        var missing = listed.Where(e => document["paths"]?[e.Path.TrimEnd('/')]?[e.Method.ToLowerInvariant()] is null).ToList();
        Assert.True(missing.Count == 0, "not in the document: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_reference_page_answers_without_a_key()
    {
        using var client = factory.CreateClient();
        using var page = await client.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}

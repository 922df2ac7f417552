using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;

namespace Collaboration.Tests.Api;

/// <summary>Every error is problem+json with an errors object that names what in the request is at fault.</summary>
public sealed class ProblemShapeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Theory]
    [InlineData("/v1/users/nobody", "userId", "no user 'nobody' is known")]
    [InlineData("/v1/users/nobody/following", "userId", "no user 'nobody' is known")]
    [InlineData("/v1/ideas/nothing", "ideaId", "no idea 'nothing' is known")]
    [InlineData("/v1/ideas/nothing/followers", "ideaId", "no idea 'nothing' is known")]
    [InlineData("/v1/threads/none", "threadId", "no thread 'none' is known")]
    public async Task An_unknown_id_is_a_404_naming_the_id_field(string path, string field, string message)
    {
        using var response = await client.GetAsync(path);

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal([message], problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_naming_the_path()
    {
        using var response = await client.GetAsync("/v1/nowhere");

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("no endpoint at /v1/nowhere", problem["errors"]!["path"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_naming_the_method_and_what_is_allowed()
    {
        using var response = await client.DeleteAsync("/v1/events");

        var problem = await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("DELETE is not allowed here; use POST", problem["errors"]!["method"]![0]!.GetValue<string>());
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Object, problem["errors"]?.GetValueKind());
        return problem;
    }
}

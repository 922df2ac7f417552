using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>Runs against the embedded default and against cluster mode (see the two classes at the end).</summary>
public abstract partial class UsersApiTests(ApiFactory factory)
{
    private readonly HttpClient client = factory.CreateClient();

    private Task<HttpResponseMessage> PutAsync(string userId, string body) =>
        client.PutAsync($"/v1/users/{userId}", new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> ImportAsync(string body, string contentType) =>
        client.PostAsync("/v1/users/import", new StringContent(body, Encoding.UTF8, contentType));

    [Fact]
    public async Task A_profile_put_is_read_back_and_a_change_replaces_it()
    {
        var user = Make.Id("u");

        using var put = await PutAsync(user, """{"displayName":"Aino","country":"fi","site":"Helsinki","department":"R&D","function":"Engineering","badge":7}""");
        using var change = await PutAsync(user, """{"displayName":"Aino K.","country":"FI"}""");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("FI", (await put.ReadNodeAsync())["country"]!.GetValue<string>());
        var view = await client.GetNodeAsync($"/v1/users/{user}");
        Assert.Equal(("Aino K.", "FI", true), (view["displayName"]!.GetValue<string>(), view["country"]!.GetValue<string>(), view["registered"]!.GetValue<bool>()));
        Assert.Null(view["site"]?.GetValue<string>());
        Assert.Equal("inactive", view["tier"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"country":"Finland"}""", "country")]
    [InlineData("""{"country":"F1"}""", "country")]
    [InlineData("""{"displayName":42}""", "displayName")]
    [InlineData("""{"site":"x"}x""", "body")]
    [InlineData("""["x"]""", "body")]
    [InlineData("""{"displayName":"\ud800"}""", "displayName")]
    public async Task A_bad_profile_is_a_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        var user = Make.Id("u");

        using var response = await PutAsync(user, body);

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{user}")).StatusCode);
    }

    [Fact]
    public async Task A_profile_field_over_100_characters_is_refused()
    {
        using var response = await PutAsync(Make.Id("u"), $$"""{"department":"{{new string('d', 101)}}"}""");

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, "department");
    }

    [Fact]
    public async Task A_csv_import_loads_valid_rows_and_reports_bad_lines()
    {
        var (a, b, c) = (Make.Id("u"), Make.Id("u"), Make.Id("u"));
        var csv = $"""
            userId,displayName,country,site,department,function
            {a},"Rao, Priya",IN,Bengaluru,Sales,Sales
            {b},Bad Country,India,Pune,Sales,Sales
            not an id,Someone,FI,Espoo,R&D,Engineering

            {c},"Line
            Break",FI,Espoo,R&D,Engineering
            {a}-short,only,three
            """;

        using var response = await ImportAsync(csv, "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadNodeAsync();
        Assert.Equal(2, body["imported"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["error"]!.GetValue<string>())).ToArray();
        Assert.Equal([3, 4, 8], rejected.Select(r => r.Item1));
        Assert.StartsWith("country:", rejected[0].Item2);
        Assert.StartsWith("userId:", rejected[1].Item2);
        Assert.Equal("Rao, Priya", (await client.GetNodeAsync($"/v1/users/{a}"))["displayName"]!.GetValue<string>());
        Assert.Equal("Line\nBreak", (await client.GetNodeAsync($"/v1/users/{c}"))["displayName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{b}")).StatusCode);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task An_unclosed_quote_rejects_its_own_line_only(string newline)
    {
        var (a, b, c) = (Make.Id("u"), Make.Id("u"), Make.Id("u"));
        var csv = $"userId,displayName,country,site,department,function\n{a},\"Unclosed,FI,x,y,z\n{b},B,FI,x,y,z\n   \n{c},C,SE,x,y,z\n"
            .Replace("\n", newline);

        using var response = await ImportAsync(csv, "text/csv");

        var body = await response.ReadNodeAsync();
        Assert.Equal(2, body["imported"]!.GetValue<int>());
        Assert.Equal([2], body["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));
        Assert.Equal("SE", (await client.GetNodeAsync($"/v1/users/{c}"))["country"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stray_quote_closed_on_a_later_line_rejects_its_own_line_and_swallows_none()
    {
        var (a, b, c) = (Make.Id("u"), Make.Id("u"), Make.Id("u"));
        var csv = $"userId,displayName,country\n{a},\"Stray,FI\n{b},B,FI\n\"{c}\",C,SE\n";

        using var response = await ImportAsync(csv, "text/csv");

        var body = await response.ReadNodeAsync();
        Assert.Equal(2, body["imported"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray());
        Assert.Equal(2, rejected!["line"]!.GetValue<int>());
        Assert.Contains("closing quote", rejected["error"]!.GetValue<string>());
        Assert.Equal("SE", (await client.GetNodeAsync($"/v1/users/{c}"))["country"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{a}")).StatusCode);
    }

    [Fact]
    public async Task An_ndjson_line_naming_a_property_twice_or_nested_too_deep_is_rejected()
    {
        var (a, b, c) = (Make.Id("u"), Make.Id("u"), Make.Id("u"));
        var ndjson = $"{{\"userId\":\"{a}\",\"userId\":\"{b}\"}}\n{{\"userId\":\"{c}\",\"x\":{new string('[', 16)}{new string(']', 16)}}}\n";

        using var response = await ImportAsync(ndjson, "application/x-ndjson");

        var body = await response.ReadNodeAsync();
        Assert.Equal(0, body["imported"]!.GetValue<int>());
        Assert.Equal(["userId: appears more than once in the same object", "line: nests objects and arrays more than 16 levels deep"],
            body["rejected"]!.AsArray().Select(r => r!["error"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{b}")).StatusCode);
    }

    [Fact]
    public async Task An_ndjson_import_loads_valid_lines_and_reports_bad_ones()
    {
        var (a, b) = (Make.Id("u"), Make.Id("u"));
        var ndjson = $$"""
            {"userId":"{{a}}","displayName":"Mika","country":"FI","function":"Design"}
            {"displayName":"No id"}
            {"userId":"{{b}}","country":"SE"
            """;

        using var response = await ImportAsync(ndjson, "application/x-ndjson");

        var body = await response.ReadNodeAsync();
        Assert.Equal(1, body["imported"]!.GetValue<int>());
        Assert.Equal([2, 3], body["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));
        Assert.Equal("Design", (await client.GetNodeAsync($"/v1/users/{a}"))["function"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("name,country\nA,FI\n")]
    [InlineData("userId;country\nu-1;FI\n")]
    [InlineData("sep=;\nuserId;country\nu-1;FI\n")]
    public async Task An_import_without_a_userId_column_is_refused_whole(string csv)
    {
        using var response = await ImportAsync(csv, "text/csv");

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, "userId");
    }

    [Fact]
    public async Task An_import_in_another_format_is_refused()
    {
        using var response = await ImportAsync("<users/>", "application/xml");

        await EventsApiTests.AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task Events_from_users_outside_the_directory_are_accepted()
    {
        var stranger = Make.Id("u");

        using var response = await client.PostJsonAsync("/v1/events", Make.Json(Make.Event(Comment, stranger, Make.Id("i"), Make.Noon)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var view = await client.GetNodeAsync($"/v1/users/{stranger}");
        Assert.Equal(("editor", false), (view["tier"]!.GetValue<string>(), view["registered"]!.GetValue<bool>()));
        Assert.Null(view["country"]?.GetValue<string>());
    }
}

/// <summary>The whole HR directory of the target company in one call; its own application keeps the others light.</summary>
public class DirectoryImportScaleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_directory_of_120000_employees_imports_in_one_call()
    {
        var countries = new[] { "FI", "IN", "US", "DE", "SE", "BR", "CN", "JP" };
        var csv = new StringBuilder("userId,displayName,country,site,department,function\n");
        for (var n = 0; n < 120_000; n++)
        {
            csv.Append($"emp-{n},Employee {n},{countries[n % countries.Length]},Site {n % 50},Dept {n % 30},Function {n % 12}\n");
        }
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);

        using var response = await client.PostAsync("/v1/users/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));

        var body = await response.ReadNodeAsync();
        Assert.Equal(120_000, body["imported"]!.GetValue<int>());
        Assert.Empty(body["rejected"]!.AsArray());
        var last = await client.GetNodeAsync("/v1/users/emp-119999");
        Assert.Equal(("Employee 119999", "JP"), (last["displayName"]!.GetValue<string>(), last["country"]!.GetValue<string>()));
    }
}

public class EmbeddedUsersApiTests(ApiFactory factory) : UsersApiTests(factory), IClassFixture<ApiFactory>;

[Collection(ClusterCollection.Name)]
public class ClusterUsersApiTests(ClusterApiFactory factory) : UsersApiTests(factory), IClassFixture<ClusterApiFactory>;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Collaboration.Tests.Support;
using Collaboration.Users;

namespace Collaboration.Tests.Api;

/// <summary>Directory imports as HR systems send them: Excel's byte-order mark, CRLF text, and only some columns.</summary>
public abstract partial class UsersApiTests
{
    private const string FullHeader = "userId,displayName,country,site,department,function";

    private async Task<JsonNode> ImportBytesAsync(byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PostAsync("/v1/users/import", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadNodeAsync();
    }

    private async Task<JsonNode> ImportOkAsync(string body, string contentType = "text/csv") =>
        await ImportBytesAsync(Encoding.UTF8.GetBytes(body), contentType);

    private static byte[] WithByteOrderMark(string text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    private async Task<UserProfile> ProfileAsync(string user)
    {
        var view = await client.GetNodeAsync($"/v1/users/{user}");
        string? Field(string name) => view[name]?.GetValue<string>();
        return new UserProfile(Field("displayName"), Field("country"), Field("site"), Field("department"), Field("function"));
    }

    [Fact]
    public async Task A_csv_with_a_byte_order_mark_and_userId_first_is_imported()
    {
        var user = Make.Id("u");

        var body = await ImportBytesAsync(WithByteOrderMark($"{FullHeader}\r\n{user},Aino,FI,Helsinki,R&D,Engineering\r\n"), "text/csv");

        Assert.Equal(1, body["imported"]!.GetValue<int>());
        Assert.Equal(new UserProfile("Aino", "FI", "Helsinki", "R&D", "Engineering"), await ProfileAsync(user));
    }

    [Fact]
    public async Task A_csv_with_a_byte_order_mark_keeps_its_first_column_when_it_is_not_userId()
    {
        var user = Make.Id("u");

        var body = await ImportBytesAsync(WithByteOrderMark($"country,userId,displayName\r\nFI,{user},Aino\r\n"), "text/csv");

        Assert.Equal(1, body["imported"]!.GetValue<int>());
        Assert.Equal(new UserProfile("Aino", "FI", null, null, null), await ProfileAsync(user));
    }

    [Fact]
    public async Task A_crlf_inside_a_quoted_field_is_kept_exactly()
    {
        var user = Make.Id("u");

        await ImportOkAsync($"userId,displayName,site\r\n{user},\"Line\r\nBreak\",\"Espoo\nCampus\"\r\n");

        var profile = await ProfileAsync(user);
        Assert.Equal(("Line\r\nBreak", "Espoo\nCampus"), (profile.DisplayName, profile.Site));
    }

    [Fact]
    public async Task A_csv_naming_some_columns_changes_only_those_and_an_empty_cell_clears()
    {
        var user = Make.Id("u");
        await ImportOkAsync($"{FullHeader}\n{user},Aino,FI,Helsinki,R&D,Engineering\n");

        var body = await ImportOkAsync($"Country,SITE,userId\nSE,,{user}\n");

        Assert.Equal(1, body["imported"]!.GetValue<int>());
        Assert.Equal(new UserProfile("Aino", "SE", null, "R&D", "Engineering"), await ProfileAsync(user));
    }

    [Fact]
    public async Task An_ndjson_line_changes_the_fields_it_names_and_null_or_empty_clears()
    {
        var user = Make.Id("u");
        await ImportOkAsync($"{FullHeader}\n{user},Aino,FI,Helsinki,R&D,Engineering\n");

        await ImportOkAsync($$"""{"userId":"{{user}}","country":"se","site":null,"department":""}""", "application/x-ndjson");

        Assert.Equal(new UserProfile("Aino", "SE", null, null, "Engineering"), await ProfileAsync(user));
    }

    [Fact]
    public async Task Imported_counts_valid_lines_and_a_user_listed_twice_takes_the_later_value_of_each_field()
    {
        var (twice, once) = (Make.Id("u"), Make.Id("u"));
        var ndjson = $$"""
            {"userId":"{{twice}}","displayName":"Aino","country":"FI"}
            {"userId":"{{once}}","displayName":"Mika"}
            {"userId":"{{twice}}","country":"SE","site":"Lund"}
            """;

        var body = await ImportOkAsync(ndjson, "application/x-ndjson");

        Assert.Equal(3, body["imported"]!.GetValue<int>());
        Assert.Equal(new UserProfile("Aino", "SE", "Lund", null, null), await ProfileAsync(twice));
    }

    [Fact]
    public async Task A_csv_user_listed_twice_takes_the_later_line()
    {
        var user = Make.Id("u");

        var body = await ImportOkAsync($"userId,displayName,country\n{user},Aino,FI\n{user},Aino K.,\n");

        Assert.Equal(2, body["imported"]!.GetValue<int>());
        Assert.Equal(new UserProfile("Aino K.", null, null, null, null), await ProfileAsync(user));
    }

    [Fact]
    public async Task A_bad_record_spanning_lines_is_reported_by_the_line_it_starts_on()
    {
        var (good, bad) = (Make.Id("u"), Make.Id("u"));
        var csv = $"userId,displayName,country\r\n{bad},\"Two\r\nlines\",Finland\r\n{good},One,FI\r\n{good},too,many,fields\r\n";

        var body = await ImportOkAsync(csv);

        Assert.Equal(1, body["imported"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["error"]!.GetValue<string>())).ToArray();
        Assert.Equal([2, 5], rejected.Select(r => r.Item1));
        Assert.StartsWith("country:", rejected[0].Item2);
        Assert.Equal("has 4 fields; the header has 3", rejected[1].Item2);
    }

    [Fact]
    public async Task A_csv_whose_header_never_closes_a_quote_is_refused_whole()
    {
        var user = Make.Id("u");

        using var response = await ImportAsync($"\"userId,country\n{user},FI\n", "text/csv");

        await EventsApiTests.AssertProblem(response, HttpStatusCode.BadRequest, "body");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/users/{user}")).StatusCode);
    }
}

using System.Diagnostics;
using System.Net;
using Collaboration.Tests.Support;
using CsCheck;
using Xunit.Abstractions;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// 10,000 generated and mutated requests against the real service (Kestrel, SQLite): the single, batch and import
/// endpoints. A failure prints CsCheck's seed; set CsCheck_Seed to replay it.
/// </summary>
public sealed class HostileRequestTests(ITestOutputHelper output)
{
    private const int Requests = 10_000;

    private static readonly Gen<HostileRequest> AnyRequest = Gen.Frequency(
        (6, RequestGens.Single),
        (3, RequestGens.Batch),
        (2, ImportGens.Import));

    [Fact]
    public async Task Hostile_requests_never_fail_the_service_never_store_what_was_refused_and_leave_it_answering()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var checker = new HostileChecker(client);
        var clock = Stopwatch.StartNew();

        await AnyRequest.SampleAsync(checker.CheckAsync, writeLine: output.WriteLine, iter: Requests, threads: 24, print: request => request.ToString());

        output.WriteLine($"{checker.Sent} requests in {clock.Elapsed.TotalSeconds:F0} s; {checker.Users.Count} users stored");
        Assert.True(checker.Sent >= Requests);
        var participation = await client.GetNodeAsync("/v1/stats/participation?window=all");
        Assert.Equal(checker.Users.Count, participation["users"]!.GetValue<int>());
        await AFreshEventIsAcceptedAndReadBackAsync(client);
    }

    private static async Task AFreshEventIsAcceptedAndReadBackAsync(HttpClient client)
    {
        var like = Make.Json(Make.Event(Events.InteractionType.Like, Make.Id("u"), Make.Id("i"), Make.Noon));

        using var response = await client.PostJsonAsync("/v1/events", like);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var idea = await client.GetNodeAsync($"/v1/ideas/{like["ideaId"]}");
        Assert.Equal(1, idea["counts"]!["like"]!.GetValue<int>());
    }
}

using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using Collaboration.Telemetry;
using Collaboration.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Telemetry;

/// <summary>One POSTed event, traced through the real embedded service into an in-memory exporter.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task One_request_has_its_http_grain_call_and_journal_spans_in_one_trace()
    {
        var spans = new SpanLog();
        await using var factory = new TracedApiFactory(spans);
        var client = factory.CreateClient();
        // The request continues a trace we name, so its spans are told apart from any other activity in the process.
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = JsonContent(Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon))),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(request)).StatusCode);

        // Spans are exported when they end; the server span may end just after the client has the answer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<Activity> trace;
        while (true)
        {
            var all = spans.Snapshot();
            trace = all.Where(span => span.TraceId == traceId).ToList();
            var appended = trace.Where(span => span.DisplayName == "journal append").Select(span => span.SpanId).ToHashSet();
            var linked = all.Where(span => span.DisplayName == "journal commit").SelectMany(span => span.Links).Select(link => link.Context.SpanId).ToHashSet();
            var committed = appended.Count >= 2 && appended.IsSubsetOf(linked);
            if ((HasAll(trace) && committed) || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(50);
        }
        var names = string.Join(", ", trace.Select(span => $"{span.Source.Name}:{span.DisplayName}"));
        Assert.True(trace.Any(span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore"), names);
        Assert.True(trace.Any(span => span.Source.Name == "Microsoft.Orleans.Application" && span.DisplayName.Contains("IngestAsync")), names);
        // The user's and the idea's streams each append once; the ledger claim comes first.
        var appends = trace.Where(span => span.DisplayName == "journal append" && span.Source.Name == CollaborationTracing.SourceName).ToList();
        Assert.Equal(2, appends.Count);
        Assert.Contains(trace, span => span.DisplayName == "journal claim");
        Assert.All(appends, append => Assert.Equal("sqlite", append.GetTagItem("db.system.name")));

        // The batch commits that made the appends durable are traces of their own, linked to the appends.
        var exported = spans.Snapshot();
        Assert.All(appends, append => Assert.Contains(exported,
            span => span.DisplayName == "journal commit" && span.TraceId != traceId && span.Links.Any(link => link.Context.SpanId == append.SpanId)));
    }

    private static bool HasAll(List<Activity> trace) =>
        trace.Any(span => span.Source.Name == "Microsoft.AspNetCore")
        && trace.Any(span => span.Source.Name == "Microsoft.Orleans.Application")
        && trace.Any(span => span.DisplayName == "journal append");

    private static StringContent JsonContent(Dictionary<string, object?> json) =>
        new(json.ToJson(), System.Text.Encoding.UTF8, "application/json");

    /// <summary>The exporter adds spans from its own thread; the test reads copies taken under the same lock.</summary>
    private sealed class SpanLog : Collection<Activity>
    {
        public List<Activity> Snapshot()
        {
            lock (this)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }

    private sealed class TracedApiFactory(SpanLog spans) : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:Traces", "true");
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        }
    }
}

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
            var stored = trace.Where(span => span.DisplayName == "journal store").Select(span => span.SpanId).ToHashSet();
            var linked = all.Where(span => span.DisplayName == "journal commit").SelectMany(span => span.Links).Select(link => link.Context.SpanId).ToHashSet();
            var committed = stored.Count >= 1 && stored.IsSubsetOf(linked);
            if ((HasAll(trace) && committed) || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(50);
        }
        var names = string.Join(", ", trace.Select(span => $"{span.Source.Name}:{span.DisplayName}"));
        Assert.True(trace.Any(span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore"), names);
        Assert.True(trace.Any(span => span.Source.Name == "Microsoft.Orleans.Application" && span.DisplayName.Contains("IngestAsync")), names);
        // The request's event is stored once, in one write (the grains fold it without writing).
        var writes = trace.Where(span => span.Source.Name == CollaborationTracing.SourceName && span.DisplayName != "journal commit").ToList();
        var store = Assert.Single(writes);
        Assert.Equal("journal store", store.DisplayName);
        Assert.Equal("sqlite", store.GetTagItem("db.system.name"));

        // The batch commit that made it durable is a trace of its own, linked to the write.
        var exported = spans.Snapshot();
        Assert.Contains(exported,
            span => span.DisplayName == "journal commit" && span.TraceId != traceId && span.Links.Any(link => link.Context.SpanId == store.SpanId));
    }

    [Fact]
    public async Task A_server_span_names_the_route_template_never_the_path_with_a_persons_id()
    {
        var spans = new SpanLog();
        await using var factory = new TracedApiFactory(spans);
        var client = factory.CreateClient();
        var (user, traceId) = (Make.Id("u"), ActivityTraceId.CreateRandom());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/users/{user}");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);

        // Spans are exported when they end; the server span may end just after the client has the answer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Activity? server;
        while ((server = spans.Snapshot().FirstOrDefault(span => span.TraceId == traceId && span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore")) is null
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.NotNull(server);
        Assert.True("/v1/users/{userId}" == server.GetTagItem("url.path") as string, string.Join(", ", server.TagObjects.Select(t => $"{t.Key}={t.Value}")));
        Assert.DoesNotContain(server.TagObjects, tag => tag.Value?.ToString()?.Contains(user, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(user, server.DisplayName, StringComparison.Ordinal);
    }

    private static bool HasAll(List<Activity> trace) =>
        trace.Any(span => span.Source.Name == "Microsoft.AspNetCore")
        && trace.Any(span => span.Source.Name == "Microsoft.Orleans.Application")
        && trace.Any(span => span.DisplayName == "journal store");

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

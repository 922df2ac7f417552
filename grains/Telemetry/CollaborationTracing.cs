using System.Diagnostics;

namespace Collaboration.Telemetry;

/// <summary>
/// The service's own spans (activity source "Collaboration"). Journal writes are group-committed, so one request's
/// write and the commit that made it durable are two spans: "journal write" in the request's trace, from enqueue to
/// durable, and "journal commit" per batch, a root span with a link to every write it carried.
/// </summary>
public static class CollaborationTracing
{
    public const string SourceName = "Collaboration";

    /// <summary>Longer batches are rare (the writers cap them) and more links would only bloat the span.</summary>
    private const int MaxLinks = 128;

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The per-request span around one queued write; the caller ends it when the write is durable.</summary>
    public static Activity? StartWrite(string operation, string store)
    {
        var activity = Source.StartActivity("journal " + operation, ActivityKind.Internal);
        activity?.SetTag("db.system.name", store);
        return activity;
    }

    /// <summary>
    /// A batch commit: a root span (it serves many traces) linked to the writes it carries. Call it where no activity
    /// is current (a writer loop), or the commit would become a child of whichever request happened to be current.
    /// </summary>
    public static Activity? StartCommit(string store, IEnumerable<ActivityContext> writes, int count)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var links = writes.Where(context => context != default).Take(MaxLinks).Select(context => new ActivityLink(context));
        var activity = Source.StartActivity("journal commit", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("db.system.name", store);
        activity?.SetTag("collaboration.journal.batch.size", count);
        return activity;
    }
}

using Collaboration.Reads;

namespace Collaboration.Threads;

/// <summary>A thread (blog post, micro-message, wiki page) inside an idea.</summary>
[GenerateSerializer, Immutable]
public sealed record ThreadView(
    [property: Id(0)] string ThreadId,
    [property: Id(1)] string IdeaId,
    [property: Id(2)] string? AuthorId,
    [property: Id(3)] DateTimeOffset? CreatedAt,
    [property: Id(4)] TypeCounts Counts,
    [property: Id(5)] Participants Participants);

namespace Collaboration.Events;

/// <summary>An event stored in a grain's stream; its id is unique within the stream.</summary>
public interface IStreamEvent
{
    string EventId { get; }
}

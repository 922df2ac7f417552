namespace Collaboration.LoadGen;

/// <summary>
/// An event before it gets its id and JSON form: indexes into the company and the idea board, and the time as
/// milliseconds after the start of the generated period (so 1 ms is the earliest and the period's length the latest).
/// </summary>
public readonly record struct PlannedEvent(long Millisecond, EventType Type, int User, int Idea, int Thread = -1);

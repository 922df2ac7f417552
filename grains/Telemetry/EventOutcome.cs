namespace Collaboration.Telemetry;

/// <summary>What the api answered for one posted event: the "outcome" attribute of collaboration.events.</summary>
public enum EventOutcome
{
    Accepted,
    Duplicate,
    Conflict,

    /// <summary>Refused by the api's validation; it never reached a grain.</summary>
    Rejected,
}

public static class EventOutcomes
{
    public static string Label(this EventOutcome outcome) => outcome switch
    {
        EventOutcome.Accepted => "accepted",
        EventOutcome.Duplicate => "duplicate",
        EventOutcome.Conflict => "conflict",
        _ => "rejected",
    };
}

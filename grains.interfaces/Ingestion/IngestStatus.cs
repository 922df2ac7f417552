namespace Collaboration.Ingestion;

public enum IngestStatus : byte
{
    /// <summary>Stored now by every grain it touches.</summary>
    Accepted,

    /// <summary>Seen before with the same content; nothing changed.</summary>
    Duplicate,

    /// <summary>Refused: the event id was used with other content, or the thread belongs to another idea.</summary>
    Conflict,
}

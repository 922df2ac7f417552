namespace Collaboration.Journal;

public enum ClaimOutcome : byte
{
    /// <summary>First time this id was claimed.</summary>
    New,

    /// <summary>Claimed before with the same content hash.</summary>
    Duplicate,

    /// <summary>Claimed before with another content hash.</summary>
    Conflict,
}

namespace Collaboration.Events;

/// <summary>The 90-9-1 ladder: higher values outrank lower ones.</summary>
public enum ParticipationLevel : byte
{
    Inactive = 0,
    Audience = 1,
    Editor = 2,
    Creator = 3,
}

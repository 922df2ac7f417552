namespace Collaboration.Events;

/// <summary>What a user did. The numeric values index per-type count arrays; never reorder them.</summary>
public enum InteractionType : byte
{
    Create = 0,
    Comment = 1,
    Like = 2,
    Edit = 3,
    Share = 4,
    View = 5,
    Follow = 6,
    Unfollow = 7,
}

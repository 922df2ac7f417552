namespace Collaboration.LoadGen;

/// <summary>The interaction types of the event contract, in the README's order.</summary>
public enum EventType : byte
{
    Create,
    Comment,
    Like,
    Edit,
    Share,
    View,
    Follow,
    Unfollow,
}

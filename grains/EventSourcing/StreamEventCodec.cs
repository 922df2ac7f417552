using System.Text.Json;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Users;

namespace Collaboration.EventSourcing;

/// <summary>Maps stream events to journal rows. The type names are stable: renaming a CLR type must not change them.</summary>
public static class StreamEventCodec
{
    public const string InteractionType = "interaction";
    public const string ProfileUpdatedType = "profile-updated";

    public static JournalEvent Encode(IStreamEvent streamEvent) => streamEvent switch
    {
        Interaction interaction => new(interaction.EventId, InteractionType,
            JsonSerializer.SerializeToUtf8Bytes(interaction, CollaborationJson.Default.Interaction)),
        ProfileUpdated profile => new(profile.EventId, ProfileUpdatedType,
            JsonSerializer.SerializeToUtf8Bytes(profile, CollaborationJson.Default.ProfileUpdated)),
        _ => throw new ArgumentException($"No journal type for {streamEvent.GetType().Name}.", nameof(streamEvent)),
    };

    public static IStreamEvent Decode(JournalEvent journalEvent) => journalEvent.Type switch
    {
        InteractionType => JsonSerializer.Deserialize(journalEvent.Data, CollaborationJson.Default.Interaction)!,
        ProfileUpdatedType => JsonSerializer.Deserialize(journalEvent.Data, CollaborationJson.Default.ProfileUpdated)!,
        _ => throw new InvalidDataException($"Unknown journal event type '{journalEvent.Type}'."),
    };
}

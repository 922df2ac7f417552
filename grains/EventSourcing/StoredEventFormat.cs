using System.Text.Json;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Users;

namespace Collaboration.EventSourcing;

/// <summary>
/// How stream events are stored: a journal row with a stable type name and the JSON of a stored record
/// (<see cref="StoredRecords"/>), kept apart from the domain records that grains fold and the api parses into. Renaming a
/// property of <see cref="Interaction"/> or a member of <see cref="InteractionType"/> cannot change how a stored row
/// reads. A change of what is stored is a new version of a record under a new type name; the old version stays readable
/// here, upcast to the new one, and tests/Fixtures/StoredEvents keeps rows of every version that a test replays.
/// </summary>
public static class StoredEventFormat
{
    /// <summary>Version 1 of an interaction, written by every release so far.</summary>
    public const string InteractionType = "interaction";

    /// <summary>Version 1 of a profile change, written before the matchmaking opt-out; still read.</summary>
    public const string ProfileUpdatedType = "profile-updated";

    /// <summary>Version 2 of a profile change: version 1 and <c>suggestions</c>, written since the opt-out (an older build refuses such a row).</summary>
    public const string ProfileUpdatedV2Type = "profile-updated-2";

    /// <summary>Version 1 of an erasure's record (since schema 7 / script 008).</summary>
    public const string UserErasedType = "user-erased";

    /// <summary>
    /// Stored names of the interaction types, indexed by <see cref="Events.InteractionType"/>. They equal the API's wire
    /// names today, but they are the stored format's own: changing how the API spells a type must not change old rows.
    /// </summary>
    private static readonly string[] TypeNames = ["create", "comment", "like", "edit", "share", "view", "follow", "unfollow"];

    public static JournalEvent Encode(IStreamEvent streamEvent) => streamEvent switch
    {
        Interaction interaction => new(interaction.EventId, InteractionType,
            JsonSerializer.SerializeToUtf8Bytes(ToStored(interaction), StoredRecords.Default.InteractionV1)),
        ProfileUpdated profile => new(profile.EventId, ProfileUpdatedV2Type,
            JsonSerializer.SerializeToUtf8Bytes(ToStored(profile), StoredRecords.Default.ProfileUpdatedV2)),
        UserErased erased => new(erased.EventId, UserErasedType,
            JsonSerializer.SerializeToUtf8Bytes(new UserErasedV1(erased.EventId, erased.Pseudonym, erased.ErasedAt, erased.ProfileChangesDeleted), StoredRecords.Default.UserErasedV1)),
        _ => throw new ArgumentException($"No journal type for {streamEvent.GetType().Name}.", nameof(streamEvent)),
    };

    public static IStreamEvent Decode(JournalEvent journalEvent) => journalEvent.Type switch
    {
        InteractionType => FromStored(Read(journalEvent, StoredRecords.Default.InteractionV1)),
        ProfileUpdatedType => FromStored(Read(journalEvent, StoredRecords.Default.ProfileUpdatedV1)),
        ProfileUpdatedV2Type => FromStored(Read(journalEvent, StoredRecords.Default.ProfileUpdatedV2)),
        UserErasedType => FromStored(Read(journalEvent, StoredRecords.Default.UserErasedV1)),
        _ => throw new InvalidDataException($"Unknown journal event type '{journalEvent.Type}' (event '{journalEvent.EventId}')."),
    };

    private static T Read<T>(JournalEvent journalEvent, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> record) =>
        JsonSerializer.Deserialize(journalEvent.Data, record)
        ?? throw new InvalidDataException($"Journal event '{journalEvent.EventId}' of type '{journalEvent.Type}' holds null.");

    private static InteractionV1 ToStored(Interaction interaction) => new(interaction.EventId, TypeNames[(int)interaction.Type],
        interaction.UserId, interaction.IdeaId, interaction.ThreadId, interaction.OccurredAt, interaction.Title, interaction.Tags);

    private static Interaction FromStored(InteractionV1 stored)
    {
        var type = Array.IndexOf(TypeNames, stored.Type);
        if (type < 0)
        {
            throw new InvalidDataException($"Journal event '{stored.EventId}' has the unknown interaction type '{stored.Type}'.");
        }
        return new(stored.EventId, (InteractionType)type, stored.UserId, stored.IdeaId, stored.ThreadId,
            stored.OccurredAt.ToUniversalTime(), stored.Title, stored.Tags);
    }

    private static UserErased FromStored(UserErasedV1 stored) => new(stored.EventId, stored.Pseudonym, stored.ErasedAt.ToUniversalTime(), stored.ProfileChangesDeleted);

    private static ProfileUpdatedV2 ToStored(ProfileUpdated updated) => new(updated.EventId,
        new ProfileV2(updated.Profile.DisplayName, updated.Profile.Country, updated.Profile.Site, updated.Profile.Department, updated.Profile.Function,
            updated.Profile.Suggestions),
        updated.UpdatedAt);

    private static ProfileUpdated FromStored(ProfileUpdatedV2 stored) => new(stored.EventId,
        new UserProfile(stored.Profile.DisplayName, stored.Profile.Country, stored.Profile.Site, stored.Profile.Department, stored.Profile.Function,
            stored.Profile.Suggestions),
        stored.UpdatedAt);

    private static ProfileUpdated FromStored(ProfileUpdatedV1 stored) => new(stored.EventId,
        new UserProfile(stored.Profile.DisplayName, stored.Profile.Country, stored.Profile.Site, stored.Profile.Department, stored.Profile.Function),
        stored.UpdatedAt);
}

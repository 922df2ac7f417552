using System.Text.Json.Serialization;
using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Threads;
using Collaboration.Users;

namespace Collaboration.EventSourcing;

/// <summary>Source-generated JSON for grain snapshots (a cache: one that does not read is ignored and the stream replayed): camel case, enums by name. Stored events have their own records (<see cref="StoredRecords"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<InteractionType>), typeof(CamelCaseEnumConverter<ParticipationLevel>)])]
[JsonSerializable(typeof(UserSnapshot))]
[JsonSerializable(typeof(IdeaSnapshot))]
[JsonSerializable(typeof(ThreadSnapshot))]
public sealed partial class CollaborationJson : JsonSerializerContext;

using System.Text.Json.Serialization;
using Collaboration.Events;
using Collaboration.Ideas;
using Collaboration.Threads;
using Collaboration.Users;

namespace Collaboration.EventSourcing;

/// <summary>Source-generated JSON for journal rows and snapshots: camel case, enums by name.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<InteractionType>), typeof(CamelCaseEnumConverter<ParticipationLevel>)])]
[JsonSerializable(typeof(Interaction))]
[JsonSerializable(typeof(ProfileUpdated))]
[JsonSerializable(typeof(UserSnapshot))]
[JsonSerializable(typeof(IdeaSnapshot))]
[JsonSerializable(typeof(ThreadSnapshot))]
public sealed partial class CollaborationJson : JsonSerializerContext;

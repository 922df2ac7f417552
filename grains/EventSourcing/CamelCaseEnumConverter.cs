using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collaboration.EventSourcing;

/// <summary>Writes enums as their camel-case names ("comment"), as the HTTP API spells them.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;

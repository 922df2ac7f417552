namespace Collaboration.Security;

/// <summary>What an API key may do. A key holds any set of them; none implies another.</summary>
public static class ApiKeyScopes
{
    /// <summary>Post events and change the users directory.</summary>
    public const string EventsWrite = "events:write";

    /// <summary>Every read under /v1: users, ideas, threads and the dashboards.</summary>
    public const string StatsRead = "stats:read";

    /// <summary>Operational endpoints; it grants no reads or writes of its own.</summary>
    public const string Admin = "admin";

    /// <summary>Erase a person and export what is held about them (README, Personal data); it grants nothing else.</summary>
    public const string Privacy = "privacy";

    public static IReadOnlyList<string> All { get; } = [EventsWrite, StatsRead, Admin, Privacy];
}

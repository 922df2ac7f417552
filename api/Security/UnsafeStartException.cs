namespace Collaboration.Api.Security;

/// <summary>The service would be reachable from other machines with no key to require: it does not start.</summary>
public sealed class UnsafeStartException(string message) : Exception(message);

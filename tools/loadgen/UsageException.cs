namespace Collaboration.LoadGen;

/// <summary>A command line the tool cannot run; the message tells the user what to fix.</summary>
public sealed class UsageException(string message) : Exception(message);

namespace Collaboration.Errors;

/// <summary>
/// The journal could not be read or written; the request may be retried. It crosses grain calls, so it carries the
/// database's message as text, never the driver's exception (which Orleans cannot serialize).
/// </summary>
[GenerateSerializer]
public class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }
}

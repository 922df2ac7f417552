namespace Collaboration.Errors;

/// <summary>A write named a person who was erased: nothing of it was stored (the api answers 409, field userId).</summary>
[GenerateSerializer]
public sealed class UserErasedException : Exception
{
    public UserErasedException() { }

    public UserErasedException(string message) : base(message) { }

    public UserErasedException(string message, Exception inner) : base(message, inner) { }
}

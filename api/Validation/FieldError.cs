namespace Collaboration.Api.Validation;

/// <summary>What is wrong with a request, naming the field (a JSON path like "tags[2]", a query key or a column).</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

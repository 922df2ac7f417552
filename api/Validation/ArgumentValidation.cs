using Collaboration.Api.Http;

namespace Collaboration.Api.Validation;

/// <summary>
/// A handler argument (an <c>[AsParameters]</c> record of query values) that checks the values it was bound from and
/// then holds them parsed, so the handler reads only valid ones.
/// </summary>
public interface IValidatedArguments
{
    /// <summary>Null when the values are valid (the parsed ones are then set), otherwise the first problem found.</summary>
    FieldError? Validate();
}

/// <summary>
/// The one check of route and query values, run before the handler: the path's ids first, then each
/// <see cref="IValidatedArguments"/> in the order of the handler's parameters. The first problem is the answer (400).
/// </summary>
/// <remarks>
/// .NET's own <c>AddValidation()</c> does not fit: it collects every error under a generic title without a detail, knows
/// no clock (asOf must not lie in the future) and cannot keep the parsed values for the handler.
/// </remarks>
public static class ArgumentValidation
{
    public static TBuilder ValidateArguments<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(ValidateAsync);

    private static ValueTask<object?> ValidateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        FirstError(context) is { } error ? ValueTask.FromResult<object?>(Problems.Field(StatusCodes.Status400BadRequest, error)) : next(context);

    private static FieldError? FirstError(EndpointFilterInvocationContext context)
    {
        // Every path value under /v1 is a user, idea or thread id, named as the route names it (userId, ideaId, threadId).
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            if (Ids.CheckEntityId(name, value as string ?? "") is { } idError)
            {
                return idError;
            }
        }
        foreach (var argument in context.Arguments)
        {
            if (argument is IValidatedArguments arguments && arguments.Validate() is { } error)
            {
                return error;
            }
        }
        return null;
    }
}

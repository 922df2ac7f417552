using Microsoft.Extensions.Logging;

namespace Collaboration.Tests.Support;

/// <summary>
/// Orleans stops the process (FailFast) when a silo learns it was declared dead. A silo hosted inside the test
/// process must not take the whole test run down with it: log instead, and let the test that needed it fail.
/// </summary>
public sealed class TestFatalErrorHandler(ILogger<TestFatalErrorHandler> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) =>
        logger.LogError(exception, "Fatal silo error in {Context} (a test silo keeps the test process alive)", context);
}

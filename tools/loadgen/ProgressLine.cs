namespace Collaboration.LoadGen;

/// <summary>
/// A status line on stderr: redrawn in place about once a second on a terminal, or printed as a new line every few
/// seconds when stderr goes to a file or a CI log (where carriage returns would pile up).
/// </summary>
public sealed class ProgressLine(TextWriter output, bool interactive)
{
    private int shownLength;

    public static ProgressLine ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public async Task RunAsync(Func<string> describe, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interactive ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Show(describe());
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the caller: the work is done.
        }
    }

    public void Show(string text)
    {
        lock (output)
        {
            if (interactive)
            {
                output.Write("\r" + text.PadRight(shownLength));
                shownLength = text.Length;
            }
            else
            {
                output.WriteLine(text);
            }
            output.Flush();
        }
    }

    /// <summary>Ends the redrawn line so later output starts on a line of its own.</summary>
    public void Finish()
    {
        lock (output)
        {
            if (interactive && shownLength > 0)
            {
                output.WriteLine();
                shownLength = 0;
            }
        }
    }
}

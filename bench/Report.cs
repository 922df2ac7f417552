using System.Text;

namespace Collaboration.Bench;

/// <summary>The Markdown report: machine, settings, then one section per benchmark.</summary>
public sealed class Report
{
    private readonly StringBuilder text = new();

    public Report(string title, Settings settings)
    {
        text.AppendLine($"# {title}").AppendLine();
        text.AppendLine($"- Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine($"- Machine: {Machine.Describe()}");
        text.AppendLine($"- Company: {settings.Employees:N0} employees over {settings.Days} days (`loadgen generate`, seed 1), {settings.Events:N0} event lines");
        text.AppendLine($"- Command: `{settings.CommandLine}`");
    }

    public void Section(string title) => text.AppendLine().AppendLine($"## {title}").AppendLine();

    public void Line(string line) => text.AppendLine(line).AppendLine();

    public void Table(string[] header, IEnumerable<string[]> rows)
    {
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        text.AppendLine();
    }

    public override string ToString() => text.ToString();
}

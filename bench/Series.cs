namespace Collaboration.Bench;

/// <summary>Repeated measurements of one quantity.</summary>
public sealed class Series(string unit)
{
    private readonly List<double> values = [];

    public string Unit { get; } = unit;

    public int Count => values.Count;

    public void Add(double value) => values.Add(value);

    public double Percentile(double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public double Min => values.Count == 0 ? double.NaN : values.Min();

    public double Median
    {
        get
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }
            var sorted = values.Order().ToList();
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public double Max => values.Count == 0 ? double.NaN : values.Max();

    /// <summary>"min / median / max unit".</summary>
    public string Spread(string format = "N0") => $"{Min.ToString(format)} / {Median.ToString(format)} / {Max.ToString(format)} {Unit}";
}

namespace Collaboration.LoadGen;

/// <summary>
/// Draws indexes with given weights (cumulative sums and a binary search). Weights can be appended while drawing,
/// and a draw can be limited to the first entries, which is how ideas created so far are picked.
/// </summary>
public sealed class WeightedPicker
{
    private readonly List<double> cumulative = [];

    public int Count => cumulative.Count;

    public static WeightedPicker Zipf(int count, double exponent = 1.0)
    {
        var picker = new WeightedPicker();
        for (var rank = 1; rank <= count; rank++)
        {
            picker.Add(ZipfWeight(rank, exponent));
        }
        return picker;
    }

    /// <summary>The weight of the entry at <paramref name="rank"/> (1 = most common) in a Zipf-like distribution.</summary>
    public static double ZipfWeight(int rank, double exponent) => 1.0 / Math.Pow(rank, exponent);

    public void Add(double weight) => cumulative.Add((cumulative.Count == 0 ? 0 : cumulative[^1]) + weight);

    public int Pick(Random random) => Pick(random, cumulative.Count);

    /// <summary>An index below <paramref name="limit"/>, drawn by weight.</summary>
    public int Pick(Random random, int limit)
    {
        if (limit <= 0)
        {
            throw new InvalidOperationException("nothing to pick from");
        }
        var target = random.NextDouble() * cumulative[limit - 1];
        var (low, high) = (0, limit - 1);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (cumulative[middle] > target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low;
    }
}

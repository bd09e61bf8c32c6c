namespace StripeCdc.Correctness.Tests;

/// <summary>The smallest, median and largest of some counts (per connected account).</summary>
internal readonly record struct Spread(int Min, int Median, int Max)
{
    public static Spread Of(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? default : new(sorted[0], sorted[sorted.Count / 2], sorted[^1]);
    }

    public override string ToString() => $"{Min}/{Median}/{Max}";
}

namespace StripeCdc.Correctness.Tests;

/// <summary>
/// The scenario's timeline (SPEC §11) and what it may leave out to prove that it can fail
/// (<c>STRIPECDC_SCENARIO_SABOTAGE</c>: <c>reconciliation</c> skips the reconciliation run,
/// <c>completion</c> runs the ingests without a Stripe API key, so they cannot complete <c>has_more</c> lists,
/// <c>payment-snapshot</c> leaves disputes, credit notes, checkout sessions and the balance out of the snapshot,
/// <c>connect-header</c> makes the fake API answer connected accounts' resource lists with the platform's objects,
/// as a backfill that dropped the <c>Stripe-Account</c> header would read them).
/// </summary>
internal sealed record ScenarioOptions
{
    /// <summary>How long the history is played out in real time (events are stamped with real seconds).</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan OutageStart { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The ingests are down this long: deliveries fail. Their restart begins a few seconds before the end.</summary>
    public TimeSpan OutageLength { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RestartLead { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>When the snapshots start (the connected accounts', then the platform's); history goes on while they run.</summary>
    public TimeSpan SnapshotStart { get; init; } = TimeSpan.FromSeconds(40);

    public bool SkipReconciliation { get; init; }

    public bool IngestWithoutStripeApiKey { get; init; }

    public bool SnapshotWithoutPaymentResources { get; init; }

    public bool BackfillWithoutStripeAccount { get; init; }

    public static ScenarioOptions FromEnvironment()
    {
        var sabotage = Environment.GetEnvironmentVariable("STRIPECDC_SCENARIO_SABOTAGE") ?? string.Empty;
        return new ScenarioOptions
        {
            SkipReconciliation = sabotage.Contains("reconciliation", StringComparison.OrdinalIgnoreCase),
            IngestWithoutStripeApiKey = sabotage.Contains("completion", StringComparison.OrdinalIgnoreCase),
            SnapshotWithoutPaymentResources = sabotage.Contains("payment-snapshot", StringComparison.OrdinalIgnoreCase),
            BackfillWithoutStripeAccount = sabotage.Contains("connect-header", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Where each seed's report is appended: <c>STRIPECDC_SCENARIO_REPORT</c>, else <c>stripecdc-scenario-report.txt</c> in the temp folder.</summary>
    public static string ReportPath() =>
        Environment.GetEnvironmentVariable("STRIPECDC_SCENARIO_REPORT") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "stripecdc-scenario-report.txt");

    /// <summary><c>STRIPECDC_SCENARIO_SEEDS</c>: <c>7</c>, <c>1,5,9</c> or <c>1-20</c>; seed 1 by default.</summary>
    public static IReadOnlyList<int> Seeds()
    {
        var text = Environment.GetEnvironmentVariable("STRIPECDC_SCENARIO_SEEDS");
        if (string.IsNullOrWhiteSpace(text))
        {
            return [1];
        }

        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(part =>
        {
            var range = part.Split('-');
            return range.Length == 2
                ? Enumerable.Range(int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) - int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) + 1)
                : [int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)];
        })];
    }
}

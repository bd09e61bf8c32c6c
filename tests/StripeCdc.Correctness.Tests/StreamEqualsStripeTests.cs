using StripeCdc.EmbeddedKafka;
using StripeCdc.Testing;
using Xunit.Abstractions;

namespace StripeCdc.Correctness.Tests;

/// <summary>SPEC §11: after a chaotic, seeded history the Postgres state tables and the Kafka topics equal Stripe.</summary>
public sealed class StreamEqualsStripeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_duplicates_late_deliveries_an_outage_a_live_snapshot_and_reconciliation_both_sinks_equal_Stripe()
    {
        using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 3);
        using var postgres = PostgresServer.Start(new Dictionary<string, string> { ["fsync"] = "off" });
        var options = ScenarioOptions.FromEnvironment();
        var reports = new List<ScenarioReport>();
        foreach (var seed in ScenarioOptions.Seeds())
        {
            var report = await CorrectnessScenario.RunAsync(seed, kafka, postgres, options);
            reports.Add(report);
            output.WriteLine(report.ToString());
            File.AppendAllText(ScenarioOptions.ReportPath(), report + Environment.NewLine);
        }

        var failed = reports.Where(r => !r.Passed).ToList();
        Assert.True(
            failed.Count == 0,
            $"{failed.Count} of {reports.Count} seeds failed: {string.Join(", ", failed.Select(r => r.Seed))}{Environment.NewLine}{string.Join(Environment.NewLine, failed)}");
    }
}

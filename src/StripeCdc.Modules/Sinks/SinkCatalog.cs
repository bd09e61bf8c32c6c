using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Ledger;
using StripeCdc.Sinks.Postgres;

namespace StripeCdc.Sinks;

/// <summary>
/// The sinks <c>StripeCdc:Sink</c> can name. A sink is a folder under <c>Sinks/</c> with an
/// <c>Add…Sink</c> extension (its <see cref="IRecordSink"/>, and where it has them its
/// <see cref="Replay.IDeadLetterStore"/> and <see cref="IEventLedger"/>) plus one line here.
/// </summary>
public static class SinkCatalog
{
    public const string Kafka = "Kafka";
    public const string Postgres = "Postgres";
    public const string JsonLines = "JsonLines";

    private static readonly Dictionary<string, SinkRegistration> Registrations = new(StringComparer.OrdinalIgnoreCase)
    {
        [Kafka] = new(SinkServiceCollectionExtensions.AddKafkaSink, LedgerServiceCollectionExtensions.AddKafkaEventLedger),
        [Postgres] = new(PostgresSinkServiceCollectionExtensions.AddPostgresSink, PostgresSinkServiceCollectionExtensions.AddPostgresEventLedger),
        [JsonLines] = new(SinkServiceCollectionExtensions.AddJsonLinesSink, AddLedger: null),
    };

    public static IReadOnlyCollection<string> Names => Registrations.Keys;

    /// <summary>The configured sink's name as written in the catalog; null when the name is unknown.</summary>
    public static string? Selected(IConfiguration configuration)
    {
        var name = configuration[SinkOptions.Key];
        if (string.IsNullOrWhiteSpace(name))
        {
            return Kafka;
        }

        return Registrations.Keys.FirstOrDefault(k => string.Equals(k, name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    internal static SinkRegistration? Find(string? name) => name is not null && Registrations.TryGetValue(name, out var registration) ? registration : null;
}

/// <summary>How one sink is registered: the sink itself, and the dedupe ledger that goes with it (if any).</summary>
internal sealed record SinkRegistration(
    Func<IServiceCollection, IConfiguration, IServiceCollection> AddSink,
    Func<IServiceCollection, IConfiguration, IServiceCollection>? AddLedger);

using StripeCdc.Configuration;
using StripeCdc.Flags;
using StripeCdc.Ledger;
using StripeCdc.Modules.FanOut;
using StripeCdc.Snapshot;

namespace StripeCdc.AppHost.Kafka;

/// <summary>
/// The topics the stack's services use with their options left at the defaults, read from those options classes:
/// the default source's topics as the services compute them (its resources, every fan-out child, the default topic,
/// the DLQ), the event ledger, the shared module switches and the snapshot checkpoints.
/// </summary>
internal static class StackTopics
{
    public static IReadOnlyList<string> Defaults()
    {
        var source = new SourceSettings(SourceCatalog.DefaultSourceName, new SourceOptions
        {
            Resources = [.. SourceOptions.DefaultResources],
            // Every supported fan-out field, so switching one on needs no new topic.
            FanOutFields = [.. FanOutEntry.Supported.Select(e => e.Name)],
        });
        return [.. source.KnownTopics, new EventLedgerOptions().Topic, new ModuleFlagsOptions().Topic, new SnapshotOptions().CheckpointTopic];
    }
}

using StripeCdc.Pipeline;

namespace StripeCdc.Flags;

/// <summary>Module switches of a process without Kafka: in force here only, until the process ends.</summary>
internal sealed class LocalModuleFlagStore(ModuleFlagOverrides overrides, RecordPipeline pipeline) : IModuleFlagStore
{
    public async Task SetAsync(string module, bool? enabled, CancellationToken cancellationToken)
    {
        overrides.Set(module, enabled);
        await pipeline.RefreshAsync();
    }
}

using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace StripeCdc.Configuration;

/// <summary>The configured sources, resolved once at start-up.</summary>
public sealed class SourceCatalog
{
    public const string DefaultSourceName = "default";

    private readonly FrozenDictionary<string, SourceSettings> _sources;

    public SourceCatalog(IOptions<StripeCdcOptions> options)
    {
        _sources = options.Value.Sources
            .ToFrozenDictionary(s => s.Key, s => new SourceSettings(s.Key, s.Value), StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<SourceSettings> All => _sources.Values;

    public SourceSettings? Find(string name) => _sources.GetValueOrDefault(name);

    public SourceSettings Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No source named '{name}' is configured under StripeCdc:Sources.");
}

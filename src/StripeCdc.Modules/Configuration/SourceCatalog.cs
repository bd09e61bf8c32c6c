using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace StripeCdc.Configuration;

/// <summary>
/// The configured sources, resolved once at start-up. Their signing secrets follow configuration
/// reloads (the secrets file webhook registration writes, a vault provider, …), so a stored or rolled
/// secret is in force without a restart. A reload that would leave a source with no secret, or with an
/// entry that is not a <c>whsec_…</c> secret, is refused and logged: verification is never switched off
/// behind the operator's back.
/// </summary>
public sealed partial class SourceCatalog : IDisposable
{
    public const string DefaultSourceName = "default";

    private readonly FrozenDictionary<string, SourceSettings> _sources;
    private readonly IConfiguration? _configuration;
    private readonly ILogger _logger;
    private readonly IDisposable? _reload;
    private readonly Lock _refreshLock = new();

    public SourceCatalog(IOptions<StripeCdcOptions> options, IConfiguration? configuration = null, ILogger<SourceCatalog>? logger = null)
    {
        _sources = options.Value.Sources
            .ToFrozenDictionary(s => s.Key, s => new SourceSettings(s.Key, s.Value), StringComparer.OrdinalIgnoreCase);
        _configuration = configuration;
        _logger = logger ?? NullLogger<SourceCatalog>.Instance;
        if (configuration is not null)
        {
            _reload = ChangeToken.OnChange(configuration.GetReloadToken, RefreshSigningSecrets);
        }
    }

    public IEnumerable<SourceSettings> All => _sources.Values;

    public SourceSettings? Find(string name) => _sources.GetValueOrDefault(name);

    public SourceSettings Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No source named '{name}' is configured under StripeCdc:Sources.");

    public void Dispose() => _reload?.Dispose();

    /// <summary>Reads every source's <c>SigningSecrets</c> again and puts the changed ones in force.</summary>
    internal void RefreshSigningSecrets()
    {
        if (_configuration is null)
        {
            return;
        }

        lock (_refreshLock)
        {
            var current = new StripeCdcOptions();
            try
            {
                StripeCdcOptionsReader.Read(_configuration, current);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                LogUnreadable(ex.GetType().Name);
                return;
            }

            foreach (var source in _sources.Values)
            {
                var secrets = current.Sources.TryGetValue(source.Name, out var options) ? options.SigningSecrets : [];
                if (SameBytes(source, secrets))
                {
                    continue;
                }

                if (secrets.Any(s => !s.StartsWith("whsec_", StringComparison.Ordinal)))
                {
                    LogRefused(source.Name, "an entry is not a webhook signing secret (they start with 'whsec_')");
                    continue;
                }

                if (secrets.Count == 0 && source.SigningSecrets.Count > 0)
                {
                    LogRefused(source.Name, "it would leave the source without any secret and so turn verification off; restart to do that on purpose");
                    continue;
                }

                source.UseSigningSecrets(secrets);
                LogReloaded(source.Name, secrets.Count);
            }
        }
    }

    private static bool SameBytes(SourceSettings source, IReadOnlyList<string> secrets) =>
        source.SigningSecrets.Count == secrets.Count
        && source.SigningSecrets.Zip(secrets).All(p => p.First.AsSpan().SequenceEqual(System.Text.Encoding.UTF8.GetBytes(p.Second)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': {Count} signing secret(s) in force after a configuration reload.")]
    private partial void LogReloaded(string source, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source '{Source}': reloaded signing secrets refused ({Reason}); the previous ones stay in force.")]
    private partial void LogRefused(string source, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sources could not be read again after a configuration reload ({Error}); signing secrets are unchanged.")]
    private partial void LogUnreadable(string error);
}

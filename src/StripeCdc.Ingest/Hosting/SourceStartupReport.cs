using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StripeCdc.Configuration;
using StripeCdc.Ingest.Security;

namespace StripeCdc.Ingest.Hosting;

/// <summary>Says at start-up what each source listens on, and warns loudly about unverified sources. Never logs a secret.</summary>
internal sealed partial class SourceStartupReport(SourceCatalog sources, SourceApiKeys keys, ILogger<SourceStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var source in sources.All)
        {
            var route = source.Name.Equals(SourceCatalog.DefaultSourceName, StringComparison.OrdinalIgnoreCase)
                ? "/webhooks/stripe"
                : "/webhooks/stripe/" + source.Name;
            LogSource(source.Name, route, source.SigningSecrets.Count);
            if (keys.Generated.Contains(source.Name))
            {
                LogGeneratedKey(source.Name, keys.Store.PathFor(source.Name));
            }

            if (source.SigningSecrets.Count == 0)
            {
                LogNoSecrets(source.Name);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}' listens on POST {Route}?api_key=… with {SecretCount} signing secret(s).")]
    private partial void LogSource(string source, string route, int secretCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}' uses the generated API key stored in {Path}.")]
    private partial void LogGeneratedKey(string source, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "!!! Source '{Source}' has no SigningSecrets: webhook signatures are NOT verified and anyone who knows the URL can inject events. For testing only; set StripeCdc:Sources:{Source}:SigningSecrets. !!!")]
    private partial void LogNoSecrets(string source);
}

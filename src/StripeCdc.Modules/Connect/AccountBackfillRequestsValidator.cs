using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Sinks;

namespace StripeCdc.Connect;

/// <summary><c>ConnectBackfillNewAccounts</c> needs a sink that keeps backfill requests (Kafka, Postgres); fails start-up otherwise.</summary>
/// <remarks>Asks whether a store is registered rather than taking one: a store depends on the sources, hence on these options.</remarks>
internal sealed class AccountBackfillRequestsValidator(IOptions<SinkOptions> sink, IServiceProviderIsService services) : IValidateOptions<StripeCdcOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeCdcOptions options)
    {
        if (services.IsService(typeof(IAccountBackfillRequests)))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = options.Sources
            .Where(s => s.Value.ConnectBackfillNewAccounts)
            .Select(s => $"{StripeCdcOptions.SectionName}:Sources:{s.Key}:ConnectBackfillNewAccounts needs a sink that keeps backfill requests (Kafka or Postgres); {SinkOptions.Key}={sink.Value.Sink} cannot.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

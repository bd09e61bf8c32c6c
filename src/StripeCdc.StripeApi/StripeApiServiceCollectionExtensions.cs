using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Modules.FanOut;
using StripeCdc.Modules.ThinEvents;
using StripeCdc.Sinks;
using StripeCdc.StripeApi.FanOut;
using StripeCdc.StripeApi.Revalidation;
using StripeCdc.StripeApi.ThinEvents;

namespace StripeCdc.StripeApi;

internal static class StripeApiServiceCollectionExtensions
{
    /// <summary>
    /// Stripe API access for a service: one client and one request budget per source for the whole
    /// process, the fan-out completer (<c>has_more</c> lists) and the thin-event hydrator.
    /// </summary>
    public static IServiceCollection AddStripeApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeApiOptions>()
            .Bind(configuration.GetSection(StripeApiOptions.LegacySectionName))
            .Bind(configuration.GetSection(StripeApiOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StripeApiClients>();
        services.TryAddSingleton<IFanOutCompleter, StripeFanOutCompleter>();
        services.TryAddSingleton<IThinEventHydrator, StripeThinEventHydrator>();
        services.TryAddSingleton<IObjectRevalidator, StripeObjectRevalidator>();
        return services;
    }
}

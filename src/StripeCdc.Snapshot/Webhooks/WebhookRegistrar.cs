using Stripe;
using StripeCdc.Configuration;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Webhooks;

/// <summary>
/// Creates, lists, updates and deletes a source's Stripe webhook endpoint (SPEC §7) through Stripe.net:
/// <c>enabled_events</c> from the selected resources, <c>api_version</c> pinned to the source's
/// <c>ApiVersion</c>, and the signing secret — returned only at creation — stored in the secrets file.
/// </summary>
internal sealed class WebhookRegistrar(StripeApiClients clients, SigningSecretStore store)
{
    public const string ManagedByKey = "managed_by";
    public const string ManagedByValue = "stripecdc";

    public SigningSecretStore Store => store;

    public async Task<WebhookEndpoint> CreateAsync(SourceSettings source, string url, IReadOnlyList<string>? resources, string? description, CancellationToken cancellationToken)
    {
        var service = Service(source);
        var endpoint = await service.CreateAsync(
            new WebhookEndpointCreateOptions
            {
                Url = url,
                EnabledEvents = [.. WebhookEventTypes.For(resources ?? source.Options.Resources)],
                ApiVersion = string.IsNullOrWhiteSpace(source.Options.ApiVersion) ? StripeConfiguration.ApiVersion : source.Options.ApiVersion,
                Description = description ?? $"StripeCdc source '{source.Name}'",
                Metadata = new Dictionary<string, string> { [ManagedByKey] = ManagedByValue, ["stripecdc_source"] = source.Name },

                // A Connect source is the platform's Connect endpoint: every connected account's events (SPEC §12).
                Connect = source.Options.Connect ? true : null,
            },
            cancellationToken: cancellationToken);
        if (string.IsNullOrEmpty(endpoint.Secret))
        {
            throw new InvalidOperationException($"Stripe created webhook endpoint {endpoint.Id} but returned no signing secret.");
        }

        store.Add(source.Name, endpoint.Id, endpoint.Secret);
        return endpoint;
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(SourceSettings source, CancellationToken cancellationToken)
    {
        var endpoints = new List<WebhookEndpoint>();
        await foreach (var endpoint in Service(source).ListAutoPagingAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: cancellationToken))
        {
            endpoints.Add(endpoint);
        }

        return endpoints;
    }

    public async Task<WebhookEndpoint> UpdateAsync(
        SourceSettings source,
        string endpointId,
        string? url,
        IReadOnlyList<string>? resources,
        bool? disabled,
        CancellationToken cancellationToken)
    {
        var options = new WebhookEndpointUpdateOptions { Url = url, Disabled = disabled };
        if (resources is not null)
        {
            options.EnabledEvents = [.. WebhookEventTypes.For(resources)];
        }

        return await Service(source).UpdateAsync(endpointId, options, cancellationToken: cancellationToken);
    }

    public async Task DeleteAsync(SourceSettings source, string endpointId, CancellationToken cancellationToken)
    {
        await Service(source).DeleteAsync(endpointId, cancellationToken: cancellationToken);
        store.Remove(source.Name, endpointId);
    }

    private WebhookEndpointService Service(SourceSettings source) => new(clients.For(source).Client);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace StripeCdc.FakeStripe;

/// <summary>The fake's <c>/v1/webhook_endpoints</c>: the signing secret is returned only by create, as Stripe does.</summary>
public sealed class FakeWebhookEndpoints
{
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private int _next;

    public IReadOnlyCollection<Endpoint> All => [.. _endpoints.Values.OrderByDescending(e => e.Created)];

    public Endpoint? Find(string id) => _endpoints.GetValueOrDefault(id);

    public Endpoint Create(string url, IReadOnlyList<string> enabledEvents, string? apiVersion, string? description, long created)
    {
        var id = $"we_fake{Interlocked.Increment(ref _next):D6}";
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var endpoint = new Endpoint(id, url, [.. enabledEvents], apiVersion, description, created, secret);
        _endpoints[id] = endpoint;
        return endpoint;
    }

    public bool Delete(string id) => _endpoints.TryRemove(id, out _);

    public sealed class Endpoint(string id, string url, List<string> enabledEvents, string? apiVersion, string? description, long created, string secret)
    {
        public string Id { get; } = id;

        public string Url { get; set; } = url;

        public List<string> EnabledEvents { get; set; } = enabledEvents;

        public string? ApiVersion { get; } = apiVersion;

        public string? Description { get; set; } = description;

        public bool Disabled { get; set; }

        /// <summary>Created with <c>connect=true</c>: a Connect endpoint, for the events of every connected account (SPEC §12).</summary>
        public bool Connect { get; set; }

        public long Created { get; } = created;

        public string Secret { get; } = secret;

        public void Write(Utf8JsonWriter writer, bool withSecret)
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("object", "webhook_endpoint");
            writer.WriteString("api_version", ApiVersion);
            writer.WriteNull("application");
            writer.WriteNumber("created", Created);
            writer.WriteString("description", Description);
            writer.WriteStartArray("enabled_events");
            foreach (var type in EnabledEvents)
            {
                writer.WriteStringValue(type);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("livemode", false);
            writer.WriteStartObject("metadata");
            writer.WriteEndObject();
            if (withSecret)
            {
                writer.WriteString("secret", Secret);
            }

            writer.WriteString("status", Disabled ? "disabled" : "enabled");
            writer.WriteString("url", Url);
            writer.WriteEndObject();
        }
    }
}

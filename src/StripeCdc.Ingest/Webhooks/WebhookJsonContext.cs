using System.Text.Json.Serialization;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>Source-generated JSON for the error bodies (escapes the message without reflection).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;

using System.Globalization;
using System.Text.Json;
using Stripe;
using StripeCdc.Events;
using StripeCdc.Modules.ThinEvents;
using StripeCdc.Pipeline;

namespace StripeCdc.StripeApi.ThinEvents;

/// <summary>
/// <c>ThinEvents=Hydrate</c>: fetches a thin event's related object from <c>related_object.url</c> and
/// returns a full event around it. Its type loses the thin event's version prefix
/// (<c>v1.billing.meter.error_report_triggered</c> → <c>billing.meter.error_report_triggered</c>) so
/// routing by event type finds the resource; the pipeline then treats it as a snapshot read.
/// </summary>
internal sealed class StripeThinEventHydrator(StripeApiClients clients, TimeProvider time) : IThinEventHydrator
{
    public async ValueTask<StripeEvent> HydrateAsync(RecordContext thinEvent)
    {
        var thin = thinEvent.Event;
        var (url, livemode, created) = ReadThinFields(thinEvent.Body);
        if (string.IsNullOrEmpty(url) || !url.StartsWith('/') || url.Contains('?', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Thin event {thin.Id} has no usable related_object.url.");
        }

        var api = clients.For(thinEvent.Source);
        var json = await api.GetAsync(url, [], thinEvent.CancellationToken);
        var (objectId, objectType) = ReadIdentity(json);
        return new StripeEvent
        {
            Id = thin.Id,
            Type = WithoutVersion(thin.Type),
            Object = "event",
            ApiVersion = StripeConfiguration.ApiVersion,
            Created = created ?? time.GetUtcNow().ToUnixTimeSeconds(),
            Livemode = livemode,
            DataObject = json,
            ObjectId = objectId ?? thin.RelatedObjectId,
            ObjectType = objectType ?? thin.RelatedObjectType,
        };
    }

    internal static string WithoutVersion(string type) =>
        type.Length > 3 && type[0] == 'v' && char.IsAsciiDigit(type[1]) && type.IndexOf('.', StringComparison.Ordinal) is var dot and > 0
            ? type[(dot + 1)..]
            : type;

    private static (string? Url, bool Livemode, long? Created) ReadThinFields(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var url = root.TryGetProperty("related_object", out var related) && related.ValueKind == JsonValueKind.Object
            && related.TryGetProperty("url", out var urlElement) && urlElement.ValueKind == JsonValueKind.String
                ? urlElement.GetString()
                : null;
        var livemode = root.TryGetProperty("livemode", out var live) && live.ValueKind == JsonValueKind.True;
        long? created = root.TryGetProperty("created", out var createdElement) && createdElement.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(createdElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.ToUnixTimeSeconds()
                : null;
        return (url, livemode, created);
    }

    private static (string? Id, string? Type) ReadIdentity(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return (
            root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            root.TryGetProperty("object", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null);
    }
}

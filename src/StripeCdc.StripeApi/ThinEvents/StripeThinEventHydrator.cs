using System.Globalization;
using System.Text.Json;
using Stripe;
using StripeCdc.Checkpoints;
using StripeCdc.Events;
using StripeCdc.Modules.ThinEvents;
using StripeCdc.Pipeline;

namespace StripeCdc.StripeApi.ThinEvents;

/// <summary>
/// <c>ThinEvents=Hydrate</c>: fetches a thin event's related object from <c>related_object.url</c> and
/// returns a full event around it. Its type loses the thin event's version prefix
/// (<c>v1.billing.meter.error_report_triggered</c> → <c>billing.meter.error_report_triggered</c>) so
/// routing by event type finds the resource; the pipeline then treats it as a snapshot read. On a Connect source a
/// thin event of a connected account names the account in <c>context</c>: the object is fetched with that
/// <c>Stripe-Account</c> and the full event carries it as <c>account</c>, so its record is keyed by the account (SPEC §12).
/// </summary>
internal sealed class StripeThinEventHydrator(StripeApiClients clients, TimeProvider time) : IThinEventHydrator
{
    public async ValueTask<StripeEvent> HydrateAsync(RecordContext thinEvent)
    {
        var thin = thinEvent.Event;
        var (url, livemode, created, context) = ReadThinFields(thinEvent.Body);
        if (string.IsNullOrEmpty(url) || !url.StartsWith('/') || url.Contains('?', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Thin event {thin.Id} has no usable related_object.url.");
        }

        var account = thinEvent.Source.Options.Connect ? ConnectedAccount(thin, context) : null;
        var api = clients.For(thinEvent.Source);
        var json = await api.GetAsync(url, [], thinEvent.CancellationToken, account);
        var (objectId, objectType) = ReadIdentity(json);
        return new StripeEvent
        {
            Id = thin.Id,
            Type = WithoutVersion(thin.Type),
            Object = "event",
            Account = account,
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

    /// <summary>
    /// The connected account a thin event belongs to: its <c>context</c> (or an <c>account</c>, should it carry one); null
    /// for the platform's own. A context that is not an account id cannot be fetched as one, and fetching it as the
    /// platform's would file another account's object under the platform, so the event fails (and is dead-lettered).
    /// </summary>
    private static string? ConnectedAccount(StripeEvent thin, string? context)
    {
        if (string.IsNullOrEmpty(context))
        {
            return thin.Account;
        }

        return CheckpointScope.IsAccountId(context)
            ? context
            : throw new InvalidOperationException($"Thin event {thin.Id} has context '{context}', which is not a connected account id (acct_…).");
    }

    private static (string? Url, bool Livemode, long? Created, string? Context) ReadThinFields(ReadOnlyMemory<byte> body)
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
        var context = root.TryGetProperty("context", out var contextElement) && contextElement.ValueKind == JsonValueKind.String
            ? contextElement.GetString()
            : null;
        return (url, livemode, created, context);
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

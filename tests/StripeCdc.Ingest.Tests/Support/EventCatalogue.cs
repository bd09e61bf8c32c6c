using System.Net;
using System.Text.Json.Nodes;
using StripeCdc.FakeStripe;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>
/// One realistic event of every event type Stripe.net knows, each with a new object of the type it carries,
/// and where that object must land: its resource under either routing and its key (SPEC §3, §10).
/// </summary>
internal sealed class EventCatalogue
{
    private EventCatalogue(IReadOnlyList<CatalogueEvent> events) => Events = events;

    public IReadOnlyList<CatalogueEvent> Events { get; }

    /// <summary>Builds the catalogue; fails naming every event type without an object type, so a Stripe.net upgrade is noticed.</summary>
    public static EventCatalogue Build(int seed = 20261206)
    {
        var unmapped = EventObjectTypes.All.Where(t => EventObjectTypes.ObjectType(t) is null).ToList();
        Assert.True(unmapped.Count == 0, $"No object type for the event types {string.Join(", ", unmapped)}: add them to EventObjectTypes.");

        var objects = new RealisticObjects(seed);
        var events = new List<CatalogueEvent>();
        foreach (var (eventType, index) in EventObjectTypes.All.Select((t, i) => (t, i)))
        {
            var objectType = EventObjectTypes.ObjectType(eventType)!;
            var dataObject = objects.Create(objectType);
            if (eventType == "invoice.upcoming")
            {
                // Stripe's upcoming invoice has no id yet.
                dataObject.Remove("id");
            }

            var eventId = "evt_" + objects.NewId("event")[4..];
            var payload = RealisticEvents.Create(eventType, dataObject, eventId, RealisticObjects.BaseTime + 1_000 + index);
            events.Add(new CatalogueEvent(eventType, objectType, dataObject, payload, KeyOf(dataObject, objectType)));
        }

        return new EventCatalogue(events);
    }

    /// <summary>Sends every event, signed, eight at a time; returns a line for each one not answered 200.</summary>
    public async Task<List<string>> SendAllAsync(IngestServer server, TestSource source)
    {
        var failures = new List<string>();
        await Parallel.ForEachAsync(Events, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (stripeEvent, cancellation) =>
        {
            using var response = await server.Client.SendAsync(StripeEvents.Request(source, stripeEvent.Payload), cancellation);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(cancellation);
                lock (failures)
                {
                    failures.Add($"{stripeEvent.Type} ({stripeEvent.Payload.Length} bytes): {(int)response.StatusCode} {body}");
                }
            }
        });
        return failures;
    }

    /// <summary>The value as stored, less the change fields that stay without event metadata, for comparing with the object.</summary>
    public static JsonObject WithoutChangeFields(JsonNode value)
    {
        var copy = value.AsObject().DeepClone().AsObject();
        copy.Remove("__deleted");
        copy.Remove("__changeType");
        return copy;
    }

    /// <summary>
    /// behaviour.md, every object has a row: the object's id, or for one without an id its type, followed by
    /// <c>:</c> and its customer when it names one.
    /// </summary>
    private static string KeyOf(JsonObject dataObject, string objectType)
    {
        if (dataObject["id"] is JsonValue id)
        {
            return id.GetValue<string>();
        }

        return dataObject["customer"] is JsonValue customer && customer.TryGetValue<string>(out var customerId)
            ? objectType + ":" + customerId
            : objectType;
    }
}

internal sealed record CatalogueEvent(string Type, string ObjectType, JsonObject Object, string Payload, string Key)
{
    /// <summary>The resource under <c>Routing=EventType</c>: the first segment of the type.</summary>
    public string TypeResource => Type.Split('.')[0];

    public string Resource(string routing) => routing == "ObjectType" ? ObjectType : TypeResource;

    public bool IsDelete => Type.EndsWith(".deleted", StringComparison.Ordinal);
}

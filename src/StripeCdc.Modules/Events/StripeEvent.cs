namespace StripeCdc.Events;

/// <summary>
/// The envelope fields of a Stripe event, read once from the raw body. The payload itself stays as
/// slices of the original bytes (<see cref="DataObject"/>, <see cref="PreviousAttributes"/>).
/// </summary>
public sealed class StripeEvent
{
    public const string ThinEventObject = "v2.core.event";

    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>The top-level <c>object</c> field: <c>event</c>, or <c>v2.core.event</c> for thin events.</summary>
    public string? Object { get; init; }

    public string? Account { get; init; }

    public string? ApiVersion { get; init; }

    /// <summary>Unix seconds; null when the event has no numeric <c>created</c>.</summary>
    public long? Created { get; init; }

    public bool Livemode { get; init; }

    /// <summary>The raw JSON of <c>data.object</c>; empty for thin events.</summary>
    public ReadOnlyMemory<byte> DataObject { get; init; }

    /// <summary>The raw JSON of <c>data.previous_attributes</c>, or empty when absent.</summary>
    public ReadOnlyMemory<byte> PreviousAttributes { get; init; }

    /// <summary><c>data.object.id</c>.</summary>
    public string? ObjectId { get; init; }

    /// <summary><c>data.object.object</c>, the Stripe object type.</summary>
    public string? ObjectType { get; init; }

    /// <summary><c>data.object.customer</c> of an object without an id (read only then).</summary>
    public string? ObjectCustomer { get; init; }

    /// <summary>
    /// The id the object's records are keyed by: its own, or for an object without one (<c>balance</c>,
    /// <c>cash_balance</c>, an entitlement summary) the singleton's: the object type, followed by the
    /// customer it belongs to when it names one (<c>cash_balance:cus_…</c>), so two customers' never collide
    /// (SPEC §10, every object has a row).
    /// </summary>
    public string? ObjectKeyId => ObjectId
        ?? (ObjectType is null ? null : ObjectCustomer is null ? ObjectType : ObjectType + ":" + ObjectCustomer);

    /// <summary>For thin events: <c>related_object.id</c> and <c>related_object.type</c>.</summary>
    public string? RelatedObjectId { get; init; }

    public string? RelatedObjectType { get; init; }

    public bool IsThin => Object == ThinEventObject;

    /// <summary>The first segment of the type: <c>customer.subscription.updated</c> → <c>customer</c>.</summary>
    public ReadOnlySpan<char> TypeResource
    {
        get
        {
            var dot = Type.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? Type : Type.AsSpan(0, dot);
        }
    }

    /// <summary>The last segment of the type: <c>customer.subscription.updated</c> → <c>updated</c>.</summary>
    public ReadOnlySpan<char> Action
    {
        get
        {
            var dot = Type.LastIndexOf('.');
            return dot < 0 ? Type : Type.AsSpan(dot + 1);
        }
    }
}

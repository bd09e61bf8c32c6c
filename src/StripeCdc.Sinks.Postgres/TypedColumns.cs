using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using StripeCdc.Configuration;
using StripeCdc.StripeApi;

namespace StripeCdc.Sinks.Postgres;

/// <summary>How a typed column reads its field out of <c>data</c> (SPEC §10, typed columns).</summary>
internal enum TypedColumnKind
{
    Text,
    BigInt,
    Boolean,
    Numeric,

    /// <summary>A Unix timestamp (seconds), as <c>timestamptz</c>.</summary>
    Timestamp,

    /// <summary>An expandable reference: the id, whether Stripe sent the id or the expanded object.</summary>
    Reference,

    /// <summary>An object, a list or a map.</summary>
    Jsonb,
}

/// <summary>One top-level field of a Stripe object as a column of its SQL type.</summary>
internal sealed record TypedColumn(string Name, TypedColumnKind Kind)
{
    /// <summary>The type as Postgres names it (<c>format_type</c>), to compare with a view's existing column.</summary>
    public string SqlType => Kind switch
    {
        TypedColumnKind.BigInt => "bigint",
        TypedColumnKind.Boolean => "boolean",
        TypedColumnKind.Numeric => "numeric",
        TypedColumnKind.Timestamp => "timestamp with time zone",
        TypedColumnKind.Jsonb => "jsonb",
        _ => "text",
    };

    /// <summary>The expression that reads the field from the <c>jsonb</c> column <paramref name="data"/>. JSON <c>null</c> gives SQL <c>NULL</c>.</summary>
    public string Expression(string data) => Kind switch
    {
        TypedColumnKind.BigInt => $"({data}->>'{Name}')::bigint",
        TypedColumnKind.Boolean => $"({data}->>'{Name}')::boolean",
        TypedColumnKind.Numeric => $"({data}->>'{Name}')::numeric",
        TypedColumnKind.Timestamp => $"to_timestamp(({data}->>'{Name}')::bigint)",
        TypedColumnKind.Reference => $"CASE jsonb_typeof({data}->'{Name}') WHEN 'object' THEN {data}->'{Name}'->>'id' ELSE {data}->>'{Name}' END",
        TypedColumnKind.Jsonb => $"{data}->'{Name}'",
        _ => $"{data}->>'{Name}'",
    };
}

/// <summary>
/// The typed columns of each table (SPEC §10): for a table that holds one object type, every top-level field
/// of that type as the pinned Stripe.net models it; for a table of several types (or of none Stripe.net
/// knows), none. Derived by reflection at start-up and cached; a Stripe.net upgrade brings its new fields.
/// </summary>
internal class TypedColumnCatalog(SourceCatalog sources)
{
    /// <summary>
    /// The object type of each first segment of an event type whose events all carry one object type
    /// (<c>invoice</c>, <c>checkout</c> → <c>checkout.session</c>), the tables a source routed by event type
    /// keeps per type. <c>customer</c> is not one: it also gets subscriptions, tax ids, discounts, sources.
    /// Snapshot records of an object type without events are typed after the type itself, so they count too.
    /// </summary>
    private static readonly Lazy<Dictionary<string, string>> SingleTypeResources = new(() =>
    {
        var prefixes = StripeEventPrefixes.Default;
        var byPrefix = prefixes.GroupBy(p => p.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList(), StringComparer.Ordinal);
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (objectType, prefix) in prefixes)
        {
            Of(prefix).Add(objectType);
        }

        foreach (var eventType in StripeEventPrefixes.LiveEventTypes)
        {
            var dot = eventType.LastIndexOf('.');
            if (dot < 0 || !byPrefix.ContainsKey(eventType[..dot]))
            {
                // Events whose object type the rule cannot name (customer.source.*, charge.refund.*): not one type.
                Of(dot < 0 ? eventType : eventType[..dot]).Add(string.Empty);
            }
        }

        return types.Where(t => t.Value.Count == 1 && !t.Value.Contains(string.Empty))
            .ToDictionary(t => t.Key, t => t.Value.Single(), StringComparer.Ordinal);

        HashSet<string> Of(string prefix)
        {
            var dot = prefix.IndexOf('.', StringComparison.Ordinal);
            var resource = dot < 0 ? prefix : prefix[..dot];
            if (!types.TryGetValue(resource, out var set))
            {
                types[resource] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            return set;
        }
    });

    private readonly ConcurrentDictionary<Type, IReadOnlyList<TypedColumn>> _byModel = new();

    /// <summary>The typed columns of a topic's table, in the model's order; empty for a table of several types.</summary>
    public virtual IReadOnlyList<TypedColumn> ColumnsOf(string topic, PostgresTableKind kind) =>
        kind == PostgresTableKind.DeadLetter || ModelOf(topic, kind) is not { } model ? [] : _byModel.GetOrAdd(model, Columns);

    /// <summary>The Stripe.net type of the objects in a topic's table, when every source that writes it agrees on one.</summary>
    internal Type? ModelOf(string topic, PostgresTableKind kind)
    {
        // The sources that write the table; for a topic none of them lists, those whose prefix it carries.
        var writers = sources.All.Where(s => s.KnownTopics.Contains(topic, StringComparer.Ordinal)).ToList();
        if (writers.Count == 0)
        {
            writers = [.. sources.All.Where(s => topic.StartsWith(s.Options.TopicPrefix, StringComparison.Ordinal))];
        }

        Type? model = null;
        foreach (var source in writers)
        {
            var candidate = ModelOf(source, topic, kind);
            if (candidate is null || (model is not null && model != candidate))
            {
                return null;
            }

            model = candidate;
        }

        return model;
    }

    private static Type? ModelOf(SourceSettings source, string topic, PostgresTableKind kind)
    {
        if (topic == source.DefaultTopic || topic == source.DeadLetterTopic)
        {
            return null;
        }

        if (kind == PostgresTableKind.Child)
        {
            var entry = source.FanOut.FirstOrDefault(e => source.Topic(e.ChildTopic) == topic);
            return entry is not null && Stripe.StripeTypeRegistry.ObjectsToTypes.TryGetValue(entry.ParentObjectType, out var parent) ? ElementType(parent, entry.ListField) : null;
        }

        var resource = topic[source.Options.TopicPrefix.Length..];
        var objectType = source.Options.Routing == RoutingMode.ObjectType ? resource : SingleTypeResources.Value.GetValueOrDefault(resource);
        return objectType is not null && Stripe.StripeTypeRegistry.ObjectsToTypes.TryGetValue(objectType, out var type) ? type : null;
    }

    /// <summary>The element type of a parent's list field (<c>invoice.lines</c> → the invoice line item).</summary>
    private static Type? ElementType(Type parent, string field)
    {
        var list = Fields(parent).FirstOrDefault(f => f.Name == field).Property?.PropertyType;
        return list is { IsGenericType: true } && list.GetGenericArguments() is [var element] ? element : null;
    }

    /// <summary>Every top-level field of a Stripe.net model as a column, in declaration order.</summary>
    internal static IReadOnlyList<TypedColumn> Columns(Type model) =>
        [.. Fields(model).Select(f => new TypedColumn(f.Name, KindOf(f.Property)))];

    private static IEnumerable<(string Name, PropertyInfo Property)> Fields(Type model) =>
        model.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Property: p))
            .Where(f => f.Name is not null && PostgresIdentifiers.IsPlain(f.Name))
            .DistinctBy(f => f.Name)
            .Select(f => (f.Name!, f.Property));

    private static TypedColumnKind KindOf(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("ExpandableField", StringComparison.Ordinal))
        {
            return TypedColumnKind.Reference;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => TypedColumnKind.Text,
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 => TypedColumnKind.BigInt,
            TypeCode.Boolean => TypedColumnKind.Boolean,
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => TypedColumnKind.Numeric,
            TypeCode.DateTime => property.GetCustomAttributes<JsonConverterAttribute>().Any(c => c.ConverterType?.Name.Contains("UnixDateTimeConverter", StringComparison.Ordinal) == true)
                ? TypedColumnKind.Timestamp
                : TypedColumnKind.Text,
            _ => TypedColumnKind.Jsonb,
        };
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StripeCdc.FakeStripe;

/// <summary>
/// Stripe objects of any type Stripe.net 53 models, built from the model itself: every field it names (its
/// <c>[JsonPropertyName]</c>, on public properties and on the internal <c>ExpandableField</c> ones), filled
/// by type the way the API renders it: Unix seconds for dates, the documented enum values for enum strings,
/// ids for expandable references, <c>{"object":"list",…}</c> for Stripe lists, nested objects to a bounded
/// depth. Objects Stripe gives no id (<c>balance</c>, <c>cash_balance</c>, …) have none. Deterministic for
/// a seed.
/// </summary>
public sealed class RealisticObjects(int seed = 20261206)
{
    public const long BaseTime = 1_790_000_000;

    /// <summary>Nested objects below this depth (the top-level object is 0) are <c>null</c>, lists empty.</summary>
    public const int MaxDepth = 3;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    private static readonly IReadOnlyDictionary<string, Type> Registry = Stripe.StripeTypeRegistry.ObjectsToTypes;

    private static readonly Dictionary<Type, string> ObjectNames = Registry
        .GroupBy(kv => kv.Value)
        .ToDictionary(g => g.Key, g => g.First().Key);

    /// <summary>What an interface-typed field holds: a customer's source is a card, an account's external account a bank account.</summary>
    private static readonly Dictionary<Type, string> InterfaceObjects = new()
    {
        [typeof(Stripe.IPaymentSource)] = "card",
        [typeof(Stripe.IExternalAccount)] = "bank_account",
        [typeof(Stripe.IBalanceTransactionSource)] = "charge",
    };

    private static readonly ConcurrentDictionary<Type, Field[]> FieldCache = new();

    private readonly Random _random = new(seed);

    /// <summary>Every object type Stripe.net's registry knows (<c>customer</c>, <c>issuing.card</c>, …).</summary>
    public static IReadOnlyCollection<string> ObjectTypes => [.. Registry.Keys];

    /// <summary>Whether objects of the type carry an <c>id</c> (<c>balance</c>, <c>tax.settings</c> and a few more do not).</summary>
    public static bool HasId(string objectType) => Fields(ModelOf(objectType)).Any(f => f.Name == "id");

    /// <summary>A new object of the type, with a new id when the type has one.</summary>
    public JsonObject Create(string objectType) => Fill(ModelOf(objectType), objectType, depth: 0);

    /// <summary>A new id in Stripe's shape for the type: <c>cus_</c> and 24 characters.</summary>
    public string NewId(string objectType) => StripeIdPrefixes.For(objectType) + "_" + Chars(24);

    private static Type ModelOf(string objectType) =>
        Registry.TryGetValue(objectType, out var type)
            ? type
            : throw new ArgumentException($"Stripe.net's registry has no object type '{objectType}'.", nameof(objectType));

    private JsonObject Fill(Type model, string? objectName, int depth)
    {
        var result = new JsonObject();
        string? id = null;
        foreach (var field in Fields(model))
        {
            switch (field.Name)
            {
                case "deleted":
                    // Stripe writes it only on the stub of a deleted object.
                    continue;
                case "id":
                    id = NewId(objectName ?? SnakeCase(model.Name));
                    result["id"] = id;
                    break;
                case "object":
                    result["object"] = objectName ?? StripeNetDocs.ValuesOf(field.Property).FirstOrDefault() ?? SnakeCase(model.Name);
                    break;
                case "livemode":
                    result["livemode"] = false;
                    break;
                default:
                    result[field.Name] = Value(field, Nullable.GetUnderlyingType(field.Property.PropertyType) ?? field.Property.PropertyType, objectName, id, depth);
                    break;
            }
        }

        return result;
    }

    private JsonNode? Value(Field field, Type type, string? owner, string? ownerId, int depth)
    {
        if (type == typeof(string))
        {
            return Text(field, owner, ownerId);
        }

        if (type == typeof(long) || type == typeof(int))
        {
            return Number(field.Name);
        }

        if (type == typeof(bool))
        {
            return _random.Next(2) == 0;
        }

        if (type == typeof(decimal))
        {
            var value = decimal.Round((decimal)(_random.NextDouble() * 1000), 2);
            return field.Name.EndsWith("_decimal", StringComparison.Ordinal) ? value.ToString(CultureInfo.InvariantCulture) : value;
        }

        if (type == typeof(DateTime))
        {
            return BaseTime + _random.Next(0, 30 * 86_400);
        }

        if (!type.IsGenericType)
        {
            return Nested(type, depth);
        }

        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (definition == typeof(Stripe.ExpandableField<>))
        {
            return Reference(arguments[0]);
        }

        if (definition == typeof(Stripe.StripeList<>))
        {
            return new JsonObject
            {
                ["object"] = "list",
                ["data"] = Elements(arguments[0], field, owner, ownerId, depth),
                ["has_more"] = false,
                ["url"] = ownerId is null ? $"/v1/{field.Name}" : $"/v1/{owner}s/{ownerId}/{field.Name}",
            };
        }

        if (definition == typeof(List<>))
        {
            return Elements(arguments[0], field, owner, ownerId, depth);
        }

        if (definition == typeof(Dictionary<,>))
        {
            return Map(arguments[1], field, owner, ownerId, depth);
        }

        return null;
    }

    private JsonArray Elements(Type element, Field field, string? owner, string? ownerId, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(element) ?? element;
        var scalar = underlying.IsPrimitive || underlying == typeof(string) || underlying == typeof(decimal) || underlying == typeof(DateTime)
            || (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Stripe.ExpandableField<>));
        return scalar || depth + 1 < MaxDepth ? [Value(field, underlying, owner, ownerId, depth)] : [];
    }

    private JsonObject Map(Type value, Field field, string? owner, string? ownerId, int depth)
    {
        if (value == typeof(string))
        {
            return field.Name == "metadata"
                ? new JsonObject { ["order_id"] = Number("order").ToString(CultureInfo.InvariantCulture), ["channel"] = "web" }
                : new JsonObject { ["key"] = Text(field, owner, ownerId) };
        }

        if (value == typeof(long))
        {
            return new JsonObject { ["usd"] = Number("amount") };
        }

        return value.IsClass && value.Namespace?.StartsWith("Stripe", StringComparison.Ordinal) == true && !value.IsGenericType && depth + 1 < MaxDepth
            ? new JsonObject { ["usd"] = Nested(value, depth) }
            : [];
    }

    private JsonObject? Nested(Type type, int depth)
    {
        if (depth + 1 >= MaxDepth)
        {
            return null;
        }

        if (type.IsInterface)
        {
            return InterfaceObjects.TryGetValue(type, out var name) ? Fill(Registry[name], name, depth + 1) : null;
        }

        return type.IsClass && type.Namespace?.StartsWith("Stripe", StringComparison.Ordinal) == true
            ? Fill(type, ObjectNames.GetValueOrDefault(type), depth + 1)
            : null;
    }

    /// <summary>An unexpanded reference: the referenced object's id.</summary>
    private string Reference(Type target)
    {
        var name = ObjectNames.GetValueOrDefault(target) ?? InterfaceObjects.GetValueOrDefault(target) ?? SnakeCase(target.Name);
        return NewId(name);
    }

    private string Text(Field field, string? owner, string? ownerId)
    {
        var values = StripeNetDocs.ValuesOf(field.Property);
        if (values.Length > 0)
        {
            return values[_random.Next(values.Length)];
        }

        var name = field.Name;
        return name switch
        {
            "email" or "receipt_email" or "customer_email" or "support_email" => "jenny.rosen@example.com",
            "name" or "customer_name" or "account_name" or "business_name" or "display_name" => "Jenny Rosen",
            "phone" or "customer_phone" or "support_phone" => "+14155550123",
            "currency" or "default_currency" or "presentment_currency" or "settlement_currency" => "usd",
            "country" or "account_country" => "US",
            "city" => "South San Francisco",
            "line1" => "354 Oyster Point Blvd",
            "line2" => "Suite 200",
            "postal_code" => "94080",
            "state" => "CA",
            "last4" or "dynamic_last4" => "4242",
            "fingerprint" => "Xt5EWLLDS7FJjR1c",
            "description" => $"Order #{Number("order")} — {owner ?? "detail"} for the event catalogue",
            "client_secret" => $"{ownerId ?? "secret"}_secret_{Chars(24)}",
            "api_version" => Stripe.StripeConfiguration.ApiVersion,
            "statement_descriptor" or "statement_descriptor_suffix" or "calculated_statement_descriptor" => "EXAMPLE CO",
            "number" or "receipt_number" or "invoice_number" => $"F7C4F8B2-{Number("count"):D4}",

            // A plain string named after an object type holds that object's id (cash_balance.customer).
            _ when Registry.ContainsKey(name) => NewId(name),
            _ when name == "url" || name.EndsWith("_url", StringComparison.Ordinal) => $"https://example.com/{owner ?? "stripe"}/{Chars(12)}",
            _ when name.EndsWith("_id", StringComparison.Ordinal) || name.EndsWith("_reference", StringComparison.Ordinal) => $"{name[..Math.Min(name.Length, 4)]}_{Chars(16)}",
            _ => $"{name.Replace('_', ' ')} {Chars(6)}",
        };
    }

    private long Number(string name) => name switch
    {
        "exp_month" => _random.Next(1, 13),
        "exp_year" => _random.Next(2030, 2036),
        _ when name.Contains("amount", StringComparison.Ordinal) || name.Contains("balance", StringComparison.Ordinal)
            || name.Contains("total", StringComparison.Ordinal) || name is "fee" or "net" or "subtotal" => _random.Next(100, 100_000),
        _ when name == "quantity" || name == "count" || name.EndsWith("_count", StringComparison.Ordinal) => _random.Next(1, 6),
        _ when name.Contains("percent", StringComparison.Ordinal) => _random.Next(1, 101),
        _ => _random.Next(1, 10_000),
    };

    private string Chars(int length) => string.Create(length, _random, static (span, random) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[random.Next(Alphabet.Length)];
        }
    });

    private static Field[] Fields(Type model) => FieldCache.GetOrAdd(model, static type =>
        [.. type.GetProperties(Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<JsonPropertyNameAttribute>()))
            .Where(p => p.Attribute is not null && p.Property.GetIndexParameters().Length == 0)
            .Select(p => new Field(p.Attribute!.Name, p.Property))]);

    private static string SnakeCase(string name) => string.Concat(name.Select((c, i) =>
        char.IsUpper(c) ? (i > 0 ? "_" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));

    private sealed record Field(string Name, PropertyInfo Property);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using StripeCdc.Testing;

namespace StripeCdc.FakeStripe;

/// <summary>
/// A Connect platform's connected accounts (SPEC §12). Each account has its own <see cref="FakeStripeData"/>
/// (objects, lists, singletons, events), which requests with its <c>Stripe-Account</c> header see; requests
/// without the header see the platform's. Adding an account lists it under the platform's <c>/v1/accounts</c>,
/// with Stripe's cursor paging.
/// </summary>
public sealed class FakeConnectedAccounts(FakeStripeData platform)
{
    public const string AccountsPath = "/v1/accounts";

    private readonly ConcurrentDictionary<string, FakeStripeData> _accounts = new(StringComparer.Ordinal);

    /// <summary>The ids of the connected accounts, in no particular order.</summary>
    public IReadOnlyCollection<string> Ids => [.. _accounts.Keys];

    /// <summary>
    /// Connects an account (or returns the one already connected with that id): its own empty data, and an
    /// <c>account</c> object in the platform's <c>/v1/accounts</c>, created at <paramref name="created"/>.
    /// </summary>
    public FakeStripeData Add(string accountId, long created = FakeStripeSeeder.StartTime)
    {
        if (!accountId.StartsWith("acct_", StringComparison.Ordinal))
        {
            throw new ArgumentException("A connected account's id starts with 'acct_'.", nameof(accountId));
        }

        var added = false;
        var data = _accounts.GetOrAdd(accountId, _ =>
        {
            added = true;
            return new FakeStripeData();
        });
        if (added)
        {
            platform.Add(AccountsPath, new FakeObject(accountId, created, AccountJson(accountId, created)));
        }

        return data;
    }

    /// <summary>The account's data, or null when no account of that id is connected.</summary>
    public FakeStripeData? Find(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>
    /// Stores an event of the account in its <c>/v1/events</c>, carrying the top-level <c>account</c> as a Connect
    /// event does, and returns its JSON (the body a Connect webhook endpoint receives).
    /// </summary>
    public string AddEvent(string accountId, string type, string dataObject, string eventId, long created)
    {
        var data = Find(accountId) ?? throw new InvalidOperationException($"No connected account '{accountId}'; add it first.");
        var json = StripeObjects.Event(type, dataObject, eventId, created, account: accountId);
        data.Add("/v1/events", new FakeObject(eventId, created, json, new Dictionary<string, string> { ["type"] = type }));
        return json;
    }

    private static string AccountJson(string id, long created)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "account");
            writer.WriteNull("business_profile");
            writer.WriteBoolean("charges_enabled", true);
            writer.WriteString("country", "US");
            writer.WriteNumber("created", created);
            writer.WriteString("default_currency", "usd");
            writer.WriteBoolean("details_submitted", true);
            writer.WriteString("email", string.Create(CultureInfo.InvariantCulture, $"owner+{id}@example.com"));
            writer.WriteStartObject("metadata");
            writer.WriteEndObject();
            writer.WriteBoolean("payouts_enabled", true);
            writer.WriteString("type", "standard");
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using System.Reflection;
using StripeCdc.Snapshot.Catalog;
using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §6: the snapshot catalogue is every listable resource of the pinned Stripe.net, less named metadata.</summary>
public sealed class ResourceCatalogTests
{
    private static readonly string[] LiveEventTypes = [.. typeof(Stripe.EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void The_catalogue_holds_at_least_80_resources_derived_from_Stripe_net()
    {
        Assert.True(SnapshotResource.All.Count >= 80, $"{SnapshotResource.All.Count} resources");
        Assert.All(
            ["dispute", "credit_note", "checkout.session", "subscription_schedule", "quote", "transfer", "tax_id", "promotion_code",
             "issuing.card", "issuing.authorization", "treasury.financial_account", "treasury.transaction", "terminal.reader", "customer",
             "charge", "invoice", "subscription", "payment_method"],
            name => Assert.NotNull(SnapshotResource.Find(name)));
    }

    [Fact]
    public void Every_list_Stripe_net_has_is_in_the_catalogue_or_left_out_with_a_reason()
    {
        var endpoints = StripeNetEndpoints.Read();

        Assert.True(endpoints.Count(e => e.IsList) >= 100, $"{endpoints.Count(e => e.IsList)} list endpoints");
        Assert.All(endpoints, endpoint => Assert.True(
            SnapshotResource.Find(endpoint.ObjectType) is not null || CatalogRules.Excluded.ContainsKey(endpoint.ObjectType),
            $"{endpoint.ObjectType} ({endpoint.Path}, {endpoint.Service}) is neither in the catalogue nor left out by name"));
        Assert.All(CatalogRules.Excluded, excluded => Assert.Null(SnapshotResource.Find(excluded.Key)));
    }

    [Theory]
    [InlineData("country_spec")]
    [InlineData("webhook_endpoint")]
    [InlineData("event")]
    public void Metadata_is_left_out(string objectType) => Assert.Null(SnapshotResource.Find(objectType));

    [Theory]
    [InlineData("balance", "/v1/balance")]
    [InlineData("balance_settings", "/v1/balance_settings")]
    [InlineData("tax.settings", "/v1/tax/settings")]
    public void An_object_without_an_id_is_a_singleton_read_with_one_GET(string name, string path)
    {
        var resource = SnapshotResource.Find(name)!;

        Assert.True(resource.IsSingleton);
        Assert.Equal(path, resource.ListPath);
    }

    [Fact]
    public void The_subscription_list_asks_for_status_all_or_cancelled_ones_are_missed()
    {
        Assert.Contains(new KeyValuePair<string, string>("status", "all"), SnapshotResource.Find("subscription")!.Query);
    }

    [Theory]
    [InlineData("payment_method", "customer", "/v1/customers/cus_1/payment_methods", null)]
    [InlineData("tax_id", "customer", "/v1/customers/cus_1/tax_ids", null)]
    [InlineData("person", "account", "/v1/accounts/cus_1/persons", null)]
    [InlineData("treasury.inbound_transfer", "treasury.financial_account", "/v1/treasury/inbound_transfers", "financial_account")]
    [InlineData("card", "customer", "/v1/customers/cus_1/sources", "object")]
    public void A_list_under_a_parent_walks_the_parent_s_objects(string name, string parent, string path, string? queryKey)
    {
        var resource = SnapshotResource.Find(name)!;

        Assert.Equal(parent, resource.Parent?.Resource);
        var (listPath, query) = resource.ListFor("cus_1");
        Assert.Equal(path, listPath);
        if (queryKey is not null)
        {
            Assert.Contains(query, q => q.Key == queryKey);
        }
    }

    [Theory]
    [InlineData("subscription", "customer.subscription")]
    [InlineData("dispute", "charge.dispute")]
    [InlineData("checkout.session", "checkout.session")]
    [InlineData("issuing.card", "issuing_card")]
    [InlineData("tax_id", "customer.tax_id")]
    [InlineData("customer", "customer")]
    [InlineData("refund", "refund")]
    public void A_snapshot_is_typed_after_the_object_s_live_events(string name, string prefix)
    {
        Assert.Equal(prefix, SnapshotResource.Find(name)!.EventTypePrefix);
        Assert.Contains(LiveEventTypes, t => t.StartsWith(prefix + ".", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_event_prefix_other_than_the_object_s_own_name_is_one_Stripe_sends()
    {
        Assert.All(
            SnapshotResource.All.Where(r => r.EventTypePrefix != r.Name),
            r => Assert.Contains(LiveEventTypes, t => t.StartsWith(r.EventTypePrefix + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Snapshot_resources_prints_the_catalogue_one_resource_a_line_with_its_list_path()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApp.RunAsync(["snapshot", "resources"], output, error);

        Assert.Equal(ExitCodes.Done, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(SnapshotResource.All.Count, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("subscription ", StringComparison.Ordinal) && l.EndsWith("/v1/subscriptions?status=all", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("payment_method ", StringComparison.Ordinal) && l.EndsWith("/v1/customers/{customer}/payment_methods", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("balance ", StringComparison.Ordinal) && l.EndsWith("GET /v1/balance", StringComparison.Ordinal));
    }
}

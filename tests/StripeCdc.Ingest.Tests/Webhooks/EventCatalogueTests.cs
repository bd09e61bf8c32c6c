using StripeCdc.FakeStripe;

namespace StripeCdc.Ingest.Tests.Webhooks;

/// <summary>The catalogue behind the every-event-type tests: its event type → object type rule and its generated objects.</summary>
public sealed class EventCatalogueTests
{
    [Fact]
    public void Every_Stripe_net_event_type_maps_to_an_object_type_of_Stripe_net_s_registry()
    {
        var registry = RealisticObjects.ObjectTypes.ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(EventObjectTypes.All);
        Assert.All(EventObjectTypes.All, t => Assert.Contains(EventObjectTypes.ObjectType(t) ?? "(none)", registry));
        Assert.Equal("subscription", EventObjectTypes.ObjectType("customer.subscription.created"));
        Assert.Equal("dispute", EventObjectTypes.ObjectType("charge.dispute.created"));
        Assert.Equal("issuing.card", EventObjectTypes.ObjectType("issuing_card.created"));
        Assert.Equal("bank_account", EventObjectTypes.ObjectType("account.external_account.created"));
        Assert.Equal("fee_refund", EventObjectTypes.ObjectType("application_fee.refund.updated"));
        Assert.Equal("application", EventObjectTypes.ObjectType("account.application.authorized"));
        Assert.Equal("billing.alert_triggered", EventObjectTypes.ObjectType("billing.alert.triggered"));
        Assert.Equal("source_transaction", EventObjectTypes.ObjectType("source.transaction.created"));
        Assert.Equal("scheduled_query_run", EventObjectTypes.ObjectType("sigma.scheduled_query_run.created"));
        Assert.Equal("refund", EventObjectTypes.ObjectType("charge.refund.updated"));
        Assert.Equal("tax.settings", EventObjectTypes.ObjectType("tax.settings.updated"));
    }

    [Fact]
    public void Generated_objects_carry_the_fields_Stripe_net_models_with_Stripe_s_value_shapes()
    {
        var objects = new RealisticObjects(seed: 7);

        var customer = objects.Create("customer");
        var balance = objects.Create("balance");
        var summary = objects.Create("entitlements.active_entitlement_summary");

        Assert.StartsWith("cus_", customer["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("customer", customer["object"]!.GetValue<string>());
        Assert.True(customer.Count >= 25, $"a customer has {customer.Count} fields");
        Assert.Equal(System.Text.Json.JsonValueKind.Number, customer["created"]!.GetValueKind());
        Assert.Contains(customer["tax_exempt"]!.GetValue<string>(), new[] { "exempt", "none", "reverse" });
        Assert.Equal("list", customer["subscriptions"]!["object"]!.GetValue<string>());
        Assert.StartsWith("sub_", customer["subscriptions"]!["data"]![0]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(balance.ContainsKey("id"));
        Assert.Equal("balance", balance["object"]!.GetValue<string>());
        Assert.StartsWith("cus_", summary["customer"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual(customer["id"]!.GetValue<string>(), objects.Create("customer")["id"]!.GetValue<string>());
    }
}

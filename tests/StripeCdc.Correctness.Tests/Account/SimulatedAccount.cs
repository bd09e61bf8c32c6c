using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using StripeCdc.FakeStripe;
using StripeCdc.Testing;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// A fake Stripe account as the scenario changes it: each call changes an object (and its child list)
/// in the fake API the way Stripe would, then emits the event Stripe would send, stamped with the
/// current second and listed in <c>/v1/events</c>. One caller at a time. The platform's own account has
/// no <paramref name="accountId"/>; a connected account's events carry its id as <c>account</c> (SPEC §12).
/// </summary>
internal sealed partial class SimulatedAccount(FakeStripeData data, TimeProvider time, string? accountId = null)
{
    private const int EmbeddedChildren = 10;
    private readonly Dictionary<string, TrackedObject> _objects = new(StringComparer.Ordinal);
    private readonly List<StripeEvent> _events = [];
    private int _children;

    /// <summary>The connected account's id; empty for the platform (its Postgres <c>account</c> column is <c>''</c> too).</summary>
    public string AccountId { get; } = accountId ?? string.Empty;

    public bool IsPlatform => AccountId.Length == 0;

    public IReadOnlyCollection<TrackedObject> Objects => _objects.Values;

    public IReadOnlyList<StripeEvent> Events => _events;

    public TrackedObject Find(ObjectKind kind, int index) => _objects[kind.IdOf(index)];

    /// <summary>Applies one step; null when Stripe sends no event for it (a checkout session is opened silently).</summary>
    public StripeEvent? Apply(HistoryStep step, Random random) => step.Action switch
    {
        StepAction.Create when step.Kind == ObjectKind.CheckoutSession => OpenSession(step.Index),
        StepAction.Create => Create(step.Kind, step.Index, step.Count),
        StepAction.Update when step.Kind == ObjectKind.Balance => ChangeBalance(random),
        StepAction.Update => Update(Find(step.Kind, step.Index), random),
        StepAction.Close => CloseDispute(Find(step.Kind, step.Index), random),
        StepAction.Void => VoidCreditNote(Find(step.Kind, step.Index)),
        StepAction.Complete => CompleteSession(Find(step.Kind, step.Index), pending: step.Count == 1),
        StepAction.AsyncPaymentSucceeded => SessionPaid(Find(step.Kind, step.Index)),
        StepAction.Expire => ExpireSession(Find(step.Kind, step.Index)),
        StepAction.Finalize => Finalize(Find(step.Kind, step.Index)),
        StepAction.Pay => Pay(Find(step.Kind, step.Index)),
        StepAction.Cancel => Cancel(Find(step.Kind, step.Index)),
        StepAction.Refund => Refund(Find(step.Kind, step.Index), step.Count),
        _ => Delete(Find(step.Kind, step.Index)),
    };

    public StripeEvent Create(ObjectKind kind, int index, int children)
    {
        var tracked = Add(kind, index, children);
        var type = kind == ObjectKind.Charge ? "charge.succeeded" : kind.EventPrefix + ".created";
        return Emit(tracked, type, previousAttributes: null);
    }

    /// <summary>Puts a new object into the fake API (and tracks it) without emitting its event.</summary>
    public TrackedObject Add(ObjectKind kind, int index, int children)
    {
        var id = kind.IdOf(index);
        var now = Now();
        var state = JsonNode.Parse(Template(kind, id))!.AsObject();
        state["created"] = now;
        state["metadata"] = new JsonObject { ["version"] = "0" };
        var tracked = new TrackedObject(kind, id, state);
        _objects.Add(id, tracked);
        if (kind.ChildField is not null)
        {
            for (var i = 0; i < children; i++)
            {
                AddChild(tracked, now);
            }

            Embed(tracked);
        }

        if (kind == ObjectKind.Subscription)
        {
            state["status"] = "active";
        }
        else if (kind == ObjectKind.Invoice)
        {
            state["status"] = "draft";
        }

        data.Add(kind.ListPath, Stored(tracked, now));
        return tracked;
    }

    /// <summary>A change of the kind's usual fields; for subscriptions and draft invoices sometimes of the child list too.</summary>
    public StripeEvent Update(TrackedObject item, Random random)
    {
        var previous = Bump(item);
        var state = item.State;
        var now = Now();
        switch (item.Kind.Name)
        {
            case "customer":
                state["email"] = $"{item.Id}.v{Version(item)}@example.com";
                state["balance"] = random.Next(-5000, 5000);
                break;
            case "product":
                state["name"] = $"Plan {item.Id} v{Version(item)}";
                state["updated"] = now;
                break;
            case "price":
                state["nickname"] = $"Monthly v{Version(item)}";
                break;
            case "subscription" or "invoice" when !IsFinal(item):
                ChangeChildren(item, random, now);
                break;
            case "dispute":
                ChangeEvidence(item);
                break;
            case "credit_note":
                state["memo"] = $"Adjusted v{Version(item)}";
                break;
            default:
                state["description"] = $"{item.Kind.Name} {item.Id} v{Version(item)}";
                break;
        }

        return Store(item, now, item.Kind.EventPrefix + ".updated", previous);
    }

    public StripeEvent Finalize(TrackedObject invoice)
    {
        var previous = Bump(invoice);
        invoice.State["status"] = "open";
        invoice.State["number"] = $"SC-{invoice.Id[3..]}";
        return Store(invoice, Now(), "invoice.finalized", previous);
    }

    public StripeEvent Pay(TrackedObject invoice)
    {
        var previous = Bump(invoice);
        invoice.State["status"] = "paid";
        invoice.State["amount_paid"] = invoice.State["amount_due"]!.DeepClone();
        invoice.State["amount_remaining"] = 0;
        return Store(invoice, Now(), "invoice.paid", previous);
    }

    /// <summary><c>customer.subscription.deleted</c>: the subscription stays, cancelled.</summary>
    public StripeEvent Cancel(TrackedObject subscription)
    {
        var previous = Bump(subscription);
        var now = Now();
        subscription.State["status"] = "canceled";
        subscription.State["canceled_at"] = now;
        subscription.State["ended_at"] = now;
        return Store(subscription, now, "customer.subscription.deleted", previous);
    }

    public StripeEvent Refund(TrackedObject charge, int refunds)
    {
        var previous = Bump(charge);
        var now = Now();
        for (var i = 0; i < refunds; i++)
        {
            AddChild(charge, now);
        }

        Embed(charge);
        charge.State["amount_refunded"] = 500 * charge.Children.Count;
        charge.State["refunded"] = true;
        return Store(charge, now, "charge.refunded", previous);
    }

    /// <summary>Deletes a customer, product, price or draft invoice; the event carries Stripe's deleted stub.</summary>
    public StripeEvent Delete(TrackedObject item)
    {
        item.Deleted = true;
        data.Remove(item.Kind.ListPath, item.Id);
        var stub = new JsonObject { ["id"] = item.Id, ["object"] = item.Kind.Name, ["deleted"] = true };
        return Emit(item, item.Kind.EventPrefix + ".deleted", previousAttributes: null, stub);
    }

    /// <summary>Marks an event as never delivered, as the Events API's <c>delivery_success=false</c> lists it.</summary>
    public void MarkUndelivered(StripeEvent stripeEvent) =>
        data.Replace("/v1/events", EventObject(stripeEvent, delivered: false));

    /// <summary>Whether a subscription is cancelled or an invoice is finalized: their child lists no longer change.</summary>
    public static bool IsFinal(TrackedObject item) =>
        item.State["status"]?.GetValue<string>() is "canceled" or "open" or "paid";

    private StripeEvent Store(TrackedObject item, long now, string type, JsonObject previousAttributes)
    {
        data.Replace(item.Kind.ListPath, Stored(item, now));
        return Emit(item, type, previousAttributes);
    }

    private StripeEvent Emit(TrackedObject item, string type, JsonObject? previousAttributes, JsonObject? dataObject = null)
    {
        var created = Now();
        var index = _events.Count;
        // Event ids are unique over all accounts, as Stripe's are (the ledger knows an event by its id alone).
        var id = string.Create(CultureInfo.InvariantCulture, $"evt_sc{EventIdTag}{index:D6}");
        var body = StripeObjects.Event(type, (dataObject ?? item.State).ToJsonString(), id, created, previousAttributes?.ToJsonString(), accountId);
        var stripeEvent = new StripeEvent(index, id, type, item, created, Encoding.UTF8.GetBytes(body), AccountId);
        item.EventTimes.Add(created);
        _events.Add(stripeEvent);
        data.Add("/v1/events", EventObject(stripeEvent, delivered: true));
        return stripeEvent;
    }

    private static FakeObject EventObject(StripeEvent stripeEvent, bool delivered) => new(
        stripeEvent.Id,
        stripeEvent.Created,
        Encoding.UTF8.GetString(stripeEvent.Body),
        new Dictionary<string, string> { ["type"] = stripeEvent.Type, ["delivery_success"] = delivered ? "true" : "false" });

    private static FakeObject Stored(TrackedObject item, long now)
    {
        var attributes = new Dictionary<string, string>();
        if (item.State["status"] is { } status && item.Kind == ObjectKind.Subscription)
        {
            attributes["status"] = status.GetValue<string>();
        }

        return new FakeObject(item.Id, item.State["created"]?.GetValue<long>() ?? now, item.State.ToJsonString(), attributes);
    }

    /// <summary>Adds one to the object's <c>metadata.version</c> and returns the previous attributes of the event.</summary>
    private static JsonObject Bump(TrackedObject item)
    {
        var version = Version(item);
        item.State["metadata"] = new JsonObject { ["version"] = (version + 1).ToString(CultureInfo.InvariantCulture) };
        return new JsonObject { ["metadata"] = new JsonObject { ["version"] = version.ToString(CultureInfo.InvariantCulture) } };
    }

    private static int Version(TrackedObject item) =>
        int.Parse(item.State["metadata"]!["version"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private void ChangeChildren(TrackedObject item, Random random, long now)
    {
        var roll = random.Next(3);
        if (roll == 0 || item.Children.Count < 2)
        {
            AddChild(item, now);
        }
        else if (roll == 1)
        {
            var removed = item.Children[random.Next(item.Children.Count)];
            item.Children.Remove(removed);
            data.Remove(item.Kind.ChildListOf(item.Id).Path, removed["id"]!.GetValue<string>());
        }
        else
        {
            var changed = item.Children[random.Next(item.Children.Count)];
            changed["metadata"] = new JsonObject { ["note"] = $"changed v{Version(item)}" };
            StoreChild(item, changed, now, replace: true);
        }

        Embed(item);
        if (item.Kind == ObjectKind.Invoice)
        {
            item.State["amount_due"] = 1000 * item.Children.Count;
            item.State["amount_remaining"] = 1000 * item.Children.Count;
        }
    }

    private void AddChild(TrackedObject parent, long now)
    {
        var n = ++_children;
        var child = parent.Kind.Name switch
        {
            "invoice" => StripeObjects.InvoiceLine(string.Create(CultureInfo.InvariantCulture, $"il_sc{n:D6}"), parent.Id, n),
            "charge" => StripeObjects.Refund(string.Create(CultureInfo.InvariantCulture, $"re_sc{n:D6}"), parent.Id, 500),
            _ => StripeObjects.SubscriptionItem(string.Create(CultureInfo.InvariantCulture, $"si_sc{n:D6}"), parent.Id),
        };
        var node = JsonNode.Parse(child)!.AsObject();
        if (node.ContainsKey("created"))
        {
            node["created"] = now;
        }

        parent.Children.Insert(0, node);
        StoreChild(parent, node, now, replace: false);
    }

    private void StoreChild(TrackedObject parent, JsonObject child, long now, bool replace)
    {
        var (path, filter) = parent.Kind.ChildListOf(parent.Id);
        var attributes = filter is null ? null : new Dictionary<string, string> { [filter] = parent.Id };
        var stored = new FakeObject(child["id"]!.GetValue<string>(), child["created"]?.GetValue<long>() ?? now, child.ToJsonString(), attributes);
        if (replace)
        {
            data.Replace(path, stored);
        }
        else
        {
            data.Add(path, stored);
        }
    }

    /// <summary>The parent's embedded list, as Stripe embeds it: the first 10 of its list endpoint's page and <c>has_more</c>.</summary>
    private void Embed(TrackedObject parent)
    {
        var (path, filter) = parent.Kind.ChildListOf(parent.Id);
        var (first, hasMore) = data.Collection(path).List(c => filter is null || c.Attributes.GetValueOrDefault(filter) == parent.Id, startingAfter: null, EmbeddedChildren);
        parent.State[parent.Kind.ChildField!] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. first.Select(c => JsonNode.Parse(c.Json))]),
            ["has_more"] = hasMore,
            ["total_count"] = parent.Children.Count,
            ["url"] = filter is null ? path : $"{path}?{filter}={parent.Id}",
        };
    }

    private static string Template(ObjectKind kind, string id) => kind.Name switch
    {
        "customer" => StripeObjects.Customer(id, $"{id}.v0@example.com"),
        "product" => StripeObjects.Product(id),
        "price" => StripeObjects.Price(id),
        "subscription" => StripeObjects.Subscription(id, items: 0),
        "invoice" => StripeObjects.Invoice(id, lines: 0),
        "charge" => StripeObjects.Charge(id, refunds: 0),
        "dispute" or "credit_note" or "checkout.session" => PaymentTemplate(kind, id),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, null),
    };

    private string EventIdTag => IsPlatform ? string.Empty : AccountId[^6..];

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();
}

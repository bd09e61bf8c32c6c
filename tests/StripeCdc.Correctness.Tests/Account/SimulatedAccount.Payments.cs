using System.Globalization;
using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// Disputes, credit notes, checkout sessions and the account balance (issue 18): their lives as Stripe
/// reports them. A checkout session is opened without an event (Stripe sends none) and ends completed
/// or expired; the balance has no id and changes with <c>balance.available</c>.
/// </summary>
internal sealed partial class SimulatedAccount
{
    private const string BalancePath = "/v1/balance";

    /// <summary>
    /// What the account holds before the connector is deployed: the balance, and a few disputes, credit notes
    /// and open checkout sessions that no event will ever mention. Only a snapshot can bring those.
    /// </summary>
    public void SeedBeforeHistory(int disputes, int creditNotes, int openSessions, Random random)
    {
        var balance = new TrackedObject(ObjectKind.Balance, ObjectKind.Balance.IdOf(0), JsonNode.Parse(ScenarioObjects.Balance(random.Next(10_000, 90_000), random.Next(0, 20_000)))!.AsObject());
        _objects.Add(balance.Id, balance);
        data.SetSingleton(BalancePath, balance.State.ToJsonString());
        for (var i = 0; i < disputes; i++)
        {
            Add(ObjectKind.Dispute, PreexistingIndex + i, children: 0);
        }

        for (var i = 0; i < creditNotes; i++)
        {
            Add(ObjectKind.CreditNote, PreexistingIndex + i, children: 0);
        }

        for (var i = 0; i < openSessions; i++)
        {
            OpenSession(PreexistingIndex + i);
        }
    }

    /// <summary>Indexes of the objects that exist before the history; the history's own stay below.</summary>
    public const int PreexistingIndex = 900;

    /// <summary>A new checkout session, open; Stripe sends no event for it.</summary>
    public StripeEvent? OpenSession(int index)
    {
        var session = Add(ObjectKind.CheckoutSession, index, children: 0);
        session.State["expires_at"] = session.State["created"]!.GetValue<long>() + 86_400;
        data.Replace(session.Kind.ListPath, Stored(session, Now()));
        return null;
    }

    public StripeEvent CompleteSession(TrackedObject session, bool pending)
    {
        var previous = Bump(session);
        previous["status"] = "open";
        session.State["status"] = "complete";
        session.State["payment_status"] = pending ? "unpaid" : "paid";
        session.State["customer_details"] = new JsonObject { ["email"] = $"{session.Id}@example.com", ["name"] = "Jenny Rosen" };
        session.State["payment_intent"] = "pi_" + session.Id[3..];
        return Store(session, Now(), "checkout.session.completed", previous);
    }

    public StripeEvent SessionPaid(TrackedObject session)
    {
        var previous = Bump(session);
        session.State["payment_status"] = "paid";
        return Store(session, Now(), "checkout.session.async_payment_succeeded", previous);
    }

    public StripeEvent ExpireSession(TrackedObject session)
    {
        var previous = Bump(session);
        previous["status"] = "open";
        session.State["status"] = "expired";
        return Store(session, Now(), "checkout.session.expired", previous);
    }

    public StripeEvent CloseDispute(TrackedObject dispute, Random random)
    {
        var previous = Bump(dispute);
        dispute.State["status"] = random.NextDouble() < 0.5 ? "won" : "lost";
        return Store(dispute, Now(), "charge.dispute.closed", previous);
    }

    public StripeEvent VoidCreditNote(TrackedObject creditNote)
    {
        var previous = Bump(creditNote);
        var now = Now();
        creditNote.State["status"] = "void";
        creditNote.State["voided_at"] = now;
        return Store(creditNote, now, "credit_note.voided", previous);
    }

    /// <summary><c>balance.available</c>: the balance (an object without an id) changed.</summary>
    public StripeEvent ChangeBalance(Random random)
    {
        var balance = _objects[ObjectKind.Balance.IdOf(0)];
        var previous = new JsonObject { ["available"] = balance.State["available"]!.DeepClone(), ["pending"] = balance.State["pending"]!.DeepClone() };
        var available = random.Next(10_000, 90_000);
        var pending = random.Next(0, 20_000);
        balance.State["available"] = new JsonArray(new JsonObject { ["amount"] = available, ["currency"] = "usd", ["source_types"] = new JsonObject { ["card"] = available } });
        balance.State["pending"] = new JsonArray(new JsonObject { ["amount"] = pending, ["currency"] = "usd", ["source_types"] = new JsonObject { ["card"] = pending } });
        data.SetSingleton(BalancePath, balance.State.ToJsonString());
        return Emit(balance, "balance.available", previous);
    }

    private static void ChangeEvidence(TrackedObject dispute)
    {
        var version = Version(dispute);
        dispute.State["evidence"]!["uncategorized_text"] = $"Evidence v{version}";
        dispute.State["evidence_details"]!["has_evidence"] = true;
        dispute.State["evidence_details"]!["submission_count"] = version;
        dispute.State["status"] = "under_review";
    }

    private static string PaymentTemplate(ObjectKind kind, string id)
    {
        var index = int.Parse(id.AsSpan(id.Length - 5), CultureInfo.InvariantCulture);
        return kind.Name switch
        {
            "dispute" => ScenarioObjects.Dispute(id, ObjectKind.Charge.IdOf(index % 80)),
            "credit_note" => ScenarioObjects.CreditNote(id, ObjectKind.Invoice.IdOf(index % 100), ObjectKind.Customer.IdOf(index % 150), index),
            _ => ScenarioObjects.CheckoutSession(id),
        };
    }
}

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// The seeded history of the scenario (SPEC §11): every object's life — created, updated (some several
/// times within one second), deleted or cancelled, child lists longer than Stripe embeds — interleaved
/// into ticks. A tick's steps run back to back, so a burst of one object's updates shares a second.
/// </summary>
internal static class HistoryScript
{
    public static List<HistoryStep[]> Generate(Random random, HistoryScale scale)
    {
        var lives = new List<Queue<HistoryStep>>();
        Add(ObjectKind.Customer, scale.Customers, i => Life(ObjectKind.Customer, i, children: 0, updates: random.Next(1, 5), end: random.NextDouble() < 0.25 ? StepAction.Delete : null));
        Add(ObjectKind.Product, scale.Products, i => Life(ObjectKind.Product, i, children: 0, updates: random.Next(0, 4), end: random.NextDouble() < 0.2 ? StepAction.Delete : null));
        Add(ObjectKind.Price, scale.Prices, i => Life(ObjectKind.Price, i, children: 0, updates: random.Next(0, 4), end: random.NextDouble() < 0.1 ? StepAction.Delete : null));
        Add(ObjectKind.Subscription, scale.Subscriptions, i => Life(
            ObjectKind.Subscription, i, children: random.NextDouble() < 0.2 ? random.Next(11, 26) : random.Next(1, 6), updates: random.Next(1, 5),
            end: random.NextDouble() < 0.3 ? StepAction.Cancel : null));
        Add(ObjectKind.Invoice, scale.Invoices, i => InvoiceLife(i));
        Add(ObjectKind.Charge, scale.Charges, i => ChargeLife(i));
        Add(ObjectKind.Dispute, scale.Disputes, i => Life(ObjectKind.Dispute, i, children: 0, updates: random.Next(0, 4), end: random.NextDouble() < 0.7 ? StepAction.Close : null));
        Add(ObjectKind.CreditNote, scale.CreditNotes, i => Life(ObjectKind.CreditNote, i, children: 0, updates: random.Next(0, 3), end: random.NextDouble() < 0.3 ? StepAction.Void : null));
        Add(ObjectKind.CheckoutSession, scale.CheckoutSessions, i => SessionLife(i));

        // The balance exists from the start (SimulatedAccount.SeedBeforeHistory); it only changes, in pairs spread
        // over the whole history (one queue of 40 would be drained last, all in one second).
        Add(ObjectKind.Balance, scale.BalanceChangePairs, _ => Enumerable.Range(0, 2).Select(_ => new HistoryStep(ObjectKind.Balance, 0, StepAction.Update)));

        var ticks = new List<HistoryStep[]>();
        while (lives.Count > 0)
        {
            var index = random.Next(lives.Count);
            var life = lives[index];
            var tick = new List<HistoryStep> { life.Dequeue() };

            // A burst: the same object changed up to three times within one second.
            if (random.NextDouble() < 0.2)
            {
                var extra = random.Next(1, 3);
                while (extra-- > 0 && life.TryPeek(out var next) && next.Action is StepAction.Update or StepAction.AsyncPaymentSucceeded)
                {
                    tick.Add(life.Dequeue());
                }
            }

            ticks.Add([.. tick]);
            if (life.Count == 0)
            {
                lives.RemoveAt(index);
            }
        }

        return ticks;

        void Add(ObjectKind kind, int count, Func<int, IEnumerable<HistoryStep>> life)
        {
            for (var i = 0; i < count; i++)
            {
                lives.Add(new Queue<HistoryStep>(life(i)));
            }
        }

        IEnumerable<HistoryStep> InvoiceLife(int i)
        {
            var lines = random.NextDouble() < 0.2 ? random.Next(11, 31) : random.Next(1, 6);
            var roll = random.NextDouble();
            StepAction[] end = roll < 0.7 ? [StepAction.Finalize, StepAction.Pay] : roll < 0.85 ? [StepAction.Delete] : [];
            return Life(ObjectKind.Invoice, i, lines, random.Next(0, 3), null).Concat(end.Select(a => new HistoryStep(ObjectKind.Invoice, i, a)));
        }

        // Opened without an event, then completed (paid at once, or later by an asynchronous method) or expired.
        IEnumerable<HistoryStep> SessionLife(int i)
        {
            var roll = random.NextDouble();
            StepAction[] end = roll < 0.35 ? [StepAction.Expire] : roll < 0.65 ? [StepAction.Complete, StepAction.AsyncPaymentSucceeded] : [StepAction.Complete];
            return end.Select(a => new HistoryStep(ObjectKind.CheckoutSession, i, a, a == StepAction.Complete && end.Length == 2 ? 1 : 0))
                .Prepend(new HistoryStep(ObjectKind.CheckoutSession, i, StepAction.Create));
        }

        IEnumerable<HistoryStep> ChargeLife(int i)
        {
            var steps = Life(ObjectKind.Charge, i, children: 0, updates: random.Next(0, 2), end: null).ToList();
            var roll = random.NextDouble();
            if (roll < 0.12)
            {
                // More refunds than Stripe embeds, over two charge.refunded events.
                var total = random.Next(11, 16);
                var first = random.Next(1, total);
                steps.Add(new HistoryStep(ObjectKind.Charge, i, StepAction.Refund, first));
                steps.Add(new HistoryStep(ObjectKind.Charge, i, StepAction.Refund, total - first));
            }
            else if (roll < 0.6)
            {
                steps.Add(new HistoryStep(ObjectKind.Charge, i, StepAction.Refund, random.Next(1, 4)));
            }

            return steps;
        }
    }

    private static IEnumerable<HistoryStep> Life(ObjectKind kind, int index, int children, int updates, StepAction? end)
    {
        yield return new HistoryStep(kind, index, StepAction.Create, children);
        for (var u = 0; u < updates; u++)
        {
            yield return new HistoryStep(kind, index, StepAction.Update);
        }

        if (end is { } action)
        {
            yield return new HistoryStep(kind, index, action);
        }
    }
}

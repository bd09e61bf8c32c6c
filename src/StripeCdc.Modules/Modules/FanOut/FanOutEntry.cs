namespace StripeCdc.Modules.FanOut;

/// <summary>One <c>FanOutFields</c> entry (SPEC §4): a nested list of a parent object that becomes child records.</summary>
public sealed record FanOutEntry(string Name, string ParentObjectType, string ListField, string ChildTopic)
{
    public static readonly IReadOnlyList<FanOutEntry> Supported =
    [
        new("invoice.lines", "invoice", "lines", "invoice_lines"),
        new("charge.refunds", "charge", "refunds", "charge_refunds"),
        new("subscription.items", "subscription", "items", "subscription_items"),
    ];

    public static FanOutEntry Parse(string name) =>
        Supported.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new FormatException(
            $"'{name}' is not a supported fan-out field; use {string.Join(", ", Supported.Select(e => e.Name))}.");
}

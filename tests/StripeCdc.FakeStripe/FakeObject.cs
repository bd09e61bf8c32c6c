using System.Text;

namespace StripeCdc.FakeStripe;

/// <summary>A stored Stripe object: its id, creation time, JSON and the attributes list filters look at.</summary>
public sealed class FakeObject
{
    public FakeObject(string id, long created, string json, IReadOnlyDictionary<string, string>? attributes = null)
    {
        Id = id;
        Created = created;
        Json = Encoding.UTF8.GetBytes(json);
        Attributes = attributes ?? new Dictionary<string, string>();
    }

    public string Id { get; }

    public long Created { get; }

    public byte[] Json { get; }

    /// <summary>Values list filters compare against: <c>customer</c>, <c>charge</c>, <c>subscription</c>, <c>status</c>, <c>delivery_success</c>, …</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }
}

using System.Net.Http.Headers;
using System.Text;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>Unique realistic events, and requests signed by Stripe.net itself.</summary>
internal static class StripeEvents
{
    public static string NewId() => "evt_" + Guid.NewGuid().ToString("N")[..24];

    public static string CustomerCreated(string? id = null) =>
        StripeObjects.Event("customer.created", StripeObjects.Customer("cus_" + Guid.NewGuid().ToString("N")[..14]), id ?? NewId());

    public static string InvoicePaid(string? id = null, int lines = 3) =>
        StripeObjects.Event("invoice.paid", StripeObjects.Invoice("in_" + Guid.NewGuid().ToString("N")[..20], lines), id ?? NewId());

    public static string Sign(string payload, string secret = TestSource.Secret, long? timestamp = null) =>
        Stripe.EventUtility.GenerateSignatureHeader(payload, secret, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public static HttpRequestMessage Request(TestSource source, string payload, string? signature = "sign", string? apiKey = null) =>
        Request(source.Url(apiKey), Encoding.UTF8.GetBytes(payload), signature == "sign" ? Sign(payload) : signature);

    public static HttpRequestMessage Request(string url, byte[] body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return request;
    }
}

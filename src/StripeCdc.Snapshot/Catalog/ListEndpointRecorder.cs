using System.Net;
using System.Text;

namespace StripeCdc.Snapshot.Catalog;

/// <summary>
/// Answers every request Stripe.net makes with an empty result and remembers the path it asked for, so a
/// service's list endpoint is learnt from the client itself rather than written down by hand.
/// </summary>
internal sealed class ListEndpointRecorder : HttpMessageHandler
{
    /// <summary>The placeholder passed as a parent id; Stripe.net escapes it into the path, where it is found again.</summary>
    public const string ParentMarker = "{parent}";

    // Read as an empty list by a List call, and as an object with no fields set by a singleton's Get.
    private static readonly byte[] EmptyList = """{"object":"list","data":[],"has_more":false,"url":"/"}"""u8.ToArray();

    public string? LastPath { get; private set; }

    /// <summary>The query the client adds by itself (<c>object=card</c> for a customer's cards among its sources).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LastQuery { get; private set; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastPath = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        LastQuery = [.. request.RequestUri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty))];
        var content = new ByteArrayContent(EmptyList);
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}

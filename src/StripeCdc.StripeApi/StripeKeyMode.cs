namespace StripeCdc.StripeApi;

/// <summary>Tells live keys from test keys by their prefix (<c>sk_live_</c>, <c>rk_live_</c>, <c>sk_test_</c>, <c>rk_test_</c>).</summary>
internal static class StripeKeyMode
{
    public static bool IsLive(string apiKey) =>
        apiKey.StartsWith("sk_live_", StringComparison.Ordinal) || apiKey.StartsWith("rk_live_", StringComparison.Ordinal);

    public static double DefaultRate(string apiKey, StripeApiOptions options) =>
        options.RequestsPerSecond > 0 ? options.RequestsPerSecond
        : IsLive(apiKey) ? options.LiveRequestsPerSecond
        : options.TestRequestsPerSecond;
}

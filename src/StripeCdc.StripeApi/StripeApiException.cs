namespace StripeCdc.StripeApi;

/// <summary>A Stripe request that failed for good (after retries, or an error that retrying cannot fix). Holds no secrets.</summary>
internal sealed class StripeApiException : Exception
{
    public StripeApiException(string message, int statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public StripeApiException()
    {
    }

    public StripeApiException(string message)
        : base(message)
    {
    }

    public StripeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; }
}

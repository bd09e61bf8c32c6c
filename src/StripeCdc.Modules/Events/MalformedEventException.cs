namespace StripeCdc.Events;

/// <summary>The body is not a Stripe event: not a JSON object, or lacking <c>id</c>, <c>type</c> or <c>data.object</c>.</summary>
public sealed class MalformedEventException : Exception
{
    public MalformedEventException(string message)
        : base(message)
    {
    }

    public MalformedEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MalformedEventException()
    {
    }
}

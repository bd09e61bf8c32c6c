namespace StripeCdc.Sinks;

/// <summary>
/// A sink could not store a record. <see cref="IsPermanent"/> says that retrying the same record cannot
/// succeed (too large, invalid topic): such an event goes to the DLQ. Otherwise the failure is
/// transient and the caller should let the sender retry.
/// </summary>
public sealed class SinkException : Exception
{
    public SinkException(string message, bool isPermanent, Exception? innerException = null)
        : base(message, innerException)
    {
        IsPermanent = isPermanent;
    }

    public SinkException()
    {
    }

    public SinkException(string message)
        : base(message)
    {
    }

    public SinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool IsPermanent { get; }
}

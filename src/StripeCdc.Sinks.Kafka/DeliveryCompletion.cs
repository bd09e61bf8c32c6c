using System.Threading.Tasks.Sources;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Completes once a known number of produced messages have their delivery reports: successfully when
/// all were acknowledged, else with the first failure. One of these per write instead of a task per
/// message, so a batch costs a single hop to the thread pool when its last acknowledgement arrives.
/// </summary>
internal sealed class DeliveryCompletion : IValueTaskSource, IValueTaskSource<SinkWriteResult>
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _pending;
    private int _completed;
    private Exception? _failure;
    private CancellationTokenRegistration _cancellation;

    // One more than the messages: the producing loop holds it until AllProduced, so reports arriving
    // while later messages are still being handed over cannot complete the batch early.
    public DeliveryCompletion(int messages) => _pending = messages + 1;

    public ValueTask Task => new(this, _core.Version);

    /// <summary>The same completion as a sink's answer: <see cref="SinkWriteResult.Written"/> once every message is acknowledged.</summary>
    public ValueTask<SinkWriteResult> Written => new(this, _core.Version);

    /// <summary>True once the batch has succeeded, failed or stopped waiting.</summary>
    public bool IsFinished => Volatile.Read(ref _completed) == 1;

    /// <summary>Stops waiting when <paramref name="token"/> fires; the messages themselves stay with the producer.</summary>
    public void CancelOn(CancellationToken token)
    {
        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(static (state, t) => ((DeliveryCompletion)state!).Fail(new OperationCanceledException(t)), this);
        }
    }

    /// <summary>Every message has been handed to the producer.</summary>
    public void AllProduced() => Delivered();

    public void Delivered()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            Finish();
        }
    }

    public void Fail(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        Finish();
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    SinkWriteResult IValueTaskSource<SinkWriteResult>.GetResult(short token)
    {
        _core.GetResult(token);
        return SinkWriteResult.Written;
    }

    ValueTaskSourceStatus IValueTaskSource<SinkWriteResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<SinkWriteResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Finish()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return;
        }

        // Not awaited from here: disposing from inside the token's own callback would wait for itself.
        _ = _cancellation.Unregister();
        if (_failure is { } failure)
        {
            _core.SetException(failure);
        }
        else
        {
            _core.SetResult(true);
        }
    }
}

using StripeCdc.Sinks;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Sinks.Kafka.Tests;

/// <summary>The one completion a Kafka write waits on, fed by the producer's delivery reports.</summary>
public sealed class DeliveryCompletionTests
{
    [Fact]
    public async Task Completes_only_when_every_message_is_delivered_and_all_were_produced()
    {
        var completion = new DeliveryCompletion(messages: 2);
        var task = completion.Task.AsTask();

        completion.Delivered();
        completion.Delivered();
        Assert.False(task.IsCompleted); // reports can arrive before the last message is handed over

        completion.AllProduced();
        await task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_first_failure_ends_the_wait_with_that_failure()
    {
        var completion = new DeliveryCompletion(messages: 3);
        var task = completion.Task.AsTask();

        completion.Delivered();
        completion.Fail(new SinkException("first", isPermanent: true));
        completion.Fail(new SinkException("second", isPermanent: false));
        completion.Delivered();
        completion.AllProduced();

        var failure = await Assert.ThrowsAsync<SinkException>(() => task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("first", failure.Message);
        Assert.True(failure.IsPermanent);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait_while_reports_are_outstanding()
    {
        using var deadline = new CancellationTokenSource();
        var completion = new DeliveryCompletion(messages: 1);
        completion.CancelOn(deadline.Token);
        completion.AllProduced();
        var task = completion.Task.AsTask();
        Assert.False(task.IsCompleted);

        await deadline.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(5)));
        completion.Delivered(); // a late report changes nothing
    }

    [Fact]
    public async Task An_already_cancelled_token_fails_at_once()
    {
        var completion = new DeliveryCompletion(messages: 1);
        completion.CancelOn(new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion.Task.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_continuation_does_not_run_on_the_thread_that_reports_the_delivery()
    {
        var completion = new DeliveryCompletion(messages: 1);
        completion.AllProduced();
        var reporter = new Thread(completion.Delivered) { Name = "delivery-reports" };
        var continuedOn = RunAsync();
        reporter.Start();

        Assert.NotEqual("delivery-reports", await continuedOn.WaitAsync(TimeSpan.FromSeconds(5)));

        async Task<string?> RunAsync()
        {
            await completion.Task;
            return Thread.CurrentThread.Name;
        }
    }
}

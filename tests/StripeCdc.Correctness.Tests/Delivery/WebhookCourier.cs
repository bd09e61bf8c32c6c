using System.Collections.Concurrent;
using System.Net.Http.Headers;
using StripeCdc.Correctness.Tests.Account;
using StripeCdc.Testing;

namespace StripeCdc.Correctness.Tests.Delivery;

/// <summary>
/// Delivers the platform's events — its own and its connected accounts' (SPEC §12) — to every endpoint the way Stripe's webhooks misbehave (SPEC §11):
/// some twice, some late (held back until a newer event of the same object went out), and during an
/// outage not at all — after it Stripe retries some failed deliveries and gives up on the others,
/// which the Events API then lists with <c>delivery_success=false</c>. Outside an outage a failed
/// delivery is retried a second later, as Stripe does. Decisions come from the seeded random, in the
/// order events are published.
/// </summary>
internal sealed class WebhookCourier : IDisposable
{
    private const double DuplicateShare = 0.10;
    private const double LateShare = 0.20;
    private const double RetriedAfterOutageShare = 0.5;
    private const int MaxAttemptsOutsideOutage = 20;
    private static readonly TimeSpan LateAtMost = TimeSpan.FromSeconds(4);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly IReadOnlyList<WebhookEndpoint> _endpoints;
    private readonly ConnectPlatform _platform;
    private readonly Random _random;
    private readonly HttpClient _client;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Delivery>> _heldBack = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _newestDelivered = new(StringComparer.Ordinal);
    private readonly List<Delivery> _failedInOutage = [];
    private readonly ConcurrentDictionary<string, byte> _undelivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _countedLate = new(StringComparer.Ordinal);
    private int _pending;
    private bool _outage;

    public WebhookCourier(IReadOnlyList<WebhookEndpoint> endpoints, ConnectPlatform platform, Random random)
    {
        _endpoints = endpoints;
        _platform = platform;
        _random = random;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public DeliveryFigures Figures { get; } = new();

    /// <summary>Events that at least one endpoint never received from a webhook.</summary>
    public int UndeliveredEvents => _undelivered.Count;

    /// <summary>Plans the deliveries of a new event; called in event order by the one thread that makes history.</summary>
    public void Publish(StripeEvent stripeEvent)
    {
        var late = _random.NextDouble() < LateShare;
        var duplicate = _random.NextDouble() < DuplicateShare;
        var retriedAfterOutage = _random.NextDouble() < RetriedAfterOutageShare;
        var duplicateDelay = TimeSpan.FromMilliseconds(_random.Next(200, 3000));
        foreach (var endpoint in _endpoints)
        {
            var delivery = new Delivery(stripeEvent, endpoint, retriedAfterOutage);
            if (late)
            {
                HoldBack(delivery);
            }
            else
            {
                Schedule(delivery, TimeSpan.Zero);
            }

            if (duplicate)
            {
                Interlocked.Increment(ref Figures.Duplicates);
                Schedule(delivery with { Copy = true }, duplicateDelay);
            }
        }
    }

    public void BeginOutage()
    {
        lock (_gate)
        {
            _outage = true;
        }
    }

    /// <summary>The endpoints answer again: Stripe retries its chosen share of what failed, spread over a few seconds.</summary>
    public void EndOutage()
    {
        List<Delivery> retries;
        lock (_gate)
        {
            _outage = false;
            retries = [.. _failedInOutage];
            _failedInOutage.Clear();
        }

        foreach (var delivery in retries)
        {
            Interlocked.Increment(ref Figures.RetriedAfterOutage);
            Schedule(delivery, TimeSpan.FromMilliseconds(Random.Shared.Next(0, 8000)));
        }
    }

    /// <summary>Waits until every delivery is done, held-back ones included.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (Volatile.Read(ref _pending) > 0 || HeldBackCount() > 0)
        {
            await Task.Delay(50, cancel.Token);
        }
    }

    public void Dispose() => _client.Dispose();

    private int HeldBackCount()
    {
        lock (_gate)
        {
            return _heldBack.Values.Sum(h => h.Count);
        }
    }

    private void HoldBack(Delivery delivery)
    {
        lock (_gate)
        {
            var key = Key(delivery);
            if (!_heldBack.TryGetValue(key, out var held))
            {
                _heldBack[key] = held = [];
            }

            held.Add(delivery);
        }

        // Nothing newer of that object may come: then it goes out late anyway.
        _ = Task.Delay(LateAtMost).ContinueWith(_ => Release(delivery), TaskScheduler.Default);
    }

    private void Release(Delivery delivery)
    {
        lock (_gate)
        {
            if (!_heldBack.TryGetValue(Key(delivery), out var held) || !held.Remove(delivery))
            {
                return;
            }

            Interlocked.Increment(ref _pending);
        }

        _ = Task.Run(() => AttemptAsync(delivery));
    }

    private void Schedule(Delivery delivery, TimeSpan delay)
    {
        Interlocked.Increment(ref _pending);
        _ = Task.Run(async () =>
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            await AttemptAsync(delivery);
        });
    }

    private async Task AttemptAsync(Delivery delivery)
    {
        try
        {
            var ok = await PostAsync(delivery);
            List<Delivery>? released = null;
            lock (_gate)
            {
                var key = Key(delivery);
                var newest = _newestDelivered.GetValueOrDefault(key, -1);
                if (newest > delivery.Event.Index && _countedLate.Add(delivery.Event.Id))
                {
                    Interlocked.Increment(ref Figures.Late);
                }

                _newestDelivered[key] = Math.Max(newest, delivery.Event.Index);

                // Older held-back events of this object now go out after this newer one.
                if (_heldBack.TryGetValue(key, out var held))
                {
                    released = held.Where(h => h.Event.Index < delivery.Event.Index).ToList();
                    held.RemoveAll(released.Contains);
                    Interlocked.Add(ref _pending, released.Count);
                }

                if (!ok)
                {
                    Failed(delivery);
                }
            }

            foreach (var late in released ?? [])
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(Random.Shared.Next(0, 300));
                    await AttemptAsync(late);
                });
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Under <see cref="_gate"/>.</summary>
    private void Failed(Delivery delivery)
    {
        Interlocked.Increment(ref Figures.FailedAttempts);
        if (delivery.Copy)
        {
            return;
        }

        if (_outage)
        {
            if (delivery.RetriedAfterOutage)
            {
                _failedInOutage.Add(delivery);
            }
            else
            {
                GiveUp(delivery);
            }
        }
        else if (delivery.Attempt < MaxAttemptsOutsideOutage)
        {
            Schedule(delivery with { Attempt = delivery.Attempt + 1 }, TimeSpan.FromSeconds(1));
        }
        else
        {
            GiveUp(delivery);
        }
    }

    private void GiveUp(Delivery delivery)
    {
        Interlocked.Increment(ref Figures.Dropped);
        if (_undelivered.TryAdd(delivery.Event.Id, 0))
        {
            _platform.AccountOf(delivery.Event.Account).MarkUndelivered(delivery.Event);
        }
    }

    private async Task<bool> PostAsync(Delivery delivery)
    {
        var body = delivery.Event.Body;
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignatures.Header(body, delivery.Endpoint.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        try
        {
            using var response = await _client.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>One object of one account at one endpoint: the same id in two accounts is two objects.</summary>
    private static string Key(Delivery delivery) => delivery.Endpoint.Name + "|" + delivery.Event.Account + "|" + delivery.Event.Object.Id;

    /// <summary>One event to one endpoint; <see cref="Copy"/> is the duplicate Stripe sends besides it.</summary>
    private sealed record Delivery(StripeEvent Event, WebhookEndpoint Endpoint, bool RetriedAfterOutage, bool Copy = false, int Attempt = 1);
}

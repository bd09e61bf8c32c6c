using System.Collections.Concurrent;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>
/// The latest snapshot of every resource, and a way to wait for a state, like Aspire's
/// <c>ResourceNotificationService</c>.
/// </summary>
internal sealed class ResourceNotificationService
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ResourceSnapshot> All => [.. _snapshots.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public ResourceSnapshot? Find(string name) => _snapshots.GetValueOrDefault(name);

    public void Publish(ResourceSnapshot snapshot)
    {
        _snapshots[snapshot.Name] = snapshot;
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public void Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_lock)
        {
            if (_snapshots.TryGetValue(name, out var current))
            {
                _snapshots[name] = change(current);
            }
        }

        Publish(_snapshots[name]);
    }

    public Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default) =>
        WaitForAsync(name, s => s.State == ResourceState.Running && s.Healthy, cancellationToken);

    public async Task<ResourceSnapshot> WaitForAsync(string name, Func<ResourceSnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (Find(name) is { } snapshot && condition(snapshot))
            {
                return snapshot;
            }

            if (Find(name) is { State: ResourceState.FailedToStart })
            {
                throw new InvalidOperationException($"Resource '{name}' failed to start.");
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Stripe;
using StripeCdc.Checkpoints;
using StripeCdc.Configuration;
using StripeCdc.Sinks;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Snapshots;

/// <summary>
/// <c>snapshot --prune</c> (SPEC §6, missed deletes), after a complete listing of a resource: every object the
/// sink holds for it whose last change is older than the listing (so it was not listed: a listed object got a
/// read stamped at or after the listing's start) is asked for with a <c>GET</c>; a <c>404 resource_missing</c>
/// or <c>deleted: true</c> becomes a delete through the pipeline. An object the <c>GET</c> finds is left alone.
/// The <c>GET</c>s draw on the source's request budget, with its retries, like every other call. A connected
/// account's listing (<c>--accounts</c>) is compared with what the sink holds for that account only, its <c>GET</c>s
/// carry its <c>Stripe-Account</c>, and its deletes carry the account, as its live events do (SPEC §12).
/// </summary>
internal sealed partial class SnapshotPruner(SnapshotEmitter emitter, TimeProvider time, ILogger<SnapshotPruner> logger, ISinkInventory? inventory = null)
{
    private const int Concurrency = 8;
    private const int WriteBatch = 100;

    /// <summary>The message <c>--prune</c> fails with when the sink cannot tell what it holds (JsonLines).</summary>
    public const string NoInventory = "snapshot --prune needs to know what the sink holds; the Kafka and Postgres sinks can tell, this sink (StripeCdc:Sink) cannot.";

    public bool CanPrune => inventory is not null;

    /// <summary>The topic the resource's records land in for this source; null when they are dropped (<c>SKIP</c>).</summary>
    public static string? TopicOf(SourceSettings source, SnapshotResource resource) =>
        source.SelectedTopic(resource.RoutedResource(source.Options.Routing))
        ?? (source.Options.UnselectedResourceBehavior == UnselectedResourceBehavior.DefaultTopic ? source.DefaultTopic : null);

    /// <summary>
    /// Prunes one resource of one account (<paramref name="account"/>; null for the platform's own) whose listing began
    /// at <paramref name="listingStartedAt"/> and read to its end; returns the deletes written.
    /// </summary>
    public async Task<long> PruneAsync(
        SourceSettings source,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        string runId,
        DateTimeOffset listingStartedAt,
        CancellationToken cancellationToken)
    {
        if (inventory is null)
        {
            throw new InvalidOperationException(NoInventory);
        }

        if (resource.IsSingleton || TopicOf(source, resource) is not { } topic)
        {
            return 0;
        }

        // Reads carry whole seconds: a listed object's read is stamped at or after the second the listing began in.
        var threshold = DateTimeOffset.FromUnixTimeSeconds(listingStartedAt.ToUnixTimeSeconds());
        var candidates = new List<HeldObject>();
        await foreach (var held in inventory.ReadAsync(topic, account, cancellationToken))
        {
            if (held.ObjectType == resource.Name && held.ChangedAt < threshold)
            {
                candidates.Add(held);
            }
        }

        var scope = CheckpointScope.Of(source.Name, account);
        LogCandidates(scope, resource.Name, candidates.Count, topic);
        var gone = new ConcurrentQueue<(string Id, ReadOnlyMemory<byte> Object, DateTimeOffset ReadAt)>();
        await Parallel.ForEachAsync(
            candidates,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (held, token) =>
            {
                if (await ConfirmGoneAsync(scope, api, account, resource, topic, held, token) is { } deleted)
                {
                    gone.Enqueue(deleted);
                }
            });

        var all = gone.ToArray();
        for (var i = 0; i < all.Length; i += WriteBatch)
        {
            await emitter.EmitPrunedAsync(source, runId, resource, all[i..Math.Min(all.Length, i + WriteBatch)], api.IsLive, cancellationToken, account);
        }

        LogPruned(scope, resource.Name, all.Length);
        return all.Length;
    }

    /// <summary>The delete to write when the <c>GET</c> says the object is gone; null when Stripe still has it, or it cannot be asked.</summary>
    private async Task<(string Id, ReadOnlyMemory<byte> Object, DateTimeOffset ReadAt)?> ConfirmGoneAsync(
        string scope,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        string topic,
        HeldObject held,
        CancellationToken cancellationToken)
    {
        var value = await inventory!.ReadValueAsync(topic, held, cancellationToken);
        var heldObject = value is { } bytes ? StripAppendedFields(bytes.Span) : null;
        if (RetrievePath(resource, held.Id, heldObject) is not { } path)
        {
            LogNoRetrievePath(scope, resource.Name, held.Id);
            return null;
        }

        var readAt = time.GetUtcNow();
        byte[] found;
        try
        {
            found = await api.GetAsync(path, [], cancellationToken, account);
        }
        catch (StripeApiException ex) when (ex.StatusCode == 404)
        {
            if (ex.InnerException is StripeException { StripeError.Code: "resource_missing" })
            {
                return (held.Id, heldObject ?? Stub(held.Id, resource.Name), readAt);
            }

            // Not "no such object" but no such URL: the resource has no retrieve path, so nothing can be confirmed.
            LogNoRetrieveEndpoint(scope, resource.Name, path);
            return null;
        }

        using var document = JsonDocument.Parse(found);
        if (document.RootElement.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True)
        {
            return (held.Id, heldObject ?? found, readAt);
        }

        return null;
    }

    /// <summary>
    /// Where one object is retrieved: its list path and id (<c>/v1/customers/cus_…</c>); under a parent by path, the
    /// parent's id comes from the held object's field named after the parent (<c>customer</c>, <c>account</c>).
    /// </summary>
    internal static string? RetrievePath(SnapshotResource resource, string id, byte[]? heldObject)
    {
        var escaped = Uri.EscapeDataString(id);
        if (resource.Parent is not { QueryParameter: null } parent)
        {
            return resource.ListPath + "/" + escaped;
        }

        if (heldObject is null)
        {
            return null;
        }

        var field = parent.Resource[(parent.Resource.LastIndexOf('.') + 1)..];
        using var document = JsonDocument.Parse(heldObject);
        return document.RootElement.TryGetProperty(field, out var parentId) && parentId.ValueKind == JsonValueKind.String && parentId.GetString() is { Length: > 0 } value
            ? resource.ListFor(value).Path + "/" + escaped
            : null;
    }

    /// <summary>The held record value without the fields the pipeline appended (<c>_event_*</c>, <c>__deleted</c>, …): the object as Stripe sent it.</summary>
    internal static byte[] StripAppendedFields(ReadOnlySpan<byte> value)
    {
        using var document = JsonDocument.Parse(value.ToArray());
        using var buffer = new MemoryStream(value.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.Name.StartsWith('_'))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Stub(string id, string objectType) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = id, ["object"] = objectType, ["deleted"] = true });

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': {Count} {Resource} objects in '{Topic}' were not listed and not changed since; asking Stripe for each.")]
    private partial void LogCandidates(string source, string resource, int count, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': pruned {Count} {Resource} objects Stripe no longer has.")]
    private partial void LogPruned(string source, string resource, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': {Resource} objects are not pruned: Stripe has no object at {Path} and did not say resource_missing (no retrieve path).")]
    private partial void LogNoRetrieveEndpoint(string source, string resource, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': {Resource} {Id} is not pruned: the held object does not name its parent, so it cannot be asked for.")]
    private partial void LogNoRetrievePath(string source, string resource, string id);
}

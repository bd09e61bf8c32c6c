using System.Reflection;
using Stripe;

namespace StripeCdc.Snapshot.Catalog;

/// <summary>One endpoint Stripe.net can read: the object type it returns, its path, and whether it lists or gets.</summary>
internal sealed record StripeNetEndpoint(string ObjectType, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, bool IsList, string Service);

/// <summary>
/// Every v1 read endpoint of the pinned Stripe.net: each service's <c>ListAsync</c> (top-level, or under a
/// parent id) and each <c>GetAsync</c> that takes no id (an account's singleton, such as <c>balance</c>).
/// The path of each is what the client itself requests, recorded by calling it against
/// <see cref="ListEndpointRecorder"/>; the object type is Stripe.net's own name for the returned class.
/// </summary>
internal static class StripeNetEndpoints
{
    public static IReadOnlyList<StripeNetEndpoint> Read()
    {
        var recorder = new ListEndpointRecorder();
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = "sk_test_catalog",
            HttpClient = new SystemNetHttpClient(new HttpClient(recorder), maxNetworkRetries: 0),
        });
        var objectTypes = StripeTypeRegistry.ObjectsToTypes.ToDictionary(e => e.Value, e => e.Key);
        var endpoints = new List<StripeNetEndpoint>();
        foreach (var service in ServiceTypes())
        {
            var instance = Activator.CreateInstance(service, [client])!;
            foreach (var method in service.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var isList = method.Name == "ListAsync";
                if (!isList && !(method.Name == "GetAsync" && method.GetParameters()[0].ParameterType != typeof(string)))
                {
                    continue;
                }

                var returned = method.ReturnType.GetGenericArguments()[0];
                var entity = isList ? returned.GetGenericArguments()[0] : returned;
                if (!objectTypes.TryGetValue(entity, out var objectType))
                {
                    continue; // an interface over several types (IPaymentSource, IExternalAccount)
                }

                var arguments = method.GetParameters()
                    .Select(p => p.ParameterType == typeof(string) ? (object)ListEndpointRecorder.ParentMarker : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : null)
                    .ToArray();
                ((Task)method.Invoke(instance, arguments)!).GetAwaiter().GetResult();
                endpoints.Add(new StripeNetEndpoint(objectType, recorder.LastPath!, recorder.LastQuery, isList, service.FullName!));
            }
        }

        return [.. endpoints.DistinctBy(e => (e.ObjectType, e.Path))];
    }

    private static IEnumerable<Type> ServiceTypes() =>
        typeof(StripeClient).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false }
                && typeof(Service).IsAssignableFrom(t)
                && t.Namespace?.StartsWith("Stripe.V2", StringComparison.Ordinal) == false
                && t.GetConstructor([typeof(IStripeClient)]) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
}

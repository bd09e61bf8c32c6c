using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Modules.FanOut;
using StripeCdc.Modules.ThinEvents;
using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.StripeApi.Tests;

/// <summary>One request budget per source, shared by everything in the process that calls Stripe for it.</summary>
public sealed class SharedBudgetTests
{
    [Fact]
    public async Task The_completer_the_hydrator_and_direct_calls_of_one_source_share_its_one_budget()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var invoiceId = FakeStripeSeeder.SeedInvoiceWithLines(stripe.Data, "in_1SharedBudget0001", 15);
        stripe.Data.AddRetrievable(new FakeObject("mtr_test_61R9Ijk8BpJ9", 1_790_000_000, StripeObjects.BillingMeter("mtr_test_61R9Ijk8BpJ9")));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StripeCdc:Sources:a:StripeApiKey"] = "sk_test_sharedA",
            ["StripeCdc:Sources:a:StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc:Sources:a:ThinEvents"] = "Hydrate",
            ["StripeCdc:Sources:b:StripeApiKey"] = "sk_test_sharedB",
            ["StripeCdc:Sources:b:StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc:StripeApi:RequestsPerSecond"] = "1000",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddStripeCdcPipeline(configuration);
        services.AddStripeApi(configuration);
        await using var provider = services.BuildServiceProvider();
        var sources = provider.GetRequiredService<SourceCatalog>();
        var clients = provider.GetRequiredService<StripeApiClients>();
        var a = sources.Get("a");

        var lines = await provider.GetRequiredService<IFanOutCompleter>().FetchListAsync(a, FanOutEntry.Parse("invoice.lines"), invoiceId, CancellationToken.None);
        var thin = new RecordContext(a, Encoding.UTF8.GetBytes(StripeObjects.ThinEvent()), null, DateTimeOffset.UtcNow);
        var hydrated = await provider.GetRequiredService<IThinEventHydrator>().HydrateAsync(thin);
        await clients.For(a).ListAsync("/v1/customers", [], null, CancellationToken.None);

        Assert.Equal(15, lines!.Count);
        Assert.Equal("mtr_test_61R9Ijk8BpJ9", hydrated.ObjectId);
        Assert.Same(clients.For(a), clients.For(sources.Get("a")));
        Assert.Equal(3, stripe.Log.Count);
        Assert.Equal(3, clients.For(a).Budget.Granted);
        Assert.NotSame(clients.For(a).Budget, clients.For(sources.Get("b")).Budget);
        Assert.Equal(0, clients.For(sources.Get("b")).Budget.Granted);
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Modules.FanOut;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.StripeApi.Tests;

/// <summary>
/// The fake Stripe API as a Connect platform (SPEC §12), driven by the real Stripe.net client: the
/// <c>Stripe-Account</c> header scopes every read to the account, <c>/v1/accounts</c> pages the connected
/// accounts, and one key's request rate is limited across all its accounts.
/// </summary>
public sealed class FakeStripeConnectTests
{
    private const string A = "acct_1FakeConnectA";
    private const string B = "acct_1FakeConnectB";
    private const long T = FakeStripeSeeder.StartTime;

    [Fact]
    public async Task The_Stripe_Account_header_scopes_objects_lists_singletons_and_events_to_the_account()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var a = stripe.Accounts.Add(A);
        var b = stripe.Accounts.Add(B);
        stripe.Data.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "platform@example.com")));
        a.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "a@example.com")));
        b.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "b@example.com")));
        b.Add("/v1/customers", new FakeObject("cus_onlyb", T - 1, StripeObjects.Customer("cus_onlyb", "b2@example.com")));
        a.SetSingleton("/v1/balance", Balance(100));
        b.SetSingleton("/v1/balance", Balance(200));
        stripe.Accounts.AddEvent(A, "customer.updated", StripeObjects.Customer("cus_same", "a@example.com"), "evt_fake_a", T);
        var client = Client(stripe);
        var customers = new CustomerService(client);

        var platform = await customers.GetAsync("cus_same");
        var ofA = await customers.GetAsync("cus_same", null, As(A));
        var ofB = await customers.GetAsync("cus_same", null, As(B));
        var listA = await customers.ListAsync(new CustomerListOptions(), As(A));
        var listB = await customers.ListAsync(new CustomerListOptions(), As(B));
        var balanceA = await new BalanceService(client).GetAsync(As(A));
        var balanceB = await new BalanceService(client).GetAsync(As(B));
        var eventsA = await new EventService(client).ListAsync(new EventListOptions(), As(A));
        var eventsB = await new EventService(client).ListAsync(new EventListOptions(), As(B));
        var platformEvents = await new EventService(client).ListAsync(new EventListOptions());

        Assert.Equal("platform@example.com", platform.Email);
        Assert.Equal("a@example.com", ofA.Email);
        Assert.Equal("b@example.com", ofB.Email);
        Assert.Equal(["cus_same"], listA.Select(c => c.Id));
        Assert.Equal(["cus_same", "cus_onlyb"], listB.Select(c => c.Id));
        Assert.Equal(100, Assert.Single(balanceA.Available).Amount);
        Assert.Equal(200, Assert.Single(balanceB.Available).Amount);
        var stripeEvent = Assert.Single(eventsA);
        Assert.Equal(A, stripeEvent.Account);
        Assert.Equal("evt_fake_a", stripeEvent.Id);
        Assert.Empty(eventsB);
        Assert.Empty(platformEvents);
        Assert.Equal([null, A, B], stripe.Log.Requests.Take(3).Select(r => r.StripeAccount));
    }

    [Fact]
    public async Task An_account_that_is_not_connected_is_refused_with_403()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Accounts.Add(A);

        var ex = await Assert.ThrowsAsync<StripeException>(() => new CustomerService(Client(stripe)).GetAsync("cus_1", null, As("acct_1NotConnected")));

        Assert.Equal(HttpStatusCode.Forbidden, ex.HttpStatusCode);
        Assert.Equal("account_invalid", ex.StripeError.Code);
    }

    [Fact]
    public async Task Accounts_lists_the_connected_accounts_newest_first_with_cursor_paging()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var ids = Enumerable.Range(0, 7).Select(i => $"acct_1Paged{i:D6}").ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            stripe.Accounts.Add(ids[i], created: T + i);
        }

        var service = new AccountService(Client(stripe));
        var listed = new List<Account>();
        await foreach (var account in service.ListAutoPagingAsync(new AccountListOptions { Limit = 3 }))
        {
            listed.Add(account);
        }

        Assert.Equal(ids.Reverse(), listed.Select(a => a.Id));
        Assert.All(listed, a => Assert.Equal("standard", a.Type));
        var pages = stripe.Log.Requests.Where(r => r.Path == "/v1/accounts").ToArray();
        Assert.Equal(3, pages.Length);
        Assert.Contains($"starting_after={ids[4]}", pages[1].Query, StringComparison.Ordinal);
        Assert.Equal(ids[2], (await service.GetAsync(ids[2])).Id);
        Assert.Equal(ids.Order(StringComparer.Ordinal), stripe.Accounts.Ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task One_keys_rate_limit_spans_all_its_accounts_and_answers_Stripes_429()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Accounts.Add(A);
        stripe.Accounts.Add(B);
        stripe.RateLimits.RequestsPerSecond = 4;
        stripe.RateLimits.Window = TimeSpan.FromMinutes(5); // the six requests fall in one window however slow the machine
        var client = Client(stripe);
        var other = Client(stripe, "sk_test_otherPlatform");
        var customers = new CustomerService(client);

        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            try
            {
                await customers.ListAsync(new CustomerListOptions(), As(i % 2 == 0 ? A : B));
                statuses.Add(200);
            }
            catch (StripeException ex)
            {
                statuses.Add((int)ex.HttpStatusCode);
                Assert.Equal("rate_limit", ex.StripeError.Code);
            }
        }

        // Another key has its own budget.
        await new CustomerService(other).ListAsync(new CustomerListOptions(), As(A));

        Assert.Equal([200, 200, 200, 200, 429, 429], statuses);
        Assert.Equal(2, stripe.RateLimits.Refused);
        Assert.Equal(200, stripe.Log.Requests[^1].Status);
    }

    [Fact]
    public async Task A_tie_re_read_and_a_fan_out_completion_of_a_connected_account_are_made_as_that_account()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var a = stripe.Accounts.Add(A);
        var b = stripe.Accounts.Add(B);
        stripe.Data.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "platform@example.com")));
        a.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "a@example.com")));
        b.Add("/v1/customers", new FakeObject("cus_same", T, StripeObjects.Customer("cus_same", "b@example.com")));
        FakeStripeSeeder.SeedInvoiceWithLines(a, "in_1ConnectLines0001", 12);
        FakeStripeSeeder.SeedInvoiceWithLines(b, "in_1ConnectLines0001", 15);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StripeCdc:Sources:connect:StripeApiKey"] = "sk_test_connectPlatform",
            ["StripeCdc:Sources:connect:StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc:Sources:connect:Connect"] = "true",
            ["StripeCdc:StripeApi:RequestsPerSecond"] = "1000",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddStripeCdcPipeline(configuration);
        services.AddStripeApi(configuration);
        await using var provider = services.BuildServiceProvider();
        var source = provider.GetRequiredService<SourceCatalog>().Get("connect");
        var revalidator = provider.GetRequiredService<IObjectRevalidator>();
        var completer = provider.GetRequiredService<IFanOutCompleter>();

        var readA = await revalidator.ReadAsync("connect", "customer", "cus_same", A, CancellationToken.None);
        var readB = await revalidator.ReadAsync("connect", "customer", "cus_same", B, CancellationToken.None);
        var readPlatform = await revalidator.ReadAsync("connect", "customer", "cus_same", CancellationToken.None);
        var linesA = await completer.FetchListAsync(source, FanOutEntry.Parse("invoice.lines"), "in_1ConnectLines0001", A, CancellationToken.None);
        var linesB = await completer.FetchListAsync(source, FanOutEntry.Parse("invoice.lines"), "in_1ConnectLines0001", B, CancellationToken.None);

        Assert.Contains("a@example.com", Encoding.UTF8.GetString(readA!.Value.Span), StringComparison.Ordinal);
        Assert.Contains("b@example.com", Encoding.UTF8.GetString(readB!.Value.Span), StringComparison.Ordinal);
        Assert.Contains("platform@example.com", Encoding.UTF8.GetString(readPlatform!.Value.Span), StringComparison.Ordinal);
        Assert.Equal(12, linesA!.Count);
        Assert.Equal(15, linesB!.Count);
    }

    [Fact]
    public async Task With_ResourceListsIgnoreStripeAccount_a_resource_list_answers_the_platforms_objects_but_events_children_and_objects_stay_the_accounts()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var a = stripe.Accounts.Add(A);
        stripe.Data.Add("/v1/customers", new FakeObject("cus_platform", T, StripeObjects.Customer("cus_platform", "platform@example.com")));
        a.Add("/v1/customers", new FakeObject("cus_a", T, StripeObjects.Customer("cus_a", "a@example.com")));
        a.Add("/v1/refunds", new FakeObject("re_a", T, StripeObjects.Refund("re_a", "ch_a", 500), new Dictionary<string, string> { ["charge"] = "ch_a" }));
        stripe.Accounts.AddEvent(A, "customer.created", StripeObjects.Customer("cus_a", "a@example.com"), "evt_fake_a", T);
        stripe.Faults.ResourceListsIgnoreStripeAccount = true;
        var client = Client(stripe);

        var customers = await new CustomerService(client).ListAsync(new CustomerListOptions(), As(A));
        var refunds = await new RefundService(client).ListAsync(new RefundListOptions { Charge = "ch_a" }, As(A));
        var events = await new EventService(client).ListAsync(new EventListOptions(), As(A));
        var customer = await new CustomerService(client).GetAsync("cus_a", null, As(A));

        Assert.Equal(["cus_platform"], customers.Select(c => c.Id));
        Assert.Equal(["re_a"], refunds.Select(r => r.Id));
        Assert.Equal(["evt_fake_a"], events.Select(e => e.Id));
        Assert.Equal("a@example.com", customer.Email);
    }

    [Fact]
    public async Task A_nested_list_of_an_accounts_existing_customer_is_empty_and_of_a_missing_one_is_404()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Accounts.Add(A).Add("/v1/customers", new FakeObject("cus_a", T, StripeObjects.Customer("cus_a", "a@example.com")));
        var taxIds = new CustomerTaxIdService(Client(stripe));

        var empty = await taxIds.ListAsync("cus_a", null, As(A));
        var missing = await Assert.ThrowsAsync<StripeException>(() => taxIds.ListAsync("cus_gone", null, As(A)));

        Assert.Empty(empty.Data);
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
    }

    private static RequestOptions As(string account) => new() { StripeAccount = account };

    private static StripeClient Client(FakeStripeServer stripe, string apiKey = "sk_test_connectPlatform") =>
        new(new StripeClientOptions
        {
            ApiKey = apiKey,
            ApiBase = stripe.ApiBase,
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
        });

    private static string Balance(long amount) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + amount + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + amount + "}}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";
}

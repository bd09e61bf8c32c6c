using System.Net;
using Microsoft.Playwright;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The dashboard in a real browser (Debian's Chromium driven by Playwright).</summary>
[Collection(StackCollection.Name)]
public sealed class DashboardBrowserTests(StackFixture stack) : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ArtifactFolder => Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is expected at {ChromiumPath} (.ci/run installs Debian's chromium package).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task An_operator_follows_an_event_from_resources_to_topic_to_trace_switches_a_module_and_runs_a_snapshot()
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        await page.GotoAsync(stack.App.Dashboard.DashboardUrl);

        // Every resource is Running.
        foreach (var name in new[] { "kafka", "ingest", "snapshot" })
        {
            await Assertions.Expect(page.GetByTestId($"state-{name}")).ToHaveTextAsync("Running", new() { Timeout = 30_000 });
        }

        await Screenshot(page, "1-resources");

        // Send an event; find it in the Topics view.
        var customerId = "cus_browser_" + Guid.NewGuid().ToString("N")[..8];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.created", StripeObjects.Customer(customerId, "browser@example.com"), id: "evt_" + customerId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await page.ClickAsync("nav a[data-view=topics]");
        await page.Locator("tr[data-topic='customer']").ClickAsync(new() { Timeout = 30_000 });
        var row = page.Locator("[data-testid=records] tr", new() { HasTextString = customerId });
        await Assertions.Expect(row.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(row.First).ToContainTextAsync("browser@example.com");
        await Screenshot(page, "2-topic");

        // Its trace, from the webhook to the Kafka producer span, in the Traces view.
        await page.ClickAsync("nav a[data-view=traces]");
        var traceRow = page.Locator("tr[data-trace]", new() { HasTextString = "/webhooks/stripe" }).First;
        await Assertions.Expect(traceRow).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await traceRow.ClickAsync();
        await Assertions.Expect(page.GetByTestId("waterfall")).ToContainTextAsync("customer publish", new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByTestId("waterfall")).ToContainTextAsync("Signature");
        await Screenshot(page, "3-trace");

        // Switch on the sample module that hashes customer e-mails; the next record carries a hash.
        await page.ClickAsync("nav a[data-view=pipeline]");
        var flag = page.Locator("input[data-module='HashCustomerEmail']");
        await Assertions.Expect(flag).Not.ToBeCheckedAsync(new() { Timeout = 30_000 });
        await flag.CheckAsync();
        await Assertions.Expect(flag).ToBeCheckedAsync(new() { Timeout = 10_000 });
        await Screenshot(page, "4-pipeline");

        var hashedId = "cus_hashed_" + Guid.NewGuid().ToString("N")[..8];
        await WaitForFlagAsync(hashedId);
        await page.ClickAsync("nav a[data-view=topics]");
        await page.Locator("tr[data-topic='customer']").ClickAsync(new() { Timeout = 30_000 });
        var hashedRow = page.Locator("[data-testid=records] tr", new() { HasTextString = hashedId }).First;
        await Assertions.Expect(hashedRow).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(hashedRow).Not.ToContainTextAsync("hashed@example.com");
        await Assertions.Expect(hashedRow).ToContainTextAsync(Sha256Hex("hashed@example.com"));
        await Screenshot(page, "5-hashed");

        await page.ClickAsync("nav a[data-view=pipeline]");
        await page.Locator("input[data-module='HashCustomerEmail']").UncheckAsync();

        // Start a snapshot and watch it complete, per resource.
        await page.ClickAsync("nav a[data-view=snapshot]");
        await page.FillAsync("#resources", "customer");
        await page.GetByTestId("start-snapshot").ClickAsync();
        var progress = page.GetByTestId("snapshot-progress");
        await Assertions.Expect(progress).ToContainTextAsync("Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(progress.Locator("tr", new() { HasTextString = "customer" })).ToContainTextAsync(StackFixture.StripeCustomers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Screenshot(page, "6-snapshot");
    }

    private async Task WaitForFlagAsync(string customerId)
    {
        // The flag change reaches the ingest's pipeline asynchronously; post until a hashed record appears.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var response = await stack.PostEventAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer(customerId, "hashed@example.com"), id: "evt_" + Guid.NewGuid().ToString("N")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var record = stack.FindRecord("customer", r => System.Text.Encoding.UTF8.GetString(r.Message.Value).Contains(customerId, StringComparison.Ordinal)
                && System.Text.Encoding.UTF8.GetString(r.Message.Value).Contains(Sha256Hex("hashed@example.com"), StringComparison.Ordinal), TimeSpan.FromSeconds(2));
            if (record is not null)
            {
                return;
            }
        }

        Assert.Fail("No record with a hashed e-mail appeared after switching the module on.");
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactFolder, $"dashboard-{name}.png"), FullPage = true });
    }
}

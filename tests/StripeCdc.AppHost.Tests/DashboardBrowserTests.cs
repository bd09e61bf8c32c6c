using System.Net;
using System.Text;
using Microsoft.Playwright;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The Aspire dashboard in a real browser (Debian's Chromium driven by Playwright), as an operator uses it.</summary>
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
    public async Task An_operator_sees_the_stack_follows_a_webhooks_trace_reads_logs_and_metrics_and_replays_the_dlq_from_the_aspire_dashboard()
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        try
        {
            await OperateAsync(page);
        }
        catch
        {
            await Screenshot(page, "failure");
            throw;
        }
    }

    private async Task OperateAsync(IPage page)
    {
        await page.GotoAsync(stack.DashboardLoginUrl);
        var dashboard = new Uri(stack.DashboardLoginUrl).GetLeftPart(UriPartial.Authority);

        // Every resource is Running.
        foreach (var name in new[] { "kafka", "ingest", "snapshot" })
        {
            await Assertions.Expect(ResourceRow(page, name)).ToContainTextAsync("Running", new() { Timeout = 30_000 });
        }

        await Screenshot(page, "1-resources");

        // One webhook's trace: the server span, every module span and the Kafka producer span.
        var eventId = "evt_browser_" + Guid.NewGuid().ToString("N")[..10];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_" + eventId, "browser@example.com"), id: eventId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => Encoding.UTF8.GetString(r.Message.Value).Contains(eventId, StringComparison.Ordinal));
        var traceId = StackFixture.Header(record!, "traceparent")!.Split('-')[1];
        // The trace page does not pick up spans that arrive after it loaded: open it once they are in.
        await stack.WaitForSpansAsync(traceId, s => s.Any(x => x.Name == "customer publish") && s.Any(x => x.Kind == 2));
        await page.GotoAsync($"{dashboard}/traces/detail/{traceId}");
        // The dashboard shows the producer span "customer publish" as "MSG kafka publish customer".
        foreach (var span in new[] { "POST /webhooks/stripe", "DeadLetter", "Signature", "Routing", "Metadata", "kafka publish customer" })
        {
            await Assertions.Expect(page.GetByText(span).First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }

        await Screenshot(page, "2-trace");

        // The ingest's structured logs.
        await page.GotoAsync($"{dashboard}/structuredlogs/resource/ingest");
        await Assertions.Expect(page.GetByText("Record pipeline").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Screenshot(page, "3-structured-logs");

        // The pipeline's counters on the Metrics page.
        await page.GotoAsync($"{dashboard}/metrics/resource/ingest?meter=StripeCdc&instrument=stripecdc.events");
        await Assertions.Expect(page.GetByText("stripecdc.events").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Screenshot(page, "4-metrics");

        // A resource command from the Actions menu: replay the DLQ, skipping signature checks.
        var deadLetterId = "evt_browser_dlq_" + Guid.NewGuid().ToString("N")[..8];
        await stack.DeadLetterAsync(deadLetterId);
        await page.GotoAsync(dashboard);
        var ingest = ResourceRow(page, "ingest");
        await Assertions.Expect(ingest).ToContainTextAsync("Running", new() { Timeout = 30_000 });
        await ingest.Locator("fluent-button[aria-label='Actions']").ClickAsync();
        await page.GetByText("Replay dead letters").First.ClickAsync();
        await page.Locator("fluent-checkbox[aria-label='Skip signature checks']").ClickAsync();
        await Screenshot(page, "5-command-dialog");
        await page.Locator("footer.interaction-dialog-actions fluent-button[appearance='primary']").ClickAsync();
        await Assertions.Expect(page.GetByText("succeeded").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Screenshot(page, "6-command-succeeded");
        Assert.NotNull(stack.FindRecord("customer", r => Encoding.UTF8.GetString(r.Message.Value).Contains(deadLetterId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_switch_a_module_dialog_offers_the_modules_the_running_ingest_lists()
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        try
        {
            await page.GotoAsync(stack.DashboardLoginUrl);
            var ingest = ResourceRow(page, "ingest");
            await Assertions.Expect(ingest).ToContainTextAsync("Running", new() { Timeout = 30_000 });
            await ingest.Locator("fluent-button[aria-label='Actions']").ClickAsync();
            await page.GetByText("Switch a module").First.ClickAsync();

            // The core modules and the sample team module, as the ingest's admin API lists them.
            foreach (var module in new[] { "ThinEventGuard", "FanOut", "HashCustomerEmail" })
            {
                await Assertions.Expect(page.Locator("fluent-option", new() { HasText = module }).First).ToBeAttachedAsync(new() { Timeout = 30_000 });
            }

            await Screenshot(page, "7-switch-module-dialog");
        }
        catch
        {
            await Screenshot(page, "switch-module-failure");
            throw;
        }
    }

    private static ILocator ResourceRow(IPage page, string name) =>
        page.Locator("tr.resource-row", new() { Has = page.Locator($"td[title$=': {name}']") });

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactFolder, $"dashboard-{name}.png"), FullPage = true });
    }
}

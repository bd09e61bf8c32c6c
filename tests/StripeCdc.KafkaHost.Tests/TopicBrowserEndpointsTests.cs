using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.KafkaHost.Browsing;

namespace StripeCdc.KafkaHost.Tests;

/// <summary>The read-only pages the dashboard links to, served by Kestrel over the embedded cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TopicBrowserEndpointsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_front_page_links_every_topic_and_a_topic_page_shows_its_records_HTML_encoded()
    {
        var topic = await fixture.TopicWithAsync(("cus_<1>", "{\"name\":\"<script>alert(1)</script>\"}"));
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        var front = await client.GetStringAsync("/");
        using var page = await client.GetAsync($"/topics/{topic}?limit=500");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains($"data-topic=\"{topic}\"", front, StringComparison.Ordinal);
        Assert.Contains($"href=\"/topics/{topic}\"", front, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("newest 1 record(s)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("cus_&lt;1&gt;", html, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(fixture.Cluster);
        builder.Services.AddSingleton<TopicReader>();
        var app = builder.Build();
        app.MapTopicBrowser();
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}

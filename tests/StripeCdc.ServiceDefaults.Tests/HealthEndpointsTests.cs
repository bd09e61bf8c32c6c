using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.ServiceDefaults.Tests;

/// <summary>Aspire's convention: <c>/health</c> runs every check, <c>/alive</c> only those tagged <c>live</c>.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task An_unhealthy_dependency_fails_health_but_not_alive()
    {
        await using var app = await TestApp.StartAsync(
            builder => builder.Services.AddHealthChecks().AddCheck("kafka", () => HealthCheckResult.Unhealthy("down"), ["ready"]),
            web => web.MapDefaultEndpoints());

        using var health = await app.Client.GetAsync(HealthEndpoints.HealthPath);
        using var alive = await app.Client.GetAsync(HealthEndpoints.AlivePath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_only_the_default_checks_both_endpoints_are_healthy()
    {
        await using var app = await TestApp.StartAsync(_ => { }, web => web.MapDefaultEndpoints());

        using var health = await app.Client.GetAsync(HealthEndpoints.HealthPath);
        using var alive = await app.Client.GetAsync(HealthEndpoints.AlivePath);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/HEALTH", true)]
    [InlineData("/webhooks/stripe", false)]
    [InlineData("/", false)]
    [InlineData(null, false)]
    public void Health_paths_are_recognised_so_telemetry_can_drop_them(string? path, bool expected)
    {
        Assert.Equal(expected, HealthEndpoints.IsHealthPath(path));
    }
}

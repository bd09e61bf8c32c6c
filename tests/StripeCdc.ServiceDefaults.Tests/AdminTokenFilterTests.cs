using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace StripeCdc.ServiceDefaults.Tests;

/// <summary>Admin operations need the configured token; without one configured they are refused altogether.</summary>
public sealed class AdminTokenFilterTests
{
    private const string Token = "admin-token-7Gq2";

    [Fact]
    public async Task Without_a_configured_token_every_admin_call_is_refused_even_with_a_header()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>());

        using var response = await SendAsync(app, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admin-token-7Gq")]
    [InlineData("admin-token-7Gq2x")]
    public async Task A_missing_or_wrong_token_is_refused(string? offered)
    {
        await using var app = await StartAsync(new Dictionary<string, string?> { [AdminTokenFilter.ConfigurationKey] = Token });

        using var response = await SendAsync(app, offered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_configured_token_is_accepted()
    {
        await using var app = await StartAsync(new Dictionary<string, string?> { [AdminTokenFilter.ConfigurationKey] = Token });

        using var response = await SendAsync(app, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_token_can_come_from_a_file_as_the_AppHost_hands_it_over()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("stripecdc-admin").FullName, "admin-token");
        await File.WriteAllTextAsync(file, Token + "\n");
        await using var app = await StartAsync(new Dictionary<string, string?> { [AdminTokenFilter.FileConfigurationKey] = file });

        using var accepted = await SendAsync(app, Token);
        using var refused = await SendAsync(app, "other");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_token_file_that_does_not_exist_refuses_every_call()
    {
        var file = Path.Combine(Path.GetTempPath(), "stripecdc-admin-" + Guid.NewGuid().ToString("N"), "admin-token");
        await using var app = await StartAsync(new Dictionary<string, string?> { [AdminTokenFilter.FileConfigurationKey] = file });

        using var response = await SendAsync(app, "");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static Task<TestApp> StartAsync(Dictionary<string, string?> settings) => TestApp.StartAsync(
        builder => builder.Configuration.AddInMemoryCollection(settings),
        web => web.MapGroup("/admin").RequireAdminToken().MapPost("/jobs", () => Results.Text("done")));

    private static Task<HttpResponseMessage> SendAsync(TestApp app, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/jobs");
        if (token is not null)
        {
            request.Headers.Add(AdminTokenFilter.Header, token);
        }

        return app.Client.SendAsync(request);
    }
}

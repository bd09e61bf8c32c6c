using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12: a killed <c>snapshot --accounts</c> resumes where each account stood.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ConnectResumeAfterKillTests(KafkaFixture kafka)
{
    private const int ObjectsPerResource = 600;
    private const int PageSize = 100;
    private static readonly string[] Accounts = ["acct_1KillA", "acct_1KillB", "acct_1KillC"];
    private static readonly string[] Resources = ["customer", "charge"];
    private static readonly Dictionary<string, string> Paths = new() { ["customer"] = "/v1/customers", ["charge"] = "/v1/charges" };

    [Fact]
    public async Task A_worker_killed_mid_account_resumes_each_account_and_resource_where_it_stood()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var expected = new Dictionary<(string Account, string Resource), IReadOnlyList<string>>();
        foreach (var account in Accounts)
        {
            var data = stripe.Accounts.Add(account);
            foreach (var resource in Resources)
            {
                expected[(account, resource)] = FakeStripeSeeder.Seed(data, resource, ObjectsPerResource);
            }
        }

        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(100);
        var prefix = "killacct" + Guid.NewGuid().ToString("N")[..8] + ".";
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = kafka.BootstrapServers,
            ["StripeCdc__Sources__default__StripeApiKey"] = "sk_test_killaccounts",
            ["StripeCdc__Sources__default__StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc__Sources__default__TopicPrefix"] = prefix,
            ["StripeCdc__Sources__default__Connect"] = "true",
            ["StripeCdc__Sources__default__Resources"] = string.Join(",", Resources),
            ["StripeCdc__Snapshot__RequestsPerSecond"] = "10000",
            ["StripeCdc__Snapshot__CheckpointFolder"] = checkpoints,
            ["StripeCdc__Snapshot__CheckpointStore"] = "File",
            ["StripeCdc__Snapshot__MaxConcurrentAccounts"] = "1",
        };
        string[] args = ["snapshot", "--resources", string.Join(",", Resources), "--accounts", string.Join(",", Accounts)];

        // One account at a time: kill the worker while the second account is part way through.
        using (var first = WorkerProcess.Start(args, environment))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Resources.Any(r => Unfinished(Checkpoint(checkpoints, Accounts[1], r))))
            {
                Assert.False(first.HasExited, "the worker ended before it could be killed: " + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the worker made no progress: " + first.Output);
                await Task.Delay(20);
            }

            first.Kill();
        }

        var atKill = new Dictionary<(string Account, string Resource), JsonElement?>();
        foreach (var account in Accounts)
        {
            foreach (var resource in Resources)
            {
                atKill[(account, resource)] = Checkpoint(checkpoints, account, resource);
            }
        }

        Assert.All(Resources, r => Assert.True(atKill[(Accounts[0], r)]?.GetProperty("completed").GetBoolean(), $"the first account's {r} was not complete"));
        Assert.All(Resources, r => Assert.Null(atKill[(Accounts[2], r)]));
        stripe.Log.Clear();
        stripe.Faults.PageDelay = TimeSpan.Zero;

        using (var second = WorkerProcess.Start(args, environment))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("resumed after", second.Output, StringComparison.Ordinal);
            Assert.Contains("accounts 3/3 done", second.Output, StringComparison.Ordinal);
        }

        // Only the unfinished (account, resource) pairs were read again, each from its cursor.
        Assert.DoesNotContain(stripe.Log.Requests, r => r.StripeAccount == Accounts[0]);
        foreach (var ((account, resource), checkpoint) in atKill)
        {
            var requests = stripe.Log.Requests.Where(r => r.StripeAccount == account && r.Path == Paths[resource]).ToList();
            if (checkpoint is null)
            {
                Assert.Contains(requests, r => !r.Query.Contains("starting_after", StringComparison.Ordinal));
            }
            else if (checkpoint.Value.GetProperty("completed").GetBoolean())
            {
                Assert.Empty(requests);
            }
            else
            {
                var cursor = checkpoint.Value.GetProperty("cursor").GetString();
                Assert.NotEmpty(requests);
                Assert.All(requests, r => Assert.Contains("starting_after=", r.Query, StringComparison.Ordinal));
                Assert.Contains(requests, r => r.Query.Contains("starting_after=" + cursor, StringComparison.Ordinal));
            }
        }

        Assert.All(stripe.Log.Requests, r => Assert.Contains(r.StripeAccount, Accounts));
        foreach (var resource in Resources)
        {
            var records = kafka.ReadRecords(prefix + resource);
            foreach (var account in Accounts)
            {
                var ids = records.Where(r => r.KeyJson.GetProperty("account").GetString() == account).Select(r => r.KeyId).ToList();
                Assert.Equal(expected[(account, resource)].Order(StringComparer.Ordinal), ids.Distinct().Order(StringComparer.Ordinal));
                Assert.InRange(ids.Count - ObjectsPerResource, 0, PageSize);
            }
        }
    }

    private static bool Unfinished(JsonElement? checkpoint) => checkpoint is { } c && !c.GetProperty("completed").GetBoolean();

    private static JsonElement? Checkpoint(string folder, string account, string resource)
    {
        var path = Path.Combine(folder, "default", account, resource + ".json");
        try
        {
            return File.Exists(path) ? JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }
}

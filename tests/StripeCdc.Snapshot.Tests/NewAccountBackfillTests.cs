using System.Text;
using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// SPEC §12, <c>ConnectBackfillNewAccounts</c>: an account first seen by the ingest (any event of an unknown account,
/// or <c>account.application.authorized</c>) is backfilled by the worker without any snapshot command, once.
/// </summary>
public sealed class NewAccountBackfillTests
{
    private const string A = "acct_1NewAcctKafkaA";
    private const string B = "acct_1NewAcctKafkaB";

    [Collection(KafkaCollection.Name)]
    public sealed class WithKafka(KafkaFixture kafka)
    {
        [Fact]
        public async Task New_accounts_are_backfilled_by_themselves_once_and_neither_a_second_event_nor_a_worker_restart_backfills_again()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var ofA = FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 5, tag: "A");
            var ofB = FakeStripeSeeder.Seed(stripe.Accounts.Add(B), "customer", 3, tag: "B");
            var (settings, prefix) = KafkaSettings(backfill: true);
            await using var deployment = new NewAccountDeployment(stripe, settings, inMemoryLedger: true);
            await deployment.StartAsync();

            await deployment.DeliverAsync(NewAccountDeployment.CustomerEvent("evt_new_a1", A, "cus_liveA"));
            await deployment.DeliverAsync(NewAccountDeployment.AuthorizedEvent("evt_new_b1", B));

            var records = kafka.Read(prefix + "customer", expected: 1 + 5 + 3, TimeSpan.FromSeconds(60));
            var byAccount = records.GroupBy(r => Key(r.Message.Key).GetProperty("account").GetString()!).ToDictionary(g => g.Key, g => g.Select(r => Key(r.Message.Key).GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList());
            Assert.Equal(ofA.Append("cus_liveA").Order(StringComparer.Ordinal), byAccount.GetValueOrDefault(A) ?? []);
            Assert.Equal(ofB.Order(StringComparer.Ordinal), byAccount.GetValueOrDefault(B) ?? []);
            await deployment.WaitJobsDoneAsync();
            Assert.All(deployment.Jobs, j => Assert.True(j.State == JobState.Completed, string.Join("; ", j.Accounts.SelectMany(a => a.Resources).Select(r => $"{r.Resource}: {r.State} {r.Error}"))));
            Assert.Equal([A, B], deployment.Jobs.SelectMany(j => j.AccountsRequested!).Order(StringComparer.Ordinal));
            var listings = stripe.Log.Requests.Count(r => r.StripeAccount is not null);

            // A second event of a known account, then a restarted worker: nothing is read again.
            await deployment.DeliverAsync(NewAccountDeployment.CustomerEvent("evt_new_a2", A, "cus_liveA2"));
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(2, deployment.Jobs.SelectMany(j => j.AccountsRequested!).Count());
            await deployment.StopWorkerAsync();
            await deployment.StartWorkerAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Empty(deployment.Jobs);
            Assert.Equal(listings, stripe.Log.Requests.Count(r => r.StripeAccount is not null));
            Assert.Contains("connected account " + A + " first seen", deployment.IngestOutput, StringComparison.Ordinal);
        }

        [Fact]
        public async Task With_the_setting_off_an_unknown_accounts_event_schedules_nothing()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 5, tag: "A");
            var (settings, prefix) = KafkaSettings(backfill: false);
            await using var deployment = new NewAccountDeployment(stripe, settings, inMemoryLedger: true);
            await deployment.StartAsync();

            await deployment.DeliverAsync(NewAccountDeployment.CustomerEvent("evt_off_a1", A, "cus_liveA"));
            await deployment.DeliverAsync(NewAccountDeployment.AuthorizedEvent("evt_off_a2", A));
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.Empty(deployment.Jobs);
            Assert.DoesNotContain(stripe.Log.Requests, r => r.StripeAccount is not null);
            Assert.Single(kafka.Read(prefix + "customer", expected: 2, TimeSpan.FromSeconds(2)));
        }

        /// <summary>Every topic the ingest needs on the mock cluster (it cannot create them), the requests topic among them.</summary>
        private (Dictionary<string, string> Settings, string Prefix) KafkaSettings(bool backfill)
        {
            var id = Guid.NewGuid().ToString("N")[..8];
            var prefix = $"newacct{id}.";
            var settings = NewAccountDeployment.Settings(backfill);
            settings["ConnectionStrings:kafka"] = kafka.BootstrapServers;
            settings["StripeCdc:Sources:default:TopicPrefix"] = prefix;
            settings["StripeCdc:ModuleFlags:Topic"] = $"flags_{id}";
            settings["StripeCdc:Ledger:Topic"] = $"ledger_{id}";
            settings["StripeCdc:ConnectAccounts:Topic"] = $"accounts_{id}";
            settings["StripeCdc:Kafka:Producer:Config:linger.ms"] = "1";
            foreach (var topic in new[] { "customer", "stripe_dlq", "unknown" })
            {
                kafka.Cluster.CreateTopic(prefix + topic);
            }

            kafka.Cluster.CreateTopic($"ledger_{id}");
            kafka.Cluster.CreateTopic($"flags_{id}", partitions: 1);
            kafka.Cluster.CreateTopic($"accounts_{id}", partitions: 1);
            return (settings, prefix);
        }

        private static JsonElement Key(byte[] key) => JsonDocument.Parse(Encoding.UTF8.GetString(key)).RootElement;
    }

    [Collection(PostgresCollection.Name)]
    public sealed class WithPostgres(PostgresFixture postgres)
    {
        [Fact]
        public async Task New_accounts_are_backfilled_into_their_rows_by_themselves_once_also_across_a_worker_restart()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var ofA = FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 4, tag: "A");
            var ofB = FakeStripeSeeder.Seed(stripe.Accounts.Add(B), "customer", 2, tag: "B");
            var database = await postgres.Server.CreateDatabaseAsync();
            var settings = NewAccountDeployment.Settings();
            settings["StripeCdc:Sink"] = "Postgres";
            settings["ConnectionStrings:postgres"] = database;
            settings["StripeCdc:Sources:default:TopicPrefix"] = string.Empty;
            await using var deployment = new NewAccountDeployment(stripe, settings, inMemoryLedger: false);
            await deployment.StartAsync();

            await deployment.DeliverAsync(NewAccountDeployment.CustomerEvent("evt_pg_a1", A, "cus_liveA"));
            await deployment.DeliverAsync(NewAccountDeployment.AuthorizedEvent("evt_pg_b1", B));

            var deadline = DateTime.UtcNow.AddSeconds(60);
            List<string> rowsOfA, rowsOfB;
            while (true)
            {
                rowsOfA = await PostgresRows.ListAsync(database, $"select id from stripe.customer where account = '{A}' order by id");
                rowsOfB = await PostgresRows.ListAsync(database, $"select id from stripe.customer where account = '{B}' order by id");
                if ((rowsOfA.Count >= 5 && rowsOfB.Count >= 2) || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(200);
            }

            Assert.Equal(ofA.Append("cus_liveA").Order(StringComparer.Ordinal), rowsOfA);
            Assert.Equal(ofB.Order(StringComparer.Ordinal), rowsOfB);
            Assert.Equal([A, B], await PostgresRows.ListAsync(database, "select account from stripe_raw.connect_account order by account"));
            await deployment.WaitJobsDoneAsync();
            var listings = stripe.Log.Requests.Count(r => r.StripeAccount is not null);

            await deployment.DeliverAsync(NewAccountDeployment.CustomerEvent("evt_pg_a2", A, "cus_liveA2"));
            await deployment.StopWorkerAsync();
            await deployment.StartWorkerAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.Empty(deployment.Jobs);
            Assert.Equal(listings, stripe.Log.Requests.Count(r => r.StripeAccount is not null));
        }
    }
}

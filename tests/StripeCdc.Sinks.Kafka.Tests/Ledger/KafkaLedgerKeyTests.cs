namespace StripeCdc.Sinks.Kafka.Tests.Ledger;

/// <summary>The ledger topic's keys: a commit and a dead-letter mark of one event are two keys, so compaction keeps both.</summary>
public sealed class KafkaLedgerKeyTests
{
    [Fact]
    public void A_dead_letter_mark_has_its_own_ledger_key_the_one_existing_ledger_topics_hold()
    {
        Assert.Equal("default/evt_d", KafkaEventLedger.Key("default", "evt_d"));
        Assert.Equal("default/dlq:evt_d", KafkaEventLedger.DeadLetterKey("default", "evt_d"));
    }
}

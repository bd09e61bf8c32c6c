using System.Text;
using StripeCdc.Records;

namespace StripeCdc.Modules.Tests.Records;

/// <summary>Record values and keys are built with reused writers; nothing may carry over from one record to the next.</summary>
public sealed class OutgoingRecordTests
{
    [Fact]
    public void Appended_fields_follow_the_payloads_own_fields()
    {
        var record = new OutgoingRecord("customer", RecordKeys.ForObject("cus_1"), Encoding.UTF8.GetBytes("{\"id\":\"cus_1\",\"n\":1}\n"));
        record.Fields.WriteString("_event_id"u8, "evt_1");
        record.Fields.WriteBoolean("__deleted"u8, false);

        Assert.Equal("{\"id\":\"cus_1\",\"n\":1,\"_event_id\":\"evt_1\",\"__deleted\":false}", Encoding.UTF8.GetString(record.BuildValue()));
    }

    [Fact]
    public void A_record_gets_none_of_the_fields_written_for_records_built_before_it()
    {
        for (var i = 0; i < 300; i++)
        {
            var record = new OutgoingRecord("t", null, Encoding.UTF8.GetBytes("{\"id\":\"o_" + i + "\"}"));
            record.Fields.WriteNumber("_n"u8, i);
            Assert.Equal("{\"id\":\"o_" + i + "\",\"_n\":" + i + "}", Encoding.UTF8.GetString(record.BuildValue()));
        }

        var empty = new OutgoingRecord("t", null, Encoding.UTF8.GetBytes("{}"));
        _ = empty.Fields;
        Assert.Equal("{}", Encoding.UTF8.GetString(empty.BuildValue()));
    }

    [Fact]
    public void No_field_can_be_appended_once_the_value_is_built()
    {
        var record = new OutgoingRecord("t", null, Encoding.UTF8.GetBytes("{\"id\":\"o\"}"));
        record.Fields.WriteString("a"u8, "b");
        var value = record.BuildValue();

        Assert.Throws<InvalidOperationException>(() => record.Fields);
        Assert.Same(value, record.BuildValue());
    }

    [Fact]
    public void Keys_are_exact_whatever_was_written_before_them()
    {
        Assert.Equal("{\"id\":\"a\\u0022b\",\"item_id\":\"\\u00E9\"}", Encoding.UTF8.GetString(RecordKeys.ForChild("a\"b", "é")));

        Assert.Equal("{\"id\":\"cus_1\"}", Encoding.UTF8.GetString(RecordKeys.ForObject("cus_1")));
        Assert.Equal("{\"id\":\"in_1\",\"item_id\":\"il_2\"}", Encoding.UTF8.GetString(RecordKeys.ForChild("in_1", "il_2")));
        Assert.Equal("{\"id\":null}", Encoding.UTF8.GetString(RecordKeys.ForObject(null)));
    }
}

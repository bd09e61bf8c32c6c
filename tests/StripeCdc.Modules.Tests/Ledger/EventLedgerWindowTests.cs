using StripeCdc.Ledger;

namespace StripeCdc.Modules.Tests.Ledger;

public sealed class EventLedgerWindowTests
{
    [Fact]
    public void Memory_is_bounded_by_count_oldest_first()
    {
        var window = new EventLedgerWindow(TimeSpan.FromHours(24), maxEntries: 3);
        for (var i = 0; i < 5; i++)
        {
            window.Add($"default/evt_{i}", 1_000 + i, 1_000 + i);
        }

        Assert.Equal(3, window.Count);
        Assert.False(window.Contains("default/evt_0", 1_010));
        Assert.False(window.Contains("default/evt_1", 1_010));
        Assert.True(window.Contains("default/evt_4", 1_010));
    }

    [Fact]
    public void Ids_older_than_the_window_are_forgotten()
    {
        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        var window = new EventLedgerWindow(TimeSpan.FromHours(24), maxEntries: 100);
        window.Add("default/evt_old", 0, 0);
        window.Add("default/evt_loaded_too_old", 0, 25 * hour);
        window.Add("default/evt_new", 24 * hour, 25 * hour);

        Assert.False(window.Contains("default/evt_old", 25 * hour));
        Assert.False(window.Contains("default/evt_loaded_too_old", 25 * hour));
        Assert.True(window.Contains("default/evt_new", 25 * hour));
        Assert.Equal(1, window.Count);
    }
}

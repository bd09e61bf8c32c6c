namespace StripeCdc.Correctness.Tests.Account;

/// <summary>One tick of the platform's timeline: steps of one account (<c>''</c> for the platform's own), run back to back.</summary>
internal sealed record ScenarioTick(string Account, HistoryStep[] Steps);

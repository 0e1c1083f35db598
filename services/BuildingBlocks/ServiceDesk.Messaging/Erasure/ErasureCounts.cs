namespace ServiceDesk.Messaging.Erasure;

/// <summary>Counts by kind, as plans, ledgers and receipts hold them.</summary>
internal static class ErasureCounts
{
    /// <summary>Per kind the larger of the two; a kind only one has keeps its count.</summary>
    public static Dictionary<string, long> Max(IReadOnlyDictionary<string, long> first, IReadOnlyDictionary<string, long> second)
    {
        var counts = new Dictionary<string, long>(first);
        foreach (var (kind, count) in second)
        {
            counts[kind] = Math.Max(count, counts.GetValueOrDefault(kind));
        }

        return counts;
    }
}

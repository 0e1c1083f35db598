using System.Globalization;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>A Redis stream entry id, "milliseconds-sequence", ordered as Redis orders them.</summary>
public readonly record struct StreamId(ulong Milliseconds, ulong Sequence) : IComparable<StreamId>
{
    public static StreamId Parse(string value)
    {
        var dash = value.IndexOf('-');
        return dash < 0
            ? new StreamId(ulong.Parse(value, CultureInfo.InvariantCulture), 0)
            : new StreamId(ulong.Parse(value.AsSpan(0, dash), CultureInfo.InvariantCulture), ulong.Parse(value.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    public StreamId Next() => Sequence == ulong.MaxValue ? new StreamId(Milliseconds + 1, 0) : this with { Sequence = Sequence + 1 };

    public int CompareTo(StreamId other) => (Milliseconds, Sequence).CompareTo((other.Milliseconds, other.Sequence));

    public static bool operator <(StreamId left, StreamId right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamId left, StreamId right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamId left, StreamId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamId left, StreamId right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}

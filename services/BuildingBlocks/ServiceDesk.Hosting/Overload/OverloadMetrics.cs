using System.Diagnostics.Metrics;

namespace ServiceDesk.Hosting.Overload;

/// <summary>Meter "ServiceDesk.Hosting.Overload": calls refused with RESOURCE_EXHAUSTED because the replica was full.</summary>
public sealed class OverloadMetrics
{
    public const string MeterName = "ServiceDesk.Hosting.Overload";

    private readonly Counter<long> _rejected;

    public OverloadMetrics(IMeterFactory meters)
    {
        _rejected = meters.Create(MeterName).CreateCounter<long>(
            "servicedesk.calls.rejected", description: "Calls refused with RESOURCE_EXHAUSTED because MaxConcurrentCalls were served and QueueLimit waited.");
    }

    public void Rejected(string method) => _rejected.Add(1, new KeyValuePair<string, object?>("rpc.method", method));
}

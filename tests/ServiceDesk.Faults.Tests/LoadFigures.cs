using System.Collections.Concurrent;
using Google.Rpc;
using Grpc.Core;

namespace ServiceDesk.Faults.Tests;

/// <summary>
/// What the load clients saw, and the rule they are held to: a call succeeds, or is refused with the documented
/// overload answer (RESOURCE_EXHAUSTED with RetryInfo; the client waits its delay), or fails because a service it
/// needs was made unavailable by the test (UNAVAILABLE or DEADLINE_EXCEEDED, or a broken connection, while one of
/// <c>needs</c> was disrupted; the client sends it again). Anything else is a failure.
/// </summary>
public sealed class LoadFigures(Disruptions disruptions)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, int> _resentDuring = new();
    private int _succeeded;
    private int _overloaded;

    public ConcurrentQueue<string> Failures { get; } = new();

    public int Overloaded => _overloaded;

    public async Task CallAsync<T>(string rpc, IReadOnlyCollection<string> needs, Func<Task<T>> call)
    {
        var firstSent = disruptions.Now;
        while (true)
        {
            var sent = disruptions.Now;
            try
            {
                await call();
                Interlocked.Increment(ref _succeeded);
                return;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted && error.GetRpcStatus()?.GetDetail<RetryInfo>() is { RetryDelay: { } delay })
            {
                Interlocked.Increment(ref _overloaded);
                await Task.Delay(delay.ToTimeSpan());
                return;
            }
            catch (RpcException error) when (IsUnavailability(error) && disruptions.Now - firstSent < GiveUpAfter
                && disruptions.Overlapping(needs, sent, disruptions.Now) is { } disruption)
            {
                _resentDuring.AddOrUpdate(disruption.Split(' ')[0], 1, (_, count) => count + 1);
                await Task.Delay(250);
            }
            catch (RpcException error)
            {
                Failures.Enqueue($"{rpc} sent at +{sent.TotalSeconds:F1}s, failed at +{disruptions.Now.TotalSeconds:F1}s with no disruption of {string.Join("/", needs)} then: {error.StatusCode} {error.Status.Detail}");
                return;
            }
        }
    }

    /// <summary>
    /// How a call to a killed or restarting service ends: UNAVAILABLE (no connection, or a service answering that a
    /// service it needs is down), DEADLINE_EXCEEDED, or a status the client made up because the connection broke
    /// (it carries the transport's exception; a status a server sent never does).
    /// </summary>
    private static bool IsUnavailability(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        || (error.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled && error.Status.DebugException is not null);

    public override string ToString() =>
        $"{_succeeded} calls succeeded, {_overloaded} answered RESOURCE_EXHAUSTED with RetryInfo, " +
        $"{_resentDuring.Values.Sum()} sent again while a service they need was down ({string.Join(", ", _resentDuring.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}), " +
        $"{Failures.Count} failed";
}

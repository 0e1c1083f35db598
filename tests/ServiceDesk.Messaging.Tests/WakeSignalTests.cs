using ServiceDesk.Messaging.Publishing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

public sealed class WakeSignalTests
{
    [Fact]
    public async Task Wake_ups_while_the_loop_is_awake_collapse_into_one_round()
    {
        var signal = new WakeSignal();
        signal.Wake();
        signal.Wake();
        signal.Wake();

        Assert.True(signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None).IsCompletedSuccessfully);
        var next = signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.False(next.IsCompleted);

        signal.Wake();
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Concurrent_wake_ups_never_throw_and_leave_one_round()
    {
        var signal = new WakeSignal();
        await Parallel.ForAsync(0, 10_000, (_, _) =>
        {
            signal.Wake();
            return ValueTask.CompletedTask;
        });

        Assert.True(signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None).IsCompleted);
    }
}

namespace ServiceDesk.Testing;

/// <summary>Waits for a condition with a deadline, polling; never a bare sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var last = await probe();
        while (!until(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:F0}s waiting for {what}; last value: {last}");
            }

            await Task.Delay(50);
            last = await probe();
        }

        return last;
    }

    public static Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Task.FromResult(condition()), ok => ok, what, timeout);
}

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// The local run's Redis wants its password (in the file its "Redis" line names). The bench and its
/// sub-processes get it through the environment, which they inherit, never through a command line, which every user of
/// the machine can read; a Redis of one's own, without a password, is named by its address alone.
/// </summary>
public static class BenchRedis
{
    public const string PasswordVariable = "REDIS_PASSWORD";

    /// <summary>StackExchange.Redis configuration for <paramref name="endpoint"/>, with the password when one is set.</summary>
    public static string Configuration(string endpoint) =>
        Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password ? $"{endpoint},password={password}" : endpoint;
}

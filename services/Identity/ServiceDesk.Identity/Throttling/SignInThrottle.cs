using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.Errors;
using StackExchange.Redis;

namespace ServiceDesk.Identity.Throttling;

/// <summary>Whom a sign-in attempt counts against: the account (or the unknown login) and the source address.</summary>
public sealed record SignInAttempt(string AccountKey, string SourceAddress);

/// <summary>
/// Counts failed sign-ins per account and per source address in Redis, so every replica sees the same counts;
/// past a limit, sign-ins are refused with RESOURCE_EXHAUSTED and the time left in the window. Counters expire
/// <see cref="ThrottlingOptions.Window"/> after the first failure. Keys hold SHA-256 digests, never a login or address.
/// </summary>
public sealed partial class SignInThrottle(IConnectionMultiplexer redis, IdentityOptions options, ILogger<SignInThrottle> logger)
{
    private const string KeyPrefix = "identity:sign-in-failures:";

    // Returns, per key, the failure count and the milliseconds left before it resets.
    private const string ReadScript = """
        local result = {}
        for i, key in ipairs(KEYS) do
          result[#result + 1] = tonumber(redis.call('GET', key) or '0')
          result[#result + 1] = redis.call('PTTL', key)
        end
        return result
        """;

    private const string CountScript = """
        for i, key in ipairs(KEYS) do
          if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
        end
        return 0
        """;

    private ThrottlingOptions Limits => options.Throttling;

    public async Task EnsureAllowedAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        var values = (RedisValue[])(await RedisAsync(() => redis.GetDatabase().ScriptEvaluateAsync(ReadScript, Keys(attempt))))!;
        var (accountFailures, accountLeft, addressFailures, addressLeft) = ((int)values[0], (long)values[1], (int)values[2], (long)values[3]);
        var retryAfter = TimeSpan.Zero;
        if (accountFailures >= Limits.MaxFailuresPerAccount)
        {
            retryAfter = TimeSpan.FromMilliseconds(Math.Max(accountLeft, 0));
        }

        if (addressFailures >= Limits.MaxFailuresPerAddress)
        {
            retryAfter = TimeSpan.FromMilliseconds(Math.Max(Math.Max(addressLeft, 0), retryAfter.TotalMilliseconds));
        }

        if (accountFailures >= Limits.MaxFailuresPerAccount || addressFailures >= Limits.MaxFailuresPerAddress)
        {
            LogThrottled(accountFailures >= Limits.MaxFailuresPerAccount, addressFailures >= Limits.MaxFailuresPerAddress);
            throw new RateLimitedException("Too many failed sign-ins; retry later.", retryAfter);
        }
    }

    public Task RecordFailureAsync(SignInAttempt attempt, CancellationToken cancellationToken) =>
        RedisAsync(() => redis.GetDatabase().ScriptEvaluateAsync(CountScript, Keys(attempt), [(long)Limits.Window.TotalMilliseconds]));

    /// <summary>A successful sign-in clears the account's count; the address keeps its count.</summary>
    public Task ForgetAccountFailuresAsync(SignInAttempt attempt, CancellationToken cancellationToken) =>
        RedisAsync(() => redis.GetDatabase().KeyDeleteAsync(Keys(attempt)[0]));

    /// <summary>Without the counters, sign-in is refused rather than left unthrottled.</summary>
    private static async Task<T> RedisAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (RedisException)
        {
            throw new UnavailableException("Sign-in is unavailable right now; retry later.");
        }
    }

    private static RedisKey[] Keys(SignInAttempt attempt) =>
        [KeyPrefix + "account:" + Digest(attempt.AccountKey), KeyPrefix + "address:" + Digest(attempt.SourceAddress)];

    private static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: too many failures (per account: {AccountLimited}, per source address: {AddressLimited})")]
    private partial void LogThrottled(bool accountLimited, bool addressLimited);
}

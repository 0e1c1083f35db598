using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.Errors;
using StackExchange.Redis;

namespace ServiceDesk.Identity.Throttling;

/// <summary>Whom a sign-in attempt counts against: the account (or the unknown login) and the source it comes from.</summary>
public sealed record SignInAttempt(string AccountKey, string Source)
{
    public static SignInAttempt ForAccount(string accountId, string source) => new($"account:{accountId}", source);

    public static SignInAttempt ForUnknownLogin(string login, string source) => new($"login:{login}", source);
}

/// <summary>
/// Counts sign-in attempts in Redis, so every replica sees the same counts, per (account, source), per source and
/// per account (the last far higher: a stranger's failures must not lock the owner out). An attempt is counted
/// atomically before its password is hashed, so concurrent attempts cannot all pass one check; a successful
/// one is taken back. Past its limit a counter admits one attempt per back-off, which doubles with each
/// attempt up to <see cref="ThrottlingOptions.MaxBackoff"/>: there is no hard lock. A counter is forgotten
/// <see cref="ThrottlingOptions.Window"/> after its last attempt. Keys hold HMACs under
/// <see cref="ThrottlingOptions.KeySecret"/>, never a login, account id or address.
/// </summary>
public sealed partial class SignInThrottle(IConnectionMultiplexer redis, IdentityOptions options, ILogger<SignInThrottle> logger)
{
    private const string KeyPrefix = "identity:sign-in:";

    // KEYS: the counters. ARGV: window ms, initial back-off ms, maximum back-off ms, then each counter's limit.
    // Returns 0 when the attempt is counted, else the milliseconds until the counter that refused it admits one.
    private const string ReserveScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local wait = 0
        for i, key in ipairs(KEYS) do
          local admitAt = tonumber(redis.call('HGET', key, 'admit_at') or '0')
          if admitAt - now > wait then wait = admitAt - now end
        end
        if wait > 0 then return wait end
        local window, initial, maximum = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        for i, key in ipairs(KEYS) do
          local count = redis.call('HINCRBY', key, 'count', 1)
          local limit = tonumber(ARGV[3 + i])
          local backoff = 0
          if count >= limit then
            backoff = math.min(initial * 2 ^ (count - limit), maximum)
            redis.call('HSET', key, 'admit_at', string.format('%d', now + backoff))
          end
          redis.call('PEXPIRE', key, string.format('%d', window + backoff))
        end
        return 0
        """;

    // KEYS[1]: the (account, source) counter, forgotten; the others give the attempt back.
    private const string RefundScript = """
        redis.call('DEL', KEYS[1])
        for i = 2, #KEYS do
          if redis.call('HINCRBY', KEYS[i], 'count', -1) <= 0 then redis.call('DEL', KEYS[i]) end
        end
        return 0
        """;

    private readonly byte[] _keySecret = Convert.FromBase64String(options.Throttling.KeySecret!);

    private ThrottlingOptions Limits => options.Throttling;

    /// <summary>Counts the attempt against every counter, or refuses it (RESOURCE_EXHAUSTED with the time to wait) and counts nothing.</summary>
    public async Task ReserveAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        var wait = (long)await RedisAsync(() => redis.GetDatabase().ScriptEvaluateAsync(
            ReserveScript,
            Keys(attempt),
            [
                Milliseconds(Limits.Window), Milliseconds(Limits.InitialBackoff), Milliseconds(Limits.MaxBackoff),
                Limits.MaxFailuresPerAccountAndSource, Limits.MaxFailuresPerSource, Limits.MaxFailuresPerAccount,
            ]));
        if (wait > 0)
        {
            LogThrottled(wait);
            throw new RateLimitedException("Too many failed sign-ins; retry later.", TimeSpan.FromMilliseconds(wait));
        }
    }

    /// <summary>After a successful sign-in: the (account, source) counter is forgotten, the others no longer count the attempt.</summary>
    public Task RefundAsync(SignInAttempt attempt, CancellationToken cancellationToken) =>
        RedisAsync(() => redis.GetDatabase().ScriptEvaluateAsync(RefundScript, Keys(attempt)));

    /// <summary>Without the counters, sign-in is refused rather than left unthrottled.</summary>
    private static async Task<T> RedisAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        // A timeout is no RedisException in StackExchange.Redis.
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            throw new UnavailableException("Sign-in is unavailable right now; retry later.");
        }
    }

    private static long Milliseconds(TimeSpan value) => (long)value.TotalMilliseconds;

    private RedisKey[] Keys(SignInAttempt attempt) =>
    [
        KeyPrefix + "pair:" + Mac($"pair\n{attempt.AccountKey}\n{attempt.Source}"),
        KeyPrefix + "source:" + Mac($"source\n{attempt.Source}"),
        KeyPrefix + "account:" + Mac($"account\n{attempt.AccountKey}"),
    ];

    private string Mac(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(_keySecret, Encoding.UTF8.GetBytes(value)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: too many failures; next attempt admitted in {WaitMilliseconds} ms")]
    private partial void LogThrottled(long waitMilliseconds);
}

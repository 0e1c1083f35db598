using System.ComponentModel.DataAnnotations;

namespace ServiceDesk.Messaging;

/// <summary>Configuration section <c>Messaging</c>: how a service publishes and consumes integration events.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Prefix of every Redis key, so several deployments (or tests) can share one server.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "sd:";

    /// <summary>
    /// This replica's consumer name within its service's consumer groups. Defaults to the <c>POD_NAME</c>
    /// environment variable (Kubernetes), then to host name and process id, which changes with every restart.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// The longest a consumer's blocking read waits for a new entry before it runs a round of retries, claims and
    /// trimming anyway; new entries end the wait at once.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the outbox relay looks for unpublished events without being woken.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an appended event stays in the outbox (marked appended) before it is forgotten. Redis fsyncs its
    /// AOF once a second and Debian's Redis 7.0 has no WAITAOF, so an append is not known durable when XADD returns:
    /// when Redis restarts (a new run id) within the window, the relay appends again what the restarted server
    /// lost. Events older than the window are not covered (a restore from an older backup loses them).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DurabilityWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An entry pending this long with another consumer (a crashed replica) is claimed.</summary>
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Handler attempts before an entry goes to the dead-letter stream.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Entries read per round.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How often streams are trimmed up to what every consumer group has acknowledged.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most entries a dead-letter stream keeps (approximately: Redis drops whole nodes, <c>MAXLEN ~</c>); older
    /// dead letters go first. Bounds Redis's memory when a handler fails on everything for a long time.
    /// </summary>
    [Range(100, 100_000_000)]
    public int DeadLetterMaxLength { get; set; } = 100_000;

    /// <summary>
    /// The most entries (approximately) kept in the stream of a family the catalog lists no subscriber for:
    /// trimming by acknowledgement never applies to it, as no group reads it.
    /// </summary>
    [Range(100, 100_000_000)]
    public int UnsubscribedMaxLength { get; set; } = 10_000;

    /// <summary>
    /// A name that survives restarts where one exists: a restarted replica then reads its own in-flight entries
    /// again at once instead of leaving them to a claim after <see cref="ClaimAfter"/>.
    /// </summary>
    public string ResolveInstanceName(string? podName) =>
        !string.IsNullOrWhiteSpace(InstanceName) ? InstanceName
        : !string.IsNullOrWhiteSpace(podName) ? podName
        : $"{Environment.MachineName}-{Environment.ProcessId}";
}

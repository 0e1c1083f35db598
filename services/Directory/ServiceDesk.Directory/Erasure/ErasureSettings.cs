using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// <c>Erasure:ParticipantTimeout</c> (default 15 minutes): a service still pending this long after the command
/// (or its retry) shows as overdue on the request: it may be down, or its entry dead-lettered.
/// </summary>
public sealed record ErasureSettings(TimeSpan ParticipantTimeout)
{
    public static readonly TimeSpan DefaultParticipantTimeout = TimeSpan.FromMinutes(15);

    public static ErasureSettings From(IConfiguration configuration) =>
        new(configuration.GetValue("Erasure:ParticipantTimeout", DefaultParticipantTimeout));
}

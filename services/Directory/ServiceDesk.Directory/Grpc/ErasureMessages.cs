using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Erasure;

namespace ServiceDesk.Directory.Grpc;

/// <summary>Erasure records to their v1 messages; overdue flags are computed at <paramref name="now"/>.</summary>
internal static class ErasureMessages
{
    public static ErasureRequest ToMessage(this ErasureRecord record, DateTimeOffset now, TimeSpan participantTimeout) => new()
    {
        Id = record.Id,
        CustomerId = record.CustomerId,
        Mode = record.Mode,
        Reason = record.Reason,
        SuccessorCustomerId = record.SuccessorCustomerId ?? string.Empty,
        RequestedBy = record.RequestedBy,
        ApprovedBy = record.ApprovedBy ?? string.Empty,
        Status = record.Status,
        ReceivedAt = Timestamp.FromDateTimeOffset(record.ReceivedAt),
        DueAt = Timestamp.FromDateTimeOffset(record.DueAt),
        CompletedAt = record.CompletedAt is { } completed ? Timestamp.FromDateTimeOffset(completed) : null,
        Participants =
        {
            record.Participants.Select(participant => new ParticipantStatus
            {
                Service = participant.Service,
                State = record.Status is ErasureStatus.AwaitingApproval or ErasureStatus.Rejected ? ParticipantState.NotStarted : participant.State,
                Counts = { participant.Counts.ToDictionary() },
                Error = participant.Error ?? string.Empty,
                UpdatedAt = Timestamp.FromDateTimeOffset(participant.UpdatedAt),
                Overdue = record.IsParticipantOverdue(participant, now - participantTimeout),
            }),
        },
        Overdue = record.IsOverdue(now),
        RejectionReason = (RejectionReason)(record.Rejection?.ReasonCode ?? 0),
        RejectedBy = record.Rejection?.By ?? string.Empty,
        Reinstatement = record.Reinstatement is { } reinstated
            ? new Reinstatement { ReinstatedBy = reinstated.By, Reason = (ReinstatementReason)reinstated.ReasonCode, ReinstatedAt = Timestamp.FromDateTimeOffset(reinstated.At) }
            : null,
    };

    /// <summary>
    /// What the customer the request is about sees of it: not the successor (another customer's own id) nor the
    /// admins' account ids, only their own; each service's progress but not its counts, which tell of data the customer
    /// never saw (Ticketing's texts redacted count the internal comments that named them).
    /// </summary>
    public static ErasureRequest ForCustomer(this ErasureRequest message, string? accountId)
    {
        message.SuccessorCustomerId = string.Empty;
        message.RequestedBy = message.RequestedBy == accountId ? message.RequestedBy : string.Empty;
        message.ApprovedBy = string.Empty;
        message.RejectedBy = string.Empty;
        message.Reinstatement?.ReinstatedBy = string.Empty;
        foreach (var participant in message.Participants)
        {
            participant.Counts.Clear();
        }

        return message;
    }

    public static ErasureEvidence ToMessage(this SignedEvidence evidence) => new()
    {
        Document = ByteString.CopyFrom(evidence.Document),
        Signature = ByteString.CopyFrom(evidence.Signature),
        Algorithm = SignedEvidence.Algorithm,
        KeyId = evidence.KeyId,
        PublicKeyPem = evidence.PublicKeyPem,
    };
}

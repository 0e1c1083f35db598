using ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// A message taken in, by the keyed hash of its Message-ID (<see cref="MessageIds"/>): what a repeat of it is
/// answered with, and which ticket a reply to it belongs to. Written in the same transaction as the ticket change
/// it caused, so a message never changes a ticket twice.
/// </summary>
public sealed record InboundMail(string MessageHash, string TicketId, IngestOutcome Outcome);

/// <summary>A message with this hash was taken in meanwhile; nothing was written.</summary>
public sealed class DuplicateMailException(string messageHash) : Exception("This message was taken in already.")
{
    public string MessageHash { get; } = messageHash;
}
